using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>
/// max: y = max x over the given axes; NaN propagates. The gradient goes to the positions that
/// attain the maximum, shared equally among ties (which lies between the one-sided derivatives).
/// </summary>
internal sealed class MaxNode : Node, INodeType<MaxNode>
{
    public static MaxNode Create() => new();

    private int[] _axes = [], _kept = [];
    private bool _keepDim;

    public override string Name => "max";
    public override string Rule => "y = max x over axes;  ∂y/∂x = 1/k at the k maximal elements, 0 elsewhere";
    protected override bool SavesOutput => true;

    public static Tensor Apply(Tensor x, int[]? axes, bool keepDim, string file, int line)
    {
        var ax = Shapes.NormalizeAxesKept("max", axes, x.Rank);
        foreach (int a in ax)
            if (x.ShapeArray[a] == 0)
                throw ShapeErrors.EmptyReduction("max", x.ShapeArray, a);
        var kept = Shapes.ReducedKept(x.ShapeArray, ax, keepDim: true);
        var y = Reduction.Run(x, ax, kept, max: true);
        if (!keepDim) y = y.ReshapeView(Shapes.ReducedKept(x.ShapeArray, ax, keepDim: false));
        if (Node.NeedsNode(x))
        {
            var node = New<MaxNode>();
            (node._axes, node._kept, node._keepDim) = (ax, kept, keepDim);
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axes, _keepDim, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t)
    {
        if (t[0] is null) return null;
        // The reverse rule's mask (ties share equally): ẏ is the mean of ẋ over the maxima.
        var mask = Tensor.Eq(Input(0).Detach(), y.Detach().Reshape(_kept));
        mask = mask / mask.Sum(_axes, keepDim: true);
        return t[0]!.SafeMul(mask).Sum(_axes, _keepDim);
    }

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var x = Input(0);
        // The mask is built from detached values, so it is a constant even under create-graph.
        var mask = Tensor.Eq(x.Detach(), Output.Detach().Reshape(_kept));
        mask = mask / mask.Sum(_axes, keepDim: true);
        grads[0] = g.Reshape(_kept).SafeMul(mask);
    }
}

public sealed partial class Tensor
{
    /// <summary>Maximum over <paramref name="axes"/> (all when null); NaN propagates.</summary>
    /// <exception cref="ShapeException">An axis is out of range, or a reduced axis has size 0.</exception>
    public Tensor Max(int[]? axes = null, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        MaxNode.Apply(this, axes, keepDim, file, line);

    /// <summary>Maximum over one axis.</summary>
    public Tensor Max(int axis, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Max([axis], keepDim, file, line);
}
