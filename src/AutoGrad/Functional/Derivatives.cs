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
        for (int i = 0; i < inputs.Length; i++) r[i] = inputs[i].RequiresGrad ? inputs[i] : Leaf(inputs[i]);
        return r;
    }

    /// <summary>A leaf copy that requires grad and keeps the input's tangents (a dual input stays dual: forward over reverse).</summary>
    private static Tensor Leaf(Tensor x)
    {
        var leaf = x.Detach().RequireGrad();
        if (ForwardMode.HasTangent(x)) ForwardMode.CopyTangents(x, leaf);
        return leaf;
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
        var leaf = x.RequiresGrad ? x : Leaf(x);
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

    /// <summary>
    /// The value of f and the Jacobian-vector product J·v (the directional derivative of f at x
    /// along v) in one forward pass with dual tensors: no tape is recorded for it, and the cost is
    /// about two to three evaluations of f whatever the sizes. Works on float32 and float64; v may be
    /// dual at an outer level, and x may require grad (the tangent then has a graph: reverse over forward).
    /// </summary>
    /// <exception cref="ArgumentException">v's shape or dtype differs from x's.</exception>
    /// <exception cref="AutogradException">f runs an op without a forward-mode rule (a custom op that declares none).</exception>
    public static (Tensor Value, Tensor Tangent) Jvp(Func<Tensor, Tensor> f, Tensor x, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Jvp(xs => f(xs[0]), [x], [v]);
    }

    /// <summary>J·v for a function of several inputs: Σᵢ ∂f/∂xᵢ·vᵢ, with one tangent per input (zeros hold an input fixed).</summary>
    /// <exception cref="ArgumentException">The counts differ, or a tangent's shape or dtype differs from its input's.</exception>
    public static (Tensor Value, Tensor Tangent) Jvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] tangents)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(tangents);
        if (inputs.Length != tangents.Length)
            throw new ArgumentException($"Derivatives.Jvp: {inputs.Length} inputs but {tangents.Length} tangents; give one tangent per input", nameof(tangents));
        using var level = ForwardMode.Level();
        var duals = new Tensor[inputs.Length];
        for (int i = 0; i < duals.Length; i++) duals[i] = level.Dual(inputs[i], tangents[i]);
        var y = f(duals) ?? throw new InvalidOperationException("Derivatives.Jvp: the function returned null");
        return (level.Primal(y), level.Tangent(y));
    }

    /// <summary>
    /// The Jacobian ∂f(x)/∂x of shape [output shape..., input shape...], built column by column
    /// with forward mode (one dual pass per input element). Cheaper than <see cref="Jacobian"/>
    /// when f has fewer inputs than outputs; equal to it up to rounding.
    /// </summary>
    public static Tensor JacobianForward(Func<Tensor, Tensor> f, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Numel;
        var columns = new Tensor[n];
        int[] yShape = [];
        for (int e = 0; e < n; e++)
        {
            var basis = Tensor.Zeros(x.DType, x.ShapeArray);
            basis.SetFlat(e, 1);
            var (value, column) = Jvp(f, x, basis);
            yShape = value.ShapeArray;
            columns[e] = column.Reshape([-1]);
        }
        if (n == 0)
        {
            using (Tape.NoGrad()) yShape = f(x).ShapeArray;
            return Tensor.Zeros(x.DType, [.. yShape, .. x.ShapeArray]);
        }
        // [n, m] columns → [m, n] → [output..., input...]
        return Tensor.Stack(columns).Transpose().Reshape([.. yShape, .. x.ShapeArray]);
    }

    /// <summary>
    /// The Hessian ∂²f/∂x² of a scalar function, of shape [x shape..., x shape...], forward over
    /// reverse: column j is the tangent of the gradient along the j-th basis vector (one backward
    /// pass with dual tensors per element). Equal to <see cref="HessianReverse"/> up to rounding.
    /// </summary>
    public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Numel;
        if (n == 0) return Tensor.Zeros(x.DType, [.. x.ShapeArray, .. x.ShapeArray]);
        var columns = new Tensor[n];
        for (int e = 0; e < n; e++)
        {
            var basis = Tensor.Zeros(x.DType, x.ShapeArray);
            basis.SetFlat(e, 1);
            columns[e] = HessianVectorProduct(f, x, basis);
        }
        // H is symmetric, so column j is row j: stacking the columns gives H.
        return Tensor.Stack(columns).Reshape([.. x.ShapeArray, .. x.ShapeArray]);
    }

    /// <summary>The Hessian reverse over reverse: the Jacobian of the recorded gradient, one backward pass per element (the Hessian before forward mode).</summary>
    public static Tensor HessianReverse(Func<Tensor, Tensor> f, Tensor x) =>
        Jacobian(z => Grad(f, z, createGraph: true).Reshape(z.ShapeArray), x);

    /// <summary>
    /// The Hessian-vector product (∂²f/∂x²)·v of a scalar function without forming the Hessian,
    /// forward over reverse: the tangent along v of the gradient, one backward pass on dual tensors
    /// (no create-graph tape). Equal to <see cref="HessianVectorProductReverse"/> up to rounding.
    /// </summary>
    /// <exception cref="ArgumentException">v's shape or dtype differs from x's.</exception>
    /// <exception cref="AutogradException">An op on the way has a backward that is not differentiable.</exception>
    public static Tensor HessianVectorProduct(Func<Tensor, Tensor> f, Tensor x, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(f);
        Guard.SameShape("Derivatives.HessianVectorProduct (v)", x, v);
        Guard.SameDType("Derivatives.HessianVectorProduct (v)", x, v);
        return Jvp(z => Grad(f, z), x, v).Tangent;
    }

    /// <summary>The Hessian-vector product reverse over reverse: the gradient of ⟨∇f, v⟩ (a create-graph backward, then a second backward).</summary>
    /// <exception cref="ArgumentException">v's shape or dtype differs from x's.</exception>
    public static Tensor HessianVectorProductReverse(Func<Tensor, Tensor> f, Tensor x, Tensor v)
    {
        Guard.SameShape("Derivatives.HessianVectorProductReverse (v)", x, v);
        Guard.SameDType("Derivatives.HessianVectorProductReverse (v)", x, v);
        return Grad(z => (Grad(f, z, createGraph: true) * v).Sum(), x);
    }
}
