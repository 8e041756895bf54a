namespace AutoGrad;

/// <summary>
/// Every <see cref="ShapeException"/> of the library is built here, so all shape errors read
/// alike. <see cref="Shapes"/>, <see cref="Guard"/> and the ops detect the problem; these methods
/// word it. The format is
/// <c>op: the shapes involved, what is wrong at dimension d: size vs size; what is allowed</c>:
/// <list type="bullet">
/// <item>the op (or module) name comes first, then every shape involved, as <c>[2, 3]</c>;</item>
/// <item>the failing dimension is <c>at dimension 0: 2 vs 3</c>, or
/// <c>at dimension 1 of the first and 0 of the second: 3 vs 4</c> when its index differs between
/// the shapes (ranks differ, or different roles as in matmul); a rank mismatch is <c>rank 2 vs 1</c>;</item>
/// <item>after the semicolon, the rule the shapes must follow.</item>
/// </list>
/// Each method returns the exception (the caller writes <c>throw</c>), so control flow stays
/// visible at the call site and the message is only built on failure.
/// </summary>
internal static class ShapeErrors
{
    private const string BroadcastRule = "aligned from the right, each pair of sizes must be equal or one of them 1";

    private static ShapeException Error(string op, string message) => new(op, $"{op}: {message}");

    private static string F(ReadOnlySpan<int> shape) => Shapes.Format(shape);

    // ---- Clauses shared by the messages

    /// <summary><c>at dimension 0: 2 vs 3</c>.</summary>
    internal static string At(int dim, int x, int y) => $"at dimension {dim}: {x} vs {y}";

    /// <summary><c>at dimension 1 of the first and 0 of the second: 3 vs 4</c> (the short form when both indices agree).</summary>
    internal static string At(int dimX, string nameX, int dimY, string nameY, int x, int y, bool alwaysNamed = false) =>
        dimX == dimY && !alwaysNamed ? At(dimX, x, y) : $"at dimension {dimX} of {nameX} and {dimY} of {nameY}: {x} vs {y}";

    /// <summary><c>rank 2 vs 1</c>.</summary>
    internal static string Ranks(int x, int y) => $"rank {x} vs {y}";

