using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.Kernels;
using AutoGrad.Ops;

namespace AutoGrad;

/// <summary>reshape: the same elements (storage shared) in a new shape; the gradient is reshaped back.</summary>
internal sealed class ReshapeNode : Node, INodeType<ReshapeNode>
{
    public static ReshapeNode Create() => new();

    public override string Name => "reshape";
    public override string Rule => "same elements, new shape;  G reshaped back";
    protected override bool SavesInput(int i) => false;

    public static Tensor Apply(Tensor x, int[] shape, string file, int line)
    {
        if (Shapes.Equal(shape, x.ShapeArray)) return x;
        var y = x.ReshapeView(shape);
        if (Node.NeedsNode(x)) Record(New<ReshapeNode>(), y, x, file, line);
        return y;
    }

    protected internal override Tensor Forward(Tensor[] x) => x[0].Reshape(OutputShape);

    protected internal override Tensor? Jvp(Tensor y, Tensor?[] t) => t[0]?.Reshape(y.ShapeArray);
    protected internal override void Backward(Tensor g, Tensor?[] grads) => grads[0] = g.Reshape(Input(0).ShapeArray);
}

public sealed partial class Tensor
{
    /// <summary>A tensor with the same storage and a new shape, without recording (internal plumbing).</summary>
    internal Tensor ReshapeView(int[] shape) => View(shape, DType, Storage);

    /// <summary>
    /// The same elements in a new shape (row-major order is kept; storage is shared). One
    /// dimension may be −1 and is inferred.
    /// </summary>
    /// <exception cref="ShapeException">The element counts differ, or more than one −1.</exception>
    public Tensor Reshape(int[] shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ReshapeNode.Apply(this, InferShape(shape), file, line);

    /// <summary>Reshape with the dimensions as arguments: <c>x.View(2, -1)</c>.</summary>
    public Tensor View(params int[] shape) => Reshape(shape, "", 0);

    private int[] InferShape(int[] shape)
    {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw ShapeErrors.TwoInferred(ShapeArray, shape, infer, i);
                infer = i;
            }
            else if (shape[i] < 0) throw ShapeErrors.InvalidSize(ShapeArray, shape, i);
            else known *= shape[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw ShapeErrors.CannotInfer(ShapeArray, shape, infer, known);
            return Shapes.With(shape, infer, (int)(Numel / known));
        }
        if (known != Numel)
            throw ShapeErrors.CannotReshape(ShapeArray, shape, known);
        return Shapes.Keep(shape);
    }

    /// <summary>Flattens to 1-d.</summary>
    public Tensor Flatten([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reshape([-1], file, line);

    /// <summary>
    /// Merges dimensions <paramref name="startDim"/> to <paramref name="endDim"/> (inclusive;
    /// negative counts from the end) into one, as <c>torch.flatten</c>: [N, C, H, W] with
    /// startDim 1 gives [N, C·H·W]. A 0-d tensor gives [1]. The gradient is reshaped back.
    /// </summary>
    /// <exception cref="ShapeException">A dimension is out of range, or startDim comes after endDim.</exception>
    public Tensor Flatten(int startDim, int endDim = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int rank = Math.Max(Rank, 1);
        int s = Shapes.NormalizeAxis("flatten", startDim, rank), e = Shapes.NormalizeAxis("flatten", endDim, rank);
        if (s > e) throw ShapeErrors.FlattenOrder(ShapeArray, startDim, endDim);
        if (Rank == 0) return ReshapeNode.Apply(this, Shapes.Keep([1]), file, line);
        Span<int> shape = stackalloc int[Rank - (e - s)];
        int n = 0, merged = 1;
        for (int d = 0; d < Rank; d++)
        {
            if (d < s || d > e) shape[n++] = ShapeArray[d];
            else
            {
                merged *= ShapeArray[d];
                if (d == e) shape[n++] = merged;
            }
        }
        return ReshapeNode.Apply(this, Shapes.Keep(shape), file, line);
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="axis"/> (−1 = at the end).</summary>
    public Tensor Unsqueeze(int axis, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("unsqueeze", axis, Rank + 1);
        return ReshapeNode.Apply(this, Shapes.Inserted(ShapeArray, a, 1), file, line);
    }

    /// <summary>Removes a dimension of size 1.</summary>
    /// <exception cref="ShapeException">The dimension is not 1.</exception>
    public Tensor Squeeze(int axis, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        int a = Shapes.NormalizeAxis("squeeze", axis, Rank);
        if (ShapeArray[a] != 1)
            throw ShapeErrors.NotSizeOne(ShapeArray, a);
        return ReshapeNode.Apply(this, Shapes.Removed(ShapeArray, a), file, line);
    }
}
