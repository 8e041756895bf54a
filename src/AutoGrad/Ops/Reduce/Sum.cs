using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>sum: y = Σ x over the given axes (kept as size 1 or dropped); the gradient is G copied back.</summary>
internal sealed class SumNode : Node, INodeType<SumNode>
{
    public static SumNode Create() => new();

    private int[] _axes = [], _kept = [];
    private bool _keepDim;

    public override string Name => "sum";
    public override string Rule => "y = Σ x over axes;  ∂y/∂x = 1 (G copied back over the summed axes)";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int[]? axes, bool keepDim, string file, int line)
    {
        var ax = Shapes.NormalizeAxesKept("sum", axes, x.Rank);
        var kept = Shapes.ReducedKept(x.ShapeArray, ax, keepDim: true);
        var y = Reduction.Run(x, ax, kept, max: false);
        if (!keepDim) y = y.ReshapeView(Shapes.ReducedKept(x.ShapeArray, ax, keepDim: false));
        if (Node.NeedsNode(x))
        {
            var node = New<SumNode>();
            (node._axes, node._kept, node._keepDim) = (ax, kept, keepDim);
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _axes, _keepDim, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) =>
        grads[0] = g.Reshape(_kept).Expand(Input(0).ShapeArray);
}

public sealed partial class Tensor
{
    /// <summary>Sum over <paramref name="axes"/> (all axes when null), dropping them unless <paramref name="keepDim"/>.</summary>
    /// <exception cref="ShapeException">An axis is out of range or repeated.</exception>
    public Tensor Sum(int[]? axes = null, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        SumNode.Apply(this, axes, keepDim, file, line);

    /// <summary>Sum over one axis.</summary>
    public Tensor Sum(int axis, bool keepDim = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Sum([axis], keepDim, file, line);
}
