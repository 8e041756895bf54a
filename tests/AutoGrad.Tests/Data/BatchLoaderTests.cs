using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

/// <summary>The data abstraction: user-defined data sets, N-d features, float targets, drop-last, reused buffers.</summary>
public class BatchLoaderTests
{
    /// <summary>A data set a user writes: example i is a [2, 3] "image" filled with i, its target the vector (i, −i).</summary>
    private sealed class Generated(int count) : IDataset
    {
        public int Count => count;
        public IReadOnlyList<int> FeatureShape => [2, 3];
        public TargetKind TargetKind => TargetKind.Values;
        public IReadOnlyList<int> TargetShape => [2];
        public int ClassCount => 0;
        public void ReadFeatures(int index, Span<float> destination) => destination.Fill(index);
        public int ReadLabel(int index) => throw new InvalidOperationException();
        public void ReadTarget(int index, Span<float> destination) { destination[0] = index; destination[1] = -index; }
    }

    [Fact]
    public void AUserDataSetOfNdFeaturesAndVectorTargetsIsBatched()
    {
        var loader = new BatchLoader(new Generated(7), 3);
        var batches = new List<(float[] X, float[] Y, int[] Shape)>();
        foreach (var b in loader) batches.Add((b.X.ToFloatArray(), b.Targets!.ToFloatArray(), b.X.Shape.ToArray()));
        Assert.Equal(3, batches.Count);
        Assert.Equal([3, 2, 3], batches[0].Shape);
        Assert.Equal([1, 2, 3], batches[2].Shape);
        Assert.Equal(Enumerable.Repeat(6f, 6), batches[2].X);
        Assert.Equal([3f, -3f, 4f, -4f, 5f, -5f], batches[1].Y);
    }

    [Fact]
    public void DropLastLeavesOutThePartialBatchAndShuffleVisitsEachExampleOnce()
    {
        var loader = new BatchLoader(new Generated(10), 4, new Generator(3), dropLast: true);
        Assert.Equal(2, loader.BatchCount);
        var seen = new List<float>();
        int n = 0;
        foreach (var b in loader) { n++; Assert.Equal(4, b.Count); seen.AddRange(b.Targets!.ToFloatArray().Where((_, i) => i % 2 == 0)); }
        Assert.Equal(2, n);
        Assert.Equal(8, seen.Distinct().Count());
        var dl = new DataLoader(EmbeddedDatasets.Iris(), 64, dropLast: true);
        Assert.Equal(2, dl.BatchCount);
        Assert.Equal(2, dl.Count());
        Assert.Contains("no full batch", Assert.Throws<ArgumentException>(() => new BatchLoader(new Generated(3), 4, dropLast: true)).Message);
    }

    [Fact]
    public void TheBuiltInDatasetIsAnIDatasetOfLabels()
    {
        var digits = EmbeddedDatasets.Digits();
        IDataset d = digits;
        Assert.Equal(TargetKind.Labels, d.TargetKind);
        var loader = new BatchLoader(d, 32);
        foreach (var b in loader)
        {
            Assert.Null(b.Targets);
            Assert.Equal(digits.Labels.Take(32), b.Labels!);
            Assert.Equal(digits.Features.ToFloatArray().Take(32 * digits.FeatureCount), b.X.ToFloatArray());
            break;
        }
    }

