using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

/// <summary>to: the same values in another dtype; the gradient is converted back.</summary>
internal sealed class CastNode : Node, INodeType<CastNode>
{
    public static CastNode Create() => new();

    private DType _source;

    public override string Name => "to";
    public override string Rule => "y = x in another dtype;  ∂y/∂x = 1";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, DType dtype, string file, int line)
    {
        if (dtype == x.DType) return x;
        var y = Tensor.Empty(x.ShapeArray, dtype);
        Launch.Run(new CastLaunch(x, y), x);
        if (Node.NeedsNode(x))
        {
            var node = New<CastNode>();
            node._source = x.DType;
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => x[0].DType == _source ? Apply(x[0], OutputDType, "", 0) : x[0].Reshape(OutputShape);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => t[0]?.To(y.DType);

    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.To(Input(0).DType);

    private readonly struct CastLaunch(Tensor x, Tensor y) : ILaunch
    {
        public void Run()
        {
            if (y.DType == DType.Float64)
            {
                var s = x.SpanF; var d = y.SpanD;
                for (int i = 0; i < s.Length; i++) d[i] = s[i];
            }
            else
            {
                var s = x.SpanD; var d = y.SpanF;
                for (int i = 0; i < s.Length; i++) d[i] = (float)s[i];
            }
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// This tensor converted to <paramref name="dtype"/> (the same tensor if it already has it).
    /// Differentiable: the gradient is converted back.
    /// </summary>
    public Tensor To(DType dtype, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => CastNode.Apply(this, dtype, file, line);
}
