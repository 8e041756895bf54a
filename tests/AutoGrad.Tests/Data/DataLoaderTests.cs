using AutoGrad.Data;
using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Data;

public class DataLoaderTests
{
    /// <summary>Row i has features [i, −i] and label i mod 3, so a batch tells which rows it holds.</summary>
    private static Dataset Rows(int n)
    {
        var x = new float[n * 2];
        for (int i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = -i; }
        return new Dataset(Tensor.FromArray(x, n, 2), Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 3);
    }

    private static List<int[]> Epoch(DataLoader loader)
    {
        var rows = new List<int[]>();
        foreach (var (x, y) in loader)
        {
            var f = x.ToFloatArray();
            var ids = Enumerable.Range(0, x.Shape[0]).Select(i => (int)f[2 * i]).ToArray();
            for (int i = 0; i < ids.Length; i++)
            {
                Assert.Equal(-ids[i], f[2 * i + 1]);
                Assert.Equal(ids[i] % 3, y[i]);
            }
            Assert.Equal(x.Shape[0], y.Length);
            rows.Add(ids);
        }
        return rows;
    }

    [Fact]
    public void EveryEpochCoversEveryRowOnceProperty()
    {
        var gen = from n in Gen.Choose(1, 60)
                  from b in Gen.Choose(1, 70)
                  from seed in Gen.Choose(0, 1000)
                  select (n, b, seed);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (n, b, seed) = c;
            var loader = new DataLoader(Rows(n), b, new Generator((ulong)seed));
            for (int e = 0; e < 2; e++)
            {
                var batches = Epoch(loader);
                if (batches.Count != (n + b - 1) / b) return false;
                if (batches.Take(batches.Count - 1).Any(x => x.Length != b)) return false;
                if (batches[^1].Length != n - b * (batches.Count - 1)) return false;
                if (!batches.SelectMany(x => x).Order().SequenceEqual(Enumerable.Range(0, n))) return false;
            }
            return true;
        }));
    }

    [Fact]
    public void TheSameSeedGivesTheSameBatchesAndEpochsDiffer()
    {
        var a = new DataLoader(Rows(50), 8, new Generator(7));
        var b = new DataLoader(Rows(50), 8, new Generator(7));
        var a1 = Epoch(a).SelectMany(x => x).ToArray();
        Assert.Equal(a1, Epoch(b).SelectMany(x => x).ToArray());
        var a2 = Epoch(a).SelectMany(x => x).ToArray();
        Assert.NotEqual(a1, a2);
        Assert.NotEqual(a1, Epoch(new DataLoader(Rows(50), 8, new Generator(8))).SelectMany(x => x).ToArray());
    }

    [Fact]
    public void WithoutAGeneratorTheOrderIsKept()
    {
        var batches = Epoch(new DataLoader(Rows(7), 3));
        Assert.Equal([[0, 1, 2], [3, 4, 5], [6]], batches);
    }

    [Fact]
    public void BuffersAreReusedAndEpochsAllocateNothing()
    {
        var loader = new DataLoader(Rows(10), 4, new Generator(1));
        var seen = new List<Tensor>();
        foreach (var (x, _) in loader) seen.Add(x);
        Assert.Same(seen[0], seen[1]);
        Assert.NotSame(seen[0], seen[2]);
        foreach (var _ in loader) { }
        long before = GC.GetAllocatedBytesForCurrentThread();
        int count = 0;
        for (int e = 0; e < 5; e++) foreach (var (x, y) in loader) count += y.Length;
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(50, count);
    }

    [Fact]
    public void StartingANewEpochInvalidatesTheOldEnumerator()
    {
        var loader = new DataLoader(Rows(10), 2, new Generator(1));
        var first = loader.GetEnumerator();
        Assert.True(first.MoveNext());
        var second = loader.GetEnumerator();
        Assert.True(second.MoveNext());
        Assert.Contains("new epoch", Assert.Throws<InvalidOperationException>(() => first.MoveNext()).Message);
    }

    [Fact]
    public void InvalidArgumentsAreRefused()
    {
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Rows(3), 0)).ParamName);
        // An empty data set cannot exist (the Dataset constructor refuses it), so a loader never sees one.
        Assert.Contains("no rows", Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(0, 2), [], 2)).Message);
    }
}