    [Fact]
    public void ARegressionTensorDatasetGivesFloatTargets()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        var y = Tensor.FromArray(new float[] { 0.5f, 1.5f, 2.5f });
        var data = new TensorDataset(x, y);
        Assert.Equal([2], data.FeatureShape);
        Assert.Empty(data.TargetShape);
        var b = new BatchLoader(data, 8).First();
        Assert.Equal([3], b.Targets!.Shape.ToArray());
        Assert.Equal([0.5f, 1.5f, 2.5f], b.Targets.ToFloatArray());
        Assert.Contains("same first axis", Assert.Throws<ArgumentException>(() => new TensorDataset(x, Tensor.Zeros(DType.Float32, 2))).Message);
        Assert.Contains("must be float32", Assert.Throws<ArgumentException>(() => new TensorDataset(x, Tensor.Zeros(DType.Float64, 3))).Message);
        Assert.Contains("values must be finite", Assert.Throws<ArgumentException>(() => new TensorDataset(x, Tensor.FromArray(new[] { 1f, float.NaN, 2f }))).Message);
        Assert.Contains("label 3 of example 1 is outside [0, 3)", Assert.Throws<ArgumentException>(() => new TensorDataset(x, [0, 3, 1], classCount: 3)).Message);
    }

    [Fact]
    public void AnEpochAllocatesNothingAndReusesItsBuffers()
    {
        var loader = new BatchLoader(new TensorDataset(Tensor.Zeros(DType.Float32, 100, 4, 4), Tensor.Zeros(DType.Float32, 100, 3)), 16, new Generator(1));
        foreach (var _ in loader) { }
        Tensor? first = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var b in loader) first ??= b.X;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"an epoch allocated {allocated} bytes");
        foreach (var b in loader) { Assert.Same(first, b.X); break; }
    }

    [Fact]
    public void AnOutOfRangeLabelFromAUserDataSetIsNamed()
    {
        var bad = new TensorDataset(Tensor.Zeros(DType.Float32, 2, 1), [0, 1]);
        var wrapped = new BadLabels(bad);
        var e = Assert.Throws<InvalidOperationException>(() => new BatchLoader(wrapped, 2).First());
        Assert.Contains("example 1 of BadLabels has label 7, outside [0, 2)", e.Message);
    }

    private sealed class BadLabels(IDataset inner) : IDataset
    {
        public int Count => inner.Count;
        public IReadOnlyList<int> FeatureShape => inner.FeatureShape;
        public TargetKind TargetKind => TargetKind.Labels;
        public IReadOnlyList<int> TargetShape => [];
        public int ClassCount => 2;
        public void ReadFeatures(int index, Span<float> destination) => inner.ReadFeatures(index, destination);
        public int ReadLabel(int index) => index == 1 ? 7 : 0;
        public void ReadTarget(int index, Span<float> destination) => throw new InvalidOperationException();
    }
}

/// <summary>CSV files of regression data: features, then one or several float targets.</summary>
public class CsvRegressionTests
{
    [Fact]
    public void OneAndSeveralTargetsAreRead()
    {
        var one = CsvDataset.ReadRegression(new StringReader("a,b,y\n1,2,0.5\n3,4,1.5\n"), "t.csv", hasHeader: true);
        Assert.Equal((2, TargetKind.Values), (one.Count, one.TargetKind));
        Assert.Equal([2], one.FeatureShape);
        var b = new BatchLoader(one, 2).First();
        Assert.Equal([1f, 2, 3, 4], b.X.ToFloatArray());
        Assert.Equal([0.5f, 1.5f], b.Targets!.ToFloatArray());
        var two = CsvDataset.ReadRegression(new StringReader("1,2,3\n4,5,6\n"), "t.csv", targets: 2);
        Assert.Equal([2], two.TargetShape);
        Assert.Equal([1], two.FeatureShape);
    }

    [Fact]
    public void ErrorsNameTheFileLineAndField()
    {
        var e = Assert.Throws<InvalidDataException>(() => CsvDataset.ReadRegression(new StringReader("1,2\n3,setosa\n"), "t.csv"));
        Assert.Equal("t.csv, line 2: field 2 (target 1) is 'setosa', not a number", e.Message);
        e = Assert.Throws<InvalidDataException>(() => CsvDataset.ReadRegression(new StringReader("1,2,3\n"), "t.csv", targets: 3));
        Assert.Contains("expected at least one feature and then 3 targets", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => CsvDataset.ReadRegression(new StringReader("1,2\n"), "t.csv", targets: 0));
    }
}