    /// <summary>
    /// Where two shapes first differ: <c>at dimension d: x vs y</c>, or <c>rank r vs s</c> when the
    /// ranks differ. Null when the shapes are equal.
    /// </summary>
    internal static string? FirstDifference(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length != b.Length) return Ranks(a.Length, b.Length);
        for (int d = 0; d < a.Length; d++)
            if (a[d] != b[d]) return At(d, a[d], b[d]);
        return null;
    }

    /// <summary>Appends a clause to a sentence: <c>" at dimension …"</c>, or <c>": rank …"</c>.</summary>
    private static string Then(string? clause) =>
        clause is null ? "" : clause.StartsWith("rank", StringComparison.Ordinal) ? ": " + clause : " " + clause;

    private static string Differ(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => Then(FirstDifference(a, b));

    // ---- Broadcasting

    /// <summary>Two operands of an elementwise op do not broadcast (NumPy rules).</summary>
    internal static ShapeException NotBroadcastable(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b) =>
        NotBroadcastable(op, $"shapes {F(a)} and {F(b)}", [("the first", a.ToArray()), ("the second", b.ToArray())], named: false);

    /// <summary>Named operands (<c>cond</c>, <c>a</c>, <c>b</c> of where; <c>y</c>, <c>mean</c>, <c>logSigma</c>) do not broadcast together.</summary>
    internal static ShapeException NotBroadcastable(string op, params (string Name, int[] Shape)[] operands)
    {
        var listed = operands.Select(o => $"{o.Name} {F(o.Shape)}").ToArray();
        string subject = listed.Length == 2 ? $"{listed[0]} and {listed[1]}" : $"{string.Join(", ", listed[..^1])} and {listed[^1]}";
        return NotBroadcastable(op, subject, operands, named: true);
    }

    private static ShapeException NotBroadcastable(string op, string subject, (string Name, int[] Shape)[] operands, bool named)
    {
        // Walk the dimensions aligned from the right; the first operand with a size other than 1
        // sets the size, and the first later one that disagrees is the conflict.
        int rank = operands.Max(o => o.Shape.Length);
        for (int k = 1; k <= rank; k++)
        {
            int owner = -1;
            for (int i = 0; i < operands.Length; i++)
            {
                var s = operands[i].Shape;
                if (k > s.Length || s[^k] == 1) continue;
                if (owner < 0) { owner = i; continue; }
                var o = operands[owner].Shape;
                if (s[^k] != o[^k])
                    return Error(op, $"{subject} do not broadcast {At(o.Length - k, operands[owner].Name, s.Length - k, operands[i].Name, o[^k], s[^k], named)}; {BroadcastRule}");
            }
        }
        return Error(op, $"{subject} do not broadcast; {BroadcastRule}");
    }

    /// <summary>
    /// How <paramref name="from"/> fails to broadcast to exactly <paramref name="to"/>: a rank
    /// clause, or the first dimension (aligned from the right) that is neither 1 nor equal.
    /// </summary>
    private static string BroadcastToFailure(ReadOnlySpan<int> from, string fromName, ReadOnlySpan<int> to, string toName)
    {
        if (from.Length > to.Length) return Then(Ranks(from.Length, to.Length));
        for (int k = from.Length; k >= 1; k--)
        {
            int df = from[^k], dt = to[^k];
            if (df != 1 && df != dt) return Then(At(from.Length - k, fromName, to.Length - k, toName, df, dt));
        }
        return "";
    }

    private const string BroadcastToRule = "aligned from the right, each size must be 1 or equal to the target's, and the target needs at least as many dimensions";

    /// <summary>expand: this shape does not broadcast to the requested one.</summary>
    internal static ShapeException CannotExpand(ReadOnlySpan<int> from, ReadOnlySpan<int> to) =>
        Error("expand", $"shape {F(from)} cannot be broadcast to {F(to)}{BroadcastToFailure(from, "the shape", to, "the target")}; {BroadcastToRule}");

    /// <summary>sum_to_shape: the target shape does not broadcast to the tensor's, so there is no broadcast to undo.</summary>
    internal static ShapeException CannotSumTo(ReadOnlySpan<int> from, ReadOnlySpan<int> target) =>
        Error("sum_to_shape", $"cannot sum {F(from)} down to {F(target)}: {F(target)} does not broadcast to {F(from)}{BroadcastToFailure(target, "the target", from, "the tensor")}; {BroadcastToRule}");

    /// <summary>A module's fixed tensor (a dropout mask) does not broadcast to its input.</summary>
    internal static ShapeException DoesNotBroadcastTo(string op, string what, ReadOnlySpan<int> from, string target, ReadOnlySpan<int> to) =>
        Error(op, $"{what} {F(from)} does not broadcast to {target} {F(to)}{BroadcastToFailure(from, what, to, target)}; {BroadcastToRule}");

    // ---- Equal shapes and ranks

    /// <summary>Two tensors must have the same shape.</summary>
    internal static ShapeException NotEqual(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b) =>
        Error(op, $"shapes {F(a)} and {F(b)} differ{Differ(a, b)}; they must be equal");

    /// <summary>Two named tensors must have the same shape; <paramref name="hint"/> says why there is no broadcasting.</summary>
    internal static ShapeException NotEqual(string op, string nameA, ReadOnlySpan<int> a, string nameB, ReadOnlySpan<int> b, string hint) =>
        Error(op, $"{nameA} {F(a)} and {nameB} {F(b)} differ{Differ(a, b)}; they must have the same shape ({hint})");

    /// <summary>An argument has the wrong rank.</summary>
    internal static ShapeException WrongRank(string op, string argument, ReadOnlySpan<int> shape, int rank, string? form = null) =>
        Error(op, $"{argument} has shape {F(shape)}: {Ranks(shape.Length, rank)}; it must have rank {rank}{(form is null ? "" : $" ({form})")}");

    /// <summary>
    /// An argument's shape does not fit <paramref name="what"/> (another shape, or a fitted
    /// state); <paramref name="clause"/> names the failing dimension (from <see cref="At(int, int, int)"/>;
    /// null when there is none) and <paramref name="expected"/> the shape the argument must have.
    /// </summary>
    internal static ShapeException WrongShape(string op, string argument, ReadOnlySpan<int> shape, string what, string? clause, string expected) =>
        Error(op, $"{argument} has shape {F(shape)}, which does not fit {what}{Then(clause)}; {argument} must have shape {expected}");

    /// <summary>A recurrent module got a batch of sequences with no sequence or no step.</summary>
    internal static ShapeException EmptySequence(string op, ReadOnlySpan<int> shape, bool emptyBatch) =>
        Error(op, $"the input has shape {F(shape)}, an empty {(emptyBatch ? "batch" : "sequence")}; a sequence needs at least one step and a batch at least one sequence");

    /// <summary>A user-given shape has a negative size.</summary>
    internal static ShapeException NegativeSize(string op, ReadOnlySpan<int> shape, int dim) =>
        Error(op, $"shape {F(shape)} has size {shape[dim]} at dimension {dim}; sizes must be >= 0");

    /// <summary>A user-given shape has too many elements for one array.</summary>
    internal static ShapeException TooManyElements(string op, ReadOnlySpan<int> shape) =>
        Error(op, $"shape {F(shape)} has more than {Array.MaxLength} elements; a tensor holds at most that many");

    /// <summary>Data of one length given a shape with another element count.</summary>
    internal static ShapeException DataLength(string op, ReadOnlySpan<int> shape, int length) =>
        Error(op, $"shape {F(shape)} holds {Shapes.Numel(shape)} elements but the data has {length}; the counts must be equal");

    // ---- Axes

    /// <summary>An axis outside [-rank, rank).</summary>
    internal static ShapeException AxisOutOfRange(string op, int axis, int rank) =>
        Error(op, $"axis {axis} is out of range for a tensor of rank {rank} (valid: {-rank}..{rank - 1})");

    /// <summary>An axis given twice in a list of axes.</summary>
    internal static ShapeException RepeatedAxis(string op, int axis, int[] axes) =>
        Error(op, $"axis {axis} appears more than once in [{string.Join(", ", axes)}]; each axis may be given once");

    // ---- Reshape, squeeze, permute, transpose

    /// <summary>reshape: two sizes are −1.</summary>
    internal static ShapeException TwoInferred(ReadOnlySpan<int> shape, ReadOnlySpan<int> target, int first, int second) =>
        Error("reshape", $"cannot reshape {F(shape)} into {F(target)}: dimensions {first} and {second} are both -1; only one size can be inferred");

    /// <summary>reshape: a size below −1.</summary>
    internal static ShapeException InvalidSize(ReadOnlySpan<int> shape, ReadOnlySpan<int> target, int dim) =>
        Error("reshape", $"cannot reshape {F(shape)} into {F(target)}: dimension {dim} is {target[dim]}; sizes must be >= 0, or -1 for one inferred size");

    /// <summary>reshape: the −1 cannot be inferred (the other sizes do not divide the element count).</summary>
    internal static ShapeException CannotInfer(ReadOnlySpan<int> shape, ReadOnlySpan<int> target, int dim, long known) =>
        Error("reshape", $"cannot reshape {F(shape)} ({Shapes.Numel(shape)} elements) into {F(target)}: the other dimensions hold {known} elements, which does not divide {Shapes.Numel(shape)}, so dimension {dim} (-1) cannot be inferred");

    /// <summary>reshape: the element counts differ.</summary>
    internal static ShapeException CannotReshape(ReadOnlySpan<int> shape, ReadOnlySpan<int> target, long targetCount) =>
        Error("reshape", $"cannot reshape {F(shape)} ({Shapes.Numel(shape)} elements) into {F(target)} ({targetCount} elements); the element counts must be equal");

    /// <summary>squeeze: the dimension is not 1.</summary>
    internal static ShapeException NotSizeOne(ReadOnlySpan<int> shape, int dim) =>
        Error("squeeze", $"shape {F(shape)} cannot be squeezed {At(dim, shape[dim], 1)}; only a dimension of size 1 can be removed");

    /// <summary>permute: the permutation has the wrong length.</summary>
    internal static ShapeException PermutationLength(ReadOnlySpan<int> shape, int[] perm) =>
        Error("permute", $"[{string.Join(", ", perm)}] gives {perm.Length} axes for shape {F(shape)}: {Ranks(perm.Length, shape.Length)}; give each axis 0..{shape.Length - 1} exactly once");

    /// <summary>permute: an axis is given twice.</summary>
    internal static ShapeException PermutationRepeats(ReadOnlySpan<int> shape, int[] perm, int axis, int first, int second) =>
        Error("permute", $"[{string.Join(", ", perm)}] names dimension {axis} of shape {F(shape)} twice (positions {first} and {second}); give each axis 0..{shape.Length - 1} exactly once");

    /// <summary>flatten: the first dimension to merge comes after the last.</summary>
    internal static ShapeException FlattenOrder(ReadOnlySpan<int> shape, int startDim, int endDim) =>
        Error("flatten", $"startDim {startDim} comes after endDim {endDim} for shape {F(shape)}; startDim must not come after endDim");

    /// <summary>An op that needs at least <paramref name="minRank"/> dimensions.</summary>
    internal static ShapeException RankTooLow(string op, ReadOnlySpan<int> shape, int minRank, string? why = null) =>
        Error(op, $"shape {F(shape)} has rank {shape.Length}; {why ?? op} needs rank >= {minRank}");

    // ---- Slicing and padding

    /// <summary>slice: the range does not fit the dimension.</summary>
    internal static ShapeException RangeOutOfBounds(string op, ReadOnlySpan<int> shape, int dim, int start, int end) =>
        Error(op, $"range [{start}, {end}) does not fit dimension {dim} of shape {F(shape)} (size {shape[dim]}); need 0 <= start <= end <= {shape[dim]}");

    /// <summary>select: the index is outside the dimension.</summary>
    internal static ShapeException IndexOutOfBounds(string op, ReadOnlySpan<int> shape, int dim, int index) =>
        Error(op, $"index {index} is out of range for dimension {dim} of shape {F(shape)} (size {shape[dim]}); valid: {-shape[dim]}..{shape[dim] - 1}");

    /// <summary>pad: a negative width.</summary>
    internal static ShapeException NegativePad(ReadOnlySpan<int> shape, int dim, int before, int after) =>
        Error("pad", $"widths before {before} and after {after} along dimension {dim} of shape {F(shape)}; both must be >= 0");

    // ---- Joining

    /// <summary>concat or stack of an empty list.</summary>
    internal static ShapeException NoTensors(string op) => Error(op, "got no tensors; needs at least one");

    /// <summary>
    /// concat or stack: tensor <paramref name="index"/> does not fit tensor 0, by rank or at a
    /// dimension; <paramref name="rule"/> says what may differ.
    /// </summary>
    internal static ShapeException PartMismatch(string op, int index, ReadOnlySpan<int> shape, ReadOnlySpan<int> first, string rule)
    {
        string clause = FirstDifference(shape, first) ?? "";
        string joined = clause.StartsWith("rank", StringComparison.Ordinal) ? ": " + clause : ": they differ " + clause;
        return Error(op, $"tensor {index} has shape {F(shape)} but tensor 0 has {F(first)}{joined}; {rule}");
    }

    /// <summary>concat: tensor <paramref name="index"/> differs from tensor 0 at <paramref name="dim"/>, which is not the concat axis.</summary>
    internal static ShapeException ConcatMismatch(int index, ReadOnlySpan<int> shape, ReadOnlySpan<int> first, int dim, int axis) =>
        Error("concat", $"tensor {index} has shape {F(shape)} but tensor 0 has {F(first)}: they differ {At(dim, shape[dim], first[dim])}; only dimension {axis} (the concat axis) may differ");

    // ---- Matrix products

    private static string Operands(ReadOnlySpan<int> a, bool transA, ReadOnlySpan<int> b, bool transB) =>
        $"shapes {F(a)}{(transA ? "ᵀ" : "")} and {F(b)}{(transB ? "ᵀ" : "")} cannot be multiplied";

    /// <summary>matmul: an operand is a scalar.</summary>
    internal static ShapeException MatmulScalar(ReadOnlySpan<int> a, ReadOnlySpan<int> b) =>
        Error("matmul", $"{Operands(a, false, b, false)}: {(a.Length == 0 ? "the first" : "the second")} operand has rank 0; both operands need rank >= 1");

    /// <summary>matmul: the inner sizes differ (k at <paramref name="dimA"/> of a vs at <paramref name="dimB"/> of b).</summary>
    internal static ShapeException InnerMismatch(ReadOnlySpan<int> a, bool transA, ReadOnlySpan<int> b, bool transB, int dimA, int dimB) =>
        Error("matmul", $"{Operands(a, transA, b, transB)} {At(dimA, "the first", dimB, "the second", a[dimA], b[dimB])}; the inner dimensions must be equal");

    /// <summary>matmul: the batch dimensions (all but the last two) do not broadcast.</summary>
    internal static ShapeException BatchNotBroadcastable(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        ReadOnlySpan<int> ba = a[..^2], bb = b[..^2];
        for (int k = 1; k <= Math.Min(ba.Length, bb.Length); k++)
            if (ba[^k] != bb[^k] && ba[^k] != 1 && bb[^k] != 1)
                return Error("matmul", $"{Operands(a, false, b, false)}: batch dimensions {F(ba)} and {F(bb)} do not broadcast {At(ba.Length - k, "the first", bb.Length - k, "the second", ba[^k], bb[^k])}; {BroadcastRule}");
        return Error("matmul", $"{Operands(a, false, b, false)}: batch dimensions {F(ba)} and {F(bb)} do not broadcast; {BroadcastRule}");
    }

    /// <summary>MatmulT: ranks below 2 or unequal.</summary>
    internal static ShapeException MatmulTRanks(ReadOnlySpan<int> a, bool transA, ReadOnlySpan<int> b, bool transB) =>
        Error("matmul", $"{Operands(a, transA, b, transB)}: {Ranks(a.Length, b.Length)}; MatmulT needs two operands of the same rank >= 2 (Matmul takes vectors and broadcasts batches)");

    /// <summary>MatmulT: the batch dimensions differ.</summary>
    internal static ShapeException MatmulTBatch(ReadOnlySpan<int> a, bool transA, ReadOnlySpan<int> b, bool transB, int dim) =>
        Error("matmul", $"{Operands(a, transA, b, transB)}: batch dimensions differ {At(dim, a[dim], b[dim])}; MatmulT needs equal batch dimensions (Matmul broadcasts them)");

    // ---- Reductions and indexing

    /// <summary>max or argmax over a dimension of size 0.</summary>
    internal static ShapeException EmptyReduction(string op, ReadOnlySpan<int> shape, int dim) =>
        Error(op, $"cannot reduce dimension {dim} of shape {F(shape)}: its size is 0; {op} needs at least one element");

    /// <summary>gather, scatter_add or index_add: the number of indices does not fit the shape.</summary>
    internal static ShapeException IndexCount(string op, ReadOnlySpan<int> shape, int dim, int expected, int got, string per) =>
        Error(op, $"shape {F(shape)} along dimension {dim} needs {expected} indices ({per}), got {got}");

    // ---- Convolution, unfold and fold

    /// <summary>conv1d or conv2d: the input has neither the batched rank (<paramref name="rank"/>, of form <paramref name="batched"/>) nor the unbatched one.</summary>
    internal static ShapeException ConvInputRank(string op, ReadOnlySpan<int> shape, int rank, string batched, string unbatched) =>
        Error(op, $"input has shape {F(shape)}: {Ranks(shape.Length, rank)}; it must have rank {rank} ({batched}) or {rank - 1} ({unbatched}, unbatched)");

    /// <summary>conv1d or conv2d: the input's or weight's channel count is not a multiple of groups.</summary>
    internal static ShapeException ConvGroups(string op, string argument, ReadOnlySpan<int> shape, int dim, string channels, int groups) =>
        Error(op, $"{argument} {F(shape)} has {shape[dim]} {channels} at dimension {dim}, which groups {groups} does not divide; {channels} must be divisible by groups");

    /// <summary>conv1d or conv2d: the input's channels per group differ from the weight's dimension 1.</summary>
    internal static ShapeException ConvChannels(string op, ReadOnlySpan<int> input, int channelDim, ReadOnlySpan<int> weight, int groups) =>
        Error(op, $"input {F(input)} and weight {F(weight)} with groups {groups} do not fit {At(channelDim, "input", 1, "weight", input[channelDim] / groups, weight[1], alwaysNamed: true)}; " +
            $"weight's dimension 1 must be in_channels / groups = {input[channelDim]} / {groups}");

    /// <summary>
    /// conv, unfold or fold: the dilated kernel (<paramref name="span"/> = dilation·(k − 1) + 1 along
    /// <paramref name="dim"/> of <paramref name="shape"/>) is wider than the padded input (<paramref name="padded"/>).
    /// </summary>
    internal static ShapeException KernelTooLarge(string op, string argument, ReadOnlySpan<int> shape, int dim, int padded, string kernel, int span) =>
        Error(op, $"{argument} {F(shape)} padded is {padded} wide at dimension {dim} but {kernel} spans {span}: {span} vs {padded}; the dilated kernel, dilation·(kernel − 1) + 1, must fit in the padded input");

    /// <summary>fold: the input's dimension 1 is not a multiple of the kernel's positions.</summary>
    internal static ShapeException FoldChannels(ReadOnlySpan<int> shape, string kernel, int positions) =>
        Error("fold", $"input {F(shape)} has {shape[1]} rows at dimension 1, which kernel_size {kernel} ({positions} positions) does not divide; dimension 1 must be channels·kH·kW");

    /// <summary>fold: the input's block count differs from the sliding positions the output size gives.</summary>
    internal static ShapeException FoldBlocks(ReadOnlySpan<int> shape, string arguments, int blocksH, int blocksW) =>
        Error("fold", $"input {F(shape)} has {shape[2]} blocks at dimension 2 but {arguments} give {blocksH * blocksW} ({blocksH} × {blocksW}): {shape[2]} vs {blocksH * blocksW}; dimension 2 must be the number of sliding positions");

    // ---- Pooling and normalization

    /// <summary>A 2-d pooling of an input that is not [C, H, W] or [N, C, H, W].</summary>
    internal static ShapeException PoolRank(string op, ReadOnlySpan<int> shape) =>
        WrongRanks(op, "input", shape, "3 ([C, H, W]) or 4 ([N, C, H, W])");

    /// <summary>An argument whose rank is none of those allowed (<paramref name="allowed"/>, e.g. <c>2 ([N, C]) or 3 ([N, C, L])</c>).</summary>
    internal static ShapeException WrongRanks(string op, string argument, ReadOnlySpan<int> shape, string allowed) =>
        Error(op, $"{argument} has shape {F(shape)}: rank {shape.Length}; it must have rank {allowed}");

    /// <summary>A 2-d pooling whose window does not fit the padded input along <paramref name="dim"/>.</summary>
    internal static ShapeException PoolInputTooSmall(string op, ReadOnlySpan<int> shape, int dim, int padding, int kernel) =>
        Error(op, $"input {F(shape)} with padding {padding} is too small for kernelSize {kernel} at dimension {dim}: {shape[dim]} + 2·{padding} vs {kernel}; each padded spatial size must be at least the kernel size");

    /// <summary>
    /// A normalization's input does not end in <paramref name="what"/> (layer norm's normalized
    /// shape); <paramref name="clause"/> names the dimension or the ranks.
    /// </summary>
    internal static ShapeException NormShape(string op, ReadOnlySpan<int> shape, string what, string clause, string rule) =>
        Error(op, $"input {F(shape)} does not fit {what}{Then(clause)}; {rule}");

    /// <summary>batch_norm in training with one value per channel: its variance says nothing (PyTorch refuses it too).</summary>
    internal static ShapeException OneValuePerChannel(string op, ReadOnlySpan<int> shape) =>
        Error(op, $"input {F(shape)} has 1 value per channel (dimension 1); training needs more than 1 value per channel to estimate a variance");

    // ---- Ops added for PyTorch users (issue 16)

    /// <summary>split: the section sizes do not add up to the axis.</summary>
    internal static ShapeException SplitSizes(ReadOnlySpan<int> shape, int dim, int[] sizes, long total) =>
        Error("split", $"sections [{string.Join(", ", sizes)}] add up to {total} but dimension {dim} of shape {F(shape)} has size {shape[dim]}; the sizes must be ≥ 0 and add up to the dimension's size");

    /// <summary>repeat: fewer repeat counts than dimensions.</summary>
    internal static ShapeException RepeatCount(ReadOnlySpan<int> shape, int[] repeats) =>
        Error("repeat", $"repeats [{string.Join(", ", repeats)}] has {repeats.Length} counts for shape {F(shape)} of rank {shape.Length}; give at least one count per dimension (extra counts add leading dimensions)");

    /// <summary>einsum: an operand's rank differs from its subscripts.</summary>
    internal static ShapeException EinsumRank(string equation, int operand, ReadOnlySpan<int> shape, string subscripts) =>
        Error("einsum", $"equation \"{equation}\": operand {operand} has shape {F(shape)} (rank {shape.Length}) but its subscripts \"{subscripts}\" name {subscripts.Length} dimensions; each operand needs one letter per dimension");

    /// <summary>einsum: one letter stands for two different sizes.</summary>
    internal static ShapeException EinsumSize(string equation, char letter, int operandA, int dimA, int sizeA, int operandB, int dimB, int sizeB) =>
        Error("einsum", $"equation \"{equation}\": index '{letter}' has size {sizeA} at dimension {dimA} of operand {operandA} but {sizeB} at dimension {dimB} of operand {operandB}; every occurrence of a letter must have the same size");
}
