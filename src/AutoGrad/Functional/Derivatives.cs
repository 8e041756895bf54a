namespace AutoGrad.Autograd;

/// <summary>
/// Functional derivatives, in the manner of JAX and <c>torch.autograd.functional</c>: the
/// gradient, vector-Jacobian product, Jacobian, Hessian and Hessian-vector product of a function
/// of tensors. Results are returned (<see cref="Tape.Gradients"/>), never accumulated, so the
/// caller's <see cref="Tensor.Grad"/> is untouched; inputs that do not require grad are copied as
/// leaves, and inputs that are part of a graph stay connected, so the functions nest (the Hessian
/// is the Jacobian of the gradient). Second derivatives record the backward pass; an op whose
/// backward is not differentiable makes them throw rather than return a silent zero.
/// </summary>
public static class Derivatives
{
    private static Tensor[] Differentiable(Tensor[] inputs)
    {
        var r = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) r[i] = inputs[i].RequiresGrad ? inputs[i] : inputs[i].Detach().RequireGrad();
        return r;
    }

    private static Tensor[] Zeros(Tensor[] like) => [.. like.Select(Tensor.ZerosLike)];

    /// <summary>The value of a scalar function and its gradient with respect to every input: ∂f/∂xᵢ.</summary>
    /// <param name="f">A function returning a one-element tensor.</param>
    /// <param name="inputs">Where to differentiate (copied; not modified).</param>
    /// <param name="createGraph">Record the backward pass, so the gradients can be differentiated again.</param>
    /// <exception cref="AutogradException">f does not return one element.</exception>
    public static (Tensor Value, Tensor[] Gradients) ValueAndGrad(Func<Tensor[], Tensor> f, Tensor[] inputs, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        var xs = Differentiable(inputs);
        Tensor y;
        using (Tape.EnableGrad()) y = f(xs);
        if (y.Numel != 1)
            throw new AutogradException($"Derivatives.Grad: the function returned shape {Shapes.Format(y.ShapeArray)}; a gradient needs a one-element output (use Vjp or Jacobian otherwise)");
        if (!y.RequiresGrad) return (y, Zeros(xs));
        using (Tape.EnableGrad())
            return (createGraph ? y : y.Detach(), Tape.Gradients(y, xs, retainGraph: createGraph, createGraph: createGraph));
    }

    /// <summary>∂f/∂xᵢ of a scalar function, for every input.</summary>
    public static Tensor[] Grad(Func<Tensor[], Tensor> f, Tensor[] inputs, bool createGraph = false) =>
        ValueAndGrad(f, inputs, createGraph).Gradients;

    /// <summary>∂f/∂x of a scalar function of one tensor.</summary>
    public static Tensor Grad(Func<Tensor, Tensor> f, Tensor x, bool createGraph = false) =>
        Grad(xs => f(xs[0]), [x], createGraph)[0];

    /// <summary>The vector-Jacobian product vᵀ·∂f/∂xᵢ for every input, with v shaped like f's output.</summary>
    /// <exception cref="ArgumentException">v's shape or dtype differs from the output's.</exception>
    public static (Tensor Value, Tensor[] Products) Vjp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(f);
        var xs = Differentiable(inputs);
        Tensor y;
        using (Tape.EnableGrad()) y = f(xs);
        Guard.SameShape("Derivatives.Vjp (v)", y, v);
        Guard.SameDType("Derivatives.Vjp (v)", y, v);
        if (!y.RequiresGrad) return (y, Zeros(xs));
        return (y.Detach(), Tape.Gradients(y, xs, v));
    }

    /// <summary>
    /// The Jacobian ∂f(x)/∂x of shape [output shape..., input shape...], one backward pass per
    /// output element.
    /// </summary>
    public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(f);
        var leaf = x.RequiresGrad ? x : x.Detach().RequireGrad();
        Tensor y;
        using (Tape.EnableGrad()) y = f(leaf);
        var rows = new Tensor[y.Numel];
        for (int j = 0; j < y.Numel; j++)
        {
            if (!y.RequiresGrad) { rows[j] = Tensor.ZerosLike(leaf); continue; }
            var seed = Tensor.Zeros(y.DType, y.ShapeArray);
            seed.SetFlat(j, 1);
            rows[j] = Tape.Gradients(y, [leaf], seed, retainGraph: true)[0];
        }
        var stacked = rows.Length == 0 ? Tensor.Zeros(x.DType, [0, .. x.ShapeArray]) : Tensor.Stack(rows);
        return stacked.Reshape([.. y.ShapeArray, .. x.ShapeArray]);
    }

    /// <summary>The Hessian ∂²f/∂x² of a scalar function, of shape [x shape..., x shape...].</summary>
    public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor x) =>
        Jacobian(z => Grad(f, z, createGraph: true).Reshape(z.ShapeArray), x);

    /// <summary>The Hessian-vector product (∂²f/∂x²)·v of a scalar function, without forming the Hessian.</summary>
    /// <exception cref="ArgumentException">v's shape or dtype differs from x's.</exception>
    public static Tensor HessianVectorProduct(Func<Tensor, Tensor> f, Tensor x, Tensor v)
    {
        Guard.SameShape("Derivatives.HessianVectorProduct (v)", x, v);
        Guard.SameDType("Derivatives.HessianVectorProduct (v)", x, v);
        return Grad(z => (Grad(f, z, createGraph: true) * v).Sum(), x);
    }
}
