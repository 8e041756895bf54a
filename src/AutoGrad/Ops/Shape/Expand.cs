using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>expand: broadcast to a larger shape (NumPy rules, a copy); the gradient is summed back over the broadcast axes.</summary>
internal sealed class ExpandNode : Node, INodeType<ExpandNode>
{
    public static ExpandNode Create() => new();

    public override string Name => "expand";
    public override string Rule => "x broadcast to a larger shape;  G summed over the broadcast axes";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int[] shape, string file, int line)
    {
        if (Shapes.Equal(shape, x.ShapeArray)) return x;
        if (!Shapes.BroadcastsTo(x.ShapeArray, shape))
            throw ShapeErrors.CannotExpand(x.ShapeArray, shape);
        var y = Tensor.Empty(Shapes.Keep(shape), x.DType);
        Launch.Run(new ExpandLaunch(x, y), x);
        if (Node.NeedsNode(x)) Record(New<ExpandNode>(), y, x, file, line);
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], OutputShape, "", 0);
    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.SumToShape(Input(0).ShapeArray);

    private readonly struct ExpandLaunch(Tensor x, Tensor y) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Broadcast.Expand<float>(x.SpanF, x.ShapeArray, y.SpanF, y.ShapeArray);
            else Broadcast.Expand<double>(x.SpanD, x.ShapeArray, y.SpanD, y.ShapeArray);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>Broadcasts to <paramref name="shape"/> (NumPy rules), copying.</summary>
    /// <exception cref="ShapeException">This shape does not broadcast to <paramref name="shape"/>.</exception>
    public Tensor Expand(int[] shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => ExpandNode.Apply(this, shape, file, line);
}
