using System.Runtime.CompilerServices;

namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>
    /// Sums this gradient-shaped tensor down to <paramref name="shape"/>, undoing NumPy
    /// broadcasting: leading dimensions are summed away and dimensions that are 1 in
    /// <paramref name="shape"/> are summed with keep-dim. The one place where broadcasting is
    /// undone (every binary primitive's backward calls it); a composition of sum and reshape.
    /// </summary>
    /// <exception cref="ShapeException"><paramref name="shape"/> does not broadcast to this tensor's shape.</exception>
    public Tensor SumToShape(ReadOnlySpan<int> shape, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (Shapes.Equal(ShapeArray, shape)) return this;
        if (!Shapes.BroadcastsTo(shape, ShapeArray))
            throw ShapeErrors.CannotSumTo(ShapeArray, shape);
        int lead = Rank - shape.Length;
        Span<int> axes = stackalloc int[Rank];
        int count = 0;
        for (int d = 0; d < Rank; d++)
            if (d < lead || (shape[d - lead] == 1 && ShapeArray[d] != 1)) axes[count++] = d;
        var target = Shapes.Keep(shape);
        return count == 0 ? ReshapeNode.Apply(this, target, file, line) : SumNode.Apply(this, Shapes.Keep(axes[..count]), keepDim: true, file, line).Reshape(target, file, line);
    }
}
