using AutoGrad.Data;
using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Data;

public class DataSplitTests
{
    private static Gen<int[]> Labels(int n, int classes) => Gen.ArrayOf(Gen.Choose(0, classes - 1), n);

    [Fact]
    public void HoldoutPartitionsTheRowsProperty()
    {
        var gen = from n in Gen.Choose(2, 200)
                  from f in Gen.Choose(1, 99).Select(p => p / 100.0)
                  from seed in Gen.Choose(0, 1000)
                  select (n, f, seed);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (n, f, seed) = c;
            var (train, holdout) = DataSplit.HoldoutIndices(n, f, new Generator((ulong)seed));
            int h = Math.Clamp((int)Math.Round(n * f, MidpointRounding.AwayFromZero), 1, n - 1);
            return holdout.Length == h && train.Concat(holdout).Order().SequenceEqual(Enumerable.Range(0, n));
        }));
    }

    [Fact]
    public void StratifiedHoldoutKeepsEachClassShareProperty()
    {
        var gen = from n in Gen.Choose(2, 300)
                  from k in Gen.Choose(1, 5)
                  from labels in Labels(n, k)
                  from f in Gen.Choose(5, 95).Select(p => p / 100.0)
                  from seed in Gen.Choose(0, 1000)
                  select (labels, f, seed);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (labels, f, seed) = c;
            int n = labels.Length;
            var (train, holdout) = DataSplit.HoldoutIndices(n, f, new Generator((ulong)seed), labels);
            if (!train.Concat(holdout).Order().SequenceEqual(Enumerable.Range(0, n))) return false;
            foreach (var cls in labels.Distinct())
            {
                int total = labels.Count(l => l == cls);
                int held = holdout.Count(i => labels[i] == cls);
                if (Math.Abs(held - f * total) >= 1.5) return false;
            }
            return true;
        }));
    }

    [Fact]
    public void HoldoutIsReproducibleAndSplitsDatasets()
    {
        var data = EmbeddedDatasets.Iris();
        var (t1, h1) = DataSplit.Holdout(data, 0.2, new Generator(42), stratified: true);
        var (t2, h2) = DataSplit.Holdout(data, 0.2, new Generator(42), stratified: true);
        Assert.Equal(h1.Features.ToFloatArray(), h2.Features.ToFloatArray());
        Assert.Equal(t1.Labels, t2.Labels);
        Assert.Equal(30, h1.Count);
        Assert.Equal(120, t1.Count);
        for (int c = 0; c < 3; c++) Assert.Equal(10, h1.Labels.Count(l => l == c));
        var (_, h3) = DataSplit.Holdout(data, 0.2, new Generator(43), stratified: true);
        Assert.NotEqual(h1.Features.ToFloatArray(), h3.Features.ToFloatArray());
    }

    [Fact]
    public void WithoutAGeneratorTheHoldoutIsTheLastRows()
    {
        var (train, holdout) = DataSplit.HoldoutIndices(10, 0.3, null);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], train);
        Assert.Equal([7, 8, 9], holdout);
    }

    [Fact]
    public void KFoldValidatesEveryRowExactlyOnceProperty()
    {
        var gen = from n in Gen.Choose(2, 150)
                  from k in Gen.Choose(2, 12)
                  from seed in Gen.Choose(0, 1000)
                  where k <= n
                  select (n, k, seed);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (n, k, seed) = c;
            var folds = DataSplit.KFoldIndices(n, k, new Generator((ulong)seed));
            if (folds.Count != k) return false;
            if (!folds.SelectMany(f => f.Validation).Order().SequenceEqual(Enumerable.Range(0, n))) return false;
            if (folds.Max(f => f.Validation.Length) - folds.Min(f => f.Validation.Length) > 1) return false;
            return folds.All(f => f.Train.Concat(f.Validation).Order().SequenceEqual(Enumerable.Range(0, n)));
        }));
    }

    [Fact]
    public void StratifiedKFoldSpreadsEachClassEvenlyProperty()
    {
        var gen = from n in Gen.Choose(4, 200)
                  from k in Gen.Choose(2, 6)
                  from classes in Gen.Choose(1, 4)
                  from labels in Labels(n, classes)
                  from seed in Gen.Choose(0, 1000)
                  where k <= n
                  select (labels, k, seed);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (labels, k, seed) = c;
            int n = labels.Length;
            var folds = DataSplit.KFoldIndices(n, k, new Generator((ulong)seed), labels);
            if (!folds.SelectMany(f => f.Validation).Order().SequenceEqual(Enumerable.Range(0, n))) return false;
            if (!folds.All(f => f.Train.Concat(f.Validation).Order().SequenceEqual(Enumerable.Range(0, n)))) return false;
            if (folds.Max(f => f.Validation.Length) - folds.Min(f => f.Validation.Length) > 1) return false;
            foreach (var cls in labels.Distinct())
            {
                var counts = folds.Select(f => f.Validation.Count(i => labels[i] == cls)).ToArray();
                if (counts.Max() - counts.Min() > 1) return false;
            }
            return true;
        }));
    }

    [Fact]
    public void KFoldOfADatasetYieldsTrainAndValidationSets()
    {
        var data = EmbeddedDatasets.Wine();
        var folds = DataSplit.KFold(data, 5, new Generator(3), stratified: true).ToList();
        Assert.Equal(5, folds.Count);
        Assert.Equal(data.Count, folds.Sum(f => f.Validation.Count));
        Assert.All(folds, f => Assert.Equal(data.Count, f.Train.Count + f.Validation.Count));
        var again = DataSplit.KFold(data, 5, new Generator(3), stratified: true).First();
        Assert.Equal(folds[0].Validation.Features.ToFloatArray(), again.Validation.Features.ToFloatArray());
    }

    [Fact]
    public void InvalidArgumentsAreRefusedClearly()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.KFoldIndices(4, 5, null));
        Assert.Equal("k", e.ParamName);
        Assert.Contains("k = 5 folds need at least 5 rows, but there are 4", e.Message);
        Assert.Contains("at least 2", Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.KFoldIndices(10, 1, null)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.KFoldIndices(0, 2, null));
        Assert.Equal("holdoutFraction", Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.HoldoutIndices(10, 1.0, null)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.HoldoutIndices(10, 0, null));
        var single = new Dataset(Tensor.Zeros(1, 2), [0], 2);
        Assert.Contains("at least 2 rows", Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.Holdout(single, 0.5, null)).Message);
        Assert.Contains("3 stratification labels for 4 rows", Assert.Throws<ArgumentException>(() => DataSplit.KFoldIndices(4, 2, null, [0, 1, 0])).Message);
    }
}
