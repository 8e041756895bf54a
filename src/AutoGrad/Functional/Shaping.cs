using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>
    /// Splits along <paramref name="axis"/> into pieces of <paramref name="splitSize"/> elements, the
    /// last one smaller when the size does not divide the axis (torch.split with an int). Each piece
    /// is a <see cref="Slice"/> (a copy, unlike PyTorch's views), so its gradient flows back to its range.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">splitSize is not positive.</exception>
    /// <exception cref="ShapeException">The axis is out of range.</exception>
    public Tensor[] Split(int splitSize, int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Guard.Positive("split", nameof(splitSize), splitSize);
        int a = Shapes.NormalizeAxis("split", axis, Rank), n = ShapeArray[a];
        int count = Math.Max(1, (n + splitSize - 1) / splitSize);
        var sizes = new int[count];
        for (int i = 0; i < count; i++) sizes[i] = Math.Min(splitSize, n - i * splitSize);
        return SplitSections("split", sizes, a, file, line);
    }

    /// <summary>Splits along <paramref name="axis"/> into pieces of the given sizes (torch.split with a list); each is a slice.</summary>
    /// <exception cref="ShapeException">The axis is out of range, or the sizes are negative or do not add up to the axis.</exception>
    public Tensor[] Split(int[] sizes, int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int a = Shapes.NormalizeAxis("split", axis, Rank);
        long total = 0;
        bool negative = false;
        foreach (int s in sizes) { total += s; negative |= s < 0; }
        if (negative || total != ShapeArray[a]) throw ShapeErrors.SplitSizes(ShapeArray, a, sizes, total);
        return SplitSections("split", sizes, a, file, line);
    }

    /// <summary>
    /// Splits along <paramref name="axis"/> into <paramref name="chunks"/> pieces of ⌈n/chunks⌉
    /// elements, the last one smaller (torch.chunk): like PyTorch this can return fewer than
    /// <paramref name="chunks"/> pieces (chunk(4) of 6 elements gives 2, 2, 2).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">chunks is not positive.</exception>
    public Tensor[] Chunk(int chunks, int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Guard.Positive("chunk", nameof(chunks), chunks);
        int a = Shapes.NormalizeAxis("chunk", axis, Rank), n = ShapeArray[a];
        return Split(Math.Max(1, (n + chunks - 1) / chunks), a, file, line);
    }

    private Tensor[] SplitSections(string op, int[] sizes, int axis, string file, int line)
    {
        using var _ = SourceSite.Enter(op, file, line);
        var parts = new Tensor[sizes.Length];
        for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++) parts[i] = Slice(axis, start, sizes[i]);
        return parts;
    }

    /// <summary>
    /// Tiles the tensor (torch.Tensor.repeat, numpy.tile): dimension d is repeated repeats[d] times;
    /// more counts than dimensions add leading dimensions. <c>x.Repeat(2, 1)</c> of [[1, 2]] is
    /// [[1, 2], [1, 2]]. The gradient sums over the copies.
    /// </summary>
    /// <exception cref="ShapeException">Fewer counts than dimensions.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public Tensor Repeat(int[] repeats, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Length < Rank) throw ShapeErrors.RepeatCount(ShapeArray, repeats);
        foreach (int r in repeats) Guard.NonNegative("repeat", nameof(repeats), r);
        using var _ = SourceSite.Enter("repeat", file, line);
        int k = repeats.Length, lead = k - Rank;
        var spread = new int[2 * k];
        var tiled = new int[2 * k];
        var result = new int[k];
        for (int d = 0; d < k; d++)
        {
            int s = d < lead ? 1 : ShapeArray[d - lead];
            (spread[2 * d], spread[2 * d + 1]) = (1, s);
            (tiled[2 * d], tiled[2 * d + 1]) = (repeats[d], s);
            result[d] = repeats[d] * s;
        }
        return Reshape(spread).Expand(tiled).Reshape(result);
    }

    /// <summary>Tiles the tensor; see <see cref="Repeat(int[], string, int)"/>.</summary>
    public Tensor Repeat(params int[] repeats) => Repeat(repeats, "", 0);

    /// <summary>
    /// y = mask ? value : x (torch.Tensor.masked_fill): where the mask is nonzero (a 0/1 tensor, as
    /// from <see cref="Gt(double)"/>) the element is replaced by <paramref name="value"/>. The mask
    /// broadcasts to x's shape (not the other way round) and is a constant; the gradient is 0 where
    /// filled and 1 elsewhere. A mask of the other float dtype is converted.
    /// </summary>
    /// <exception cref="ShapeException">The mask does not broadcast to x's shape.</exception>
    public Tensor MaskedFill(Tensor mask, double value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (!Shapes.BroadcastsTo(mask.ShapeArray, ShapeArray)) throw ShapeErrors.DoesNotBroadcastTo("masked_fill", "mask", mask.ShapeArray, "x", ShapeArray);
        using var _ = SourceSite.Enter("masked_fill", file, line);
        var m = mask.DType == DType ? mask.Detach() : mask.Detach().To(DType);
        return Where(m, value, this);
    }
}
