namespace AutoGrad.Data;

/// <summary>
/// Train/holdout splits and k-fold cross-validation (seed 001 L298-322: "Break the training data
/// into K subsets... Repeat with each of the K subsets as the holdout"). Rows are shuffled by a
/// seeded <see cref="Generator"/> (null keeps their order); stratified variants keep each class's
/// share the same in every part, to within one row.
/// </summary>
public static class DataSplit
{
    /// <summary>
    /// Splits row indices 0..count−1 into a training part and a holdout part of
    /// <c>h = round(count·holdoutFraction)</c> rows (at least 1, at most count−1). Without
    /// stratification the holdout is the last h rows of the shuffled order. With
    /// <paramref name="stratifyBy"/> (one label per row) the rows are grouped by class, shuffled
    /// within each class, and h evenly spaced positions of that order are held out, so each class
    /// c gets within ±1.5 rows of <c>holdoutFraction·count_c</c> into the holdout.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">holdoutFraction outside (0, 1), or count &lt; 2.</exception>
    /// <exception cref="ArgumentException">stratifyBy is not empty and its length differs from count.</exception>
    public static (int[] Train, int[] Holdout) HoldoutIndices(int count, double holdoutFraction, Generator? generator, ReadOnlySpan<int> stratifyBy = default)
    {
        const string op = "DataSplit.Holdout";
        if (!(double.IsFinite(holdoutFraction) && holdoutFraction > 0 && holdoutFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(holdoutFraction), holdoutFraction, $"{op}: holdoutFraction must be in (0, 1), got {holdoutFraction}");
        if (count < 2)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{op}: need at least 2 rows to split into a training and a holdout part, got {count}");
        CheckStratify(op, count, stratifyBy);
        int h = Math.Clamp((int)Math.Round(count * holdoutFraction, MidpointRounding.AwayFromZero), 1, count - 1);
        var order = Shuffled(count, generator);
        if (stratifyBy.IsEmpty) return (order[..(count - h)], order[(count - h)..]);

        GroupByClass(order, stratifyBy);
        var held = new bool[count];
        for (int k = 0; k < h; k++) held[(int)((k + 0.5) * count / h)] = true;
        var train = new List<int>(count - h);
        var holdout = new List<int>(h);
        for (int i = 0; i < count; i++) (held[i] ? holdout : train).Add(order[i]);
        var tr = train.ToArray();
        var ho = holdout.ToArray();
        // Grouping sorted the rows by class; reshuffle so a training pass does not see one class after another.
        generator?.Shuffle<int>(tr);
        generator?.Shuffle<int>(ho);
        return (tr, ho);
    }

    /// <summary>
    /// Splits a data set into training and holdout parts (see <see cref="HoldoutIndices"/>), stratified by label if asked.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">holdoutFraction outside (0, 1), or fewer than 2 rows.</exception>
    public static (Dataset Train, Dataset Holdout) Holdout(Dataset data, double holdoutFraction, Generator? generator, bool stratified = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (train, holdout) = HoldoutIndices(data.Count, holdoutFraction, generator, stratified ? data.Labels : default);
        return (data.Subset(train), data.Subset(holdout));
    }

    /// <summary>
    /// k-fold cross-validation over rows 0..count−1: the shuffled rows are cut into k folds whose
    /// sizes differ by at most one (the first <c>count mod k</c> folds get the extra row); fold j
    /// validates on its rows and trains on all the others, so every row is validated exactly once.
    /// With <paramref name="stratifyBy"/> the rows are grouped by class (shuffled within each) and
    /// dealt to the folds in turn, so each class is spread over the folds to within one row.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 2 or k &gt; count.</exception>
    /// <exception cref="ArgumentException">stratifyBy is not empty and its length differs from count.</exception>
    public static IReadOnlyList<Fold> KFoldIndices(int count, int k, Generator? generator, ReadOnlySpan<int> stratifyBy = default)
    {
        const string op = "DataSplit.KFold";
        Guard.NonNegative(op, nameof(count), count);
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, $"{op}: k must be at least 2 (one fold to validate on, at least one to train on), got {k}");
        if (k > count) throw new ArgumentOutOfRangeException(nameof(k), k, $"{op}: k = {k} folds need at least {k} rows, but there are {count}");
        CheckStratify(op, count, stratifyBy);
        var order = Shuffled(count, generator);
        var foldOf = new int[count];
        if (stratifyBy.IsEmpty)
        {
            int start = 0;
            for (int j = 0; j < k; j++)
            {
                int size = count / k + (j < count % k ? 1 : 0);
                for (int i = start; i < start + size; i++) foldOf[i] = j;
                start += size;
            }
        }
        else
        {
            GroupByClass(order, stratifyBy);
            for (int i = 0; i < count; i++) foldOf[i] = i % k;
        }
        var folds = new Fold[k];
        for (int j = 0; j < k; j++)
        {
            var train = new List<int>(count);
            var validation = new List<int>(count / k + 1);
            for (int i = 0; i < count; i++) (foldOf[i] == j ? validation : train).Add(order[i]);
            var tr = train.ToArray();
            var va = validation.ToArray();
            if (!stratifyBy.IsEmpty)
            {
                generator?.Shuffle<int>(tr);
                generator?.Shuffle<int>(va);
            }
            folds[j] = new Fold(j, tr, va);
        }
        return folds;
    }

    /// <summary>
    /// k-fold cross-validation of a data set (see <see cref="KFoldIndices"/>): yields each fold's
    /// (training, validation) data sets, materialized one fold at a time.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 2 or k greater than the number of rows.</exception>
    public static IEnumerable<(Dataset Train, Dataset Validation)> KFold(Dataset data, int k, Generator? generator, bool stratified = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        // Validate now, not on the first MoveNext of a lazy iterator.
        var folds = KFoldIndices(data.Count, k, generator, stratified ? data.Labels : default);
        return Materialize(data, folds);
    }

    private static IEnumerable<(Dataset, Dataset)> Materialize(Dataset data, IReadOnlyList<Fold> folds)
    {
        foreach (var f in folds) yield return (data.Subset(f.Train), data.Subset(f.Validation));
    }

    private static void CheckStratify(string op, int count, ReadOnlySpan<int> labels)
    {
        if (!labels.IsEmpty && labels.Length != count)
            throw new ArgumentException($"{op}: {labels.Length} stratification labels for {count} rows; give one label per row", nameof(labels));
    }

    private static int[] Shuffled(int count, Generator? generator)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        generator?.Shuffle<int>(order);
        return order;
    }

    // A stable sort by label keeps the shuffled order within each class.
    private static void GroupByClass(int[] order, ReadOnlySpan<int> labels)
    {
        var keys = new (int Label, int Position)[order.Length];
        for (int i = 0; i < order.Length; i++) keys[i] = (labels[order[i]], i);
        Array.Sort(keys);
        var copy = (int[])order.Clone();
        for (int i = 0; i < order.Length; i++) order[i] = copy[keys[i].Position];
    }
}
