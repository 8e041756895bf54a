using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>permute: the axes reordered (a copy); the gradient is permuted back by the inverse permutation.</summary>
internal sealed class PermuteNode : Node, INodeType<PermuteNode>
{
    public static PermuteNode Create() => new();

    private int[] _perm = [];

    public override string Name => "permute";
    public override string Rule => "axes reordered;  G permuted back";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int[] perm, string file, int line)
    {
        if (perm.Length != x.Rank)
            throw ShapeErrors.PermutationLength(x.ShapeArray, perm);
        int rank = x.Rank;
        Span<int> normalized = stackalloc int[rank];
        for (int i = 0; i < rank; i++)
        {
            normalized[i] = Shapes.NormalizeAxis("permute", perm[i], rank);
            int earlier = normalized[..i].IndexOf(normalized[i]);
            if (earlier >= 0) throw ShapeErrors.PermutationRepeats(x.ShapeArray, perm, normalized[i], earlier, i);
        }
        bool identity = true;
        for (int i = 0; i < rank; i++) identity &= normalized[i] == i;
        if (identity) return x;
        Span<int> shape = stackalloc int[rank];
        for (int i = 0; i < rank; i++) shape[i] = x.ShapeArray[normalized[i]];
        var p = Shapes.Keep(normalized);
        var y = Tensor.Empty(Shapes.Keep(shape), x.DType);
        Launch.Run(new PermuteLaunch(x, p, y), x);
        if (Node.NeedsNode(x))
        {
            var node = New<PermuteNode>();
            node._perm = p;
            Record(node, y, x, file, line);
        }
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => Apply(x[0], _perm, "", 0);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => TangentRules.Linear(this, t);

    protected internal override void Backward(Tensor g, Tensor?[] grads)
    {
        var inverse = new int[_perm.Length];
        for (int i = 0; i < _perm.Length; i++) inverse[_perm[i]] = i;
        grads[0] = g.Permute(inverse);
    }

    private readonly struct PermuteLaunch(Tensor x, int[] perm, Tensor y) : IRecordedLaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Layout.Permute<float>(x.SpanF, x.ShapeArray, perm, y.SpanF);
            else Layout.Permute<double>(x.SpanD, x.ShapeArray, perm, y.SpanD);
        }

        // The strides are shape bookkeeping: worked out once for a replay, not at every run.
        public ILaunch ForReplay(ILaunchRecorder recorder)
        {
            if (x.Rank == 2 && perm[0] == 1) return this;
            var (yShape, src) = Layout.PermuteStrides(x.ShapeArray, perm);
            return new StridedPermuteLaunch(x, yShape, src, y);
        }
    }

    private sealed class StridedPermuteLaunch(Tensor x, int[] yShape, int[] src, Tensor y) : ILaunch
    {
        public void Run()
        {
            if (x.DType == DType.Float32) Layout.PermuteStrided<float>(x.SpanF, yShape, src, y.SpanF);
            else Layout.PermuteStrided<double>(x.SpanD, yShape, src, y.SpanD);
        }
    }
}

public sealed partial class Tensor
{
    /// <summary>Reorders the axes: output axis i is input axis perm[i]. Copies.</summary>
    /// <exception cref="ShapeException">perm is not a permutation of 0..rank-1.</exception>
    public Tensor Permute(int[] perm, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => PermuteNode.Apply(this, perm, file, line);

    /// <summary>Swaps two axes (default: the last two, a matrix transpose).</summary>
    public Tensor Transpose(int axis0 = -2, int axis1 = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (Rank < 2) throw ShapeErrors.RankTooLow("transpose", ShapeArray, 2);
        int a = Shapes.NormalizeAxis("transpose", axis0, Rank), b = Shapes.NormalizeAxis("transpose", axis1, Rank);
        var perm = new int[Rank];
        for (int i = 0; i < Rank; i++) perm[i] = i;
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm, file, line);
    }

    /// <summary>The matrix transpose of a 2-d tensor.</summary>
    public Tensor T => Transpose(-2, -1, "", 0);
}
