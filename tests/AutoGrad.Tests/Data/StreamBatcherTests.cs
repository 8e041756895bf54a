using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class StreamBatcherTests
{
    // Tokens 0..25: with B = 4 the streams are 0..5, 6..11, 12..17, 18..23 (24 and 25 dropped).
    private static readonly int[] Tokens = [.. Enumerable.Range(0, 26)];

    [Fact]
    public void StreamsAreEqualSlicesAndBatchesContinueEachStream()
    {
        var batcher = new StreamBatcher(Tokens, batchSize: 4, steps: 2);
        Assert.Equal(6, batcher.StreamLength);
        Assert.Equal(2, batcher.Dropped);
        Assert.Equal(3, batcher.BatchCount); // 5 input positions per stream: 2 + 2 + 1
        Assert.Equal(12, batcher.Token(2, 0));
        var seen = new List<(int Index, int Offset, int Steps, int[] Inputs, int[] Targets)>();
        foreach (var b in batcher) seen.Add((b.Index, b.Offset, b.Steps, b.Inputs.ToArray(), b.Targets.ToArray()));
        Assert.Equal(3, seen.Count);
        Assert.Equal((0, 0, 2), (seen[0].Index, seen[0].Offset, seen[0].Steps));
        Assert.Equal([0, 1, 6, 7, 12, 13, 18, 19], seen[0].Inputs);
        Assert.Equal([1, 2, 7, 8, 13, 14, 19, 20], seen[0].Targets);
        Assert.Equal([2, 3, 8, 9, 14, 15, 20, 21], seen[1].Inputs); // row b continues where it stopped
        Assert.Equal((2, 4, 1), (seen[2].Index, seen[2].Offset, seen[2].Steps)); // the shorter last chunk
        Assert.Equal([4, 10, 16, 22], seen[2].Inputs);
        Assert.Equal([5, 11, 17, 23], seen[2].Targets);
    }

    [Fact]
    public void DropLastKeepsOnlyFullBatches()
    {
        var batcher = new StreamBatcher(Tokens, 4, 2, dropLast: true);
        Assert.Equal(2, batcher.BatchCount);
        Assert.Equal([0, 1], batcher.Select(b => b.Index).ToArray());
        Assert.All(batcher, b => Assert.Equal(2, b.Steps));
    }

    [Fact]
    public void EveryTargetIsTheNextTokenOfItsStream()
    {
        var rng = new Random(5);
        var tokens = Enumerable.Range(0, 1000).Select(_ => rng.Next(7)).ToArray();
        var batcher = new StreamBatcher(tokens, 5, 35);
        int covered = 0;
        foreach (var b in batcher)
            for (int r = 0; r < b.BatchSize; r++)
                for (int t = 0; t < b.Steps; t++)
                {
                    int start = r * batcher.StreamLength + b.Offset + t;
                    Assert.Equal(tokens[start], b.Inputs[r * b.Steps + t]);
                    Assert.Equal(tokens[start + 1], b.Targets[r * b.Steps + t]);
                    covered++;
                }
        Assert.Equal(5 * 199, covered); // every position but each stream's last is an input once
    }

    [Fact]
    public void TensorsAreReusedAndRefilled()
    {
        var batcher = new StreamBatcher(Tokens, 4, 2, dtype: DType.Float64);
        Tensor? indices = null, oneHot = null;
        int n = 0;
        foreach (var b in batcher)
        {
            if (b.Steps != 2) break;
            var x = b.InputIndices();
            var h = b.OneHotInputs(26);
            Assert.Equal([4, 2], x.ShapeArray);
            Assert.Equal([4, 2, 26], h.ShapeArray);
            Assert.Equal(DType.Float64, x.DType);
            indices ??= x;
            oneHot ??= h;
            Assert.Same(indices, x);
            Assert.Same(oneHot, h);
            Assert.Equal(b.Inputs.Select(i => (double)i), x.ToDoubleArray());
            Assert.Equal(Tensor.OneHot(b.Inputs, 26, DType.Float64).ToDoubleArray(), h.ToDoubleArray());
            n++;
        }
        Assert.Equal(2, n);
        // A new pass refills the same tensors, from the start.
        foreach (var b in batcher)
        {
            Assert.Equal([0.0, 1, 6, 7, 12, 13, 18, 19], indices!.ToDoubleArray());
            Assert.Equal(1, oneHot!.ToDoubleArray()[1 * 26 + 1]);
            break;
        }
    }

    [Fact]
    public void ANewPassInvalidatesTheOldOne()
    {
        var batcher = new StreamBatcher(Tokens, 4, 2);
        var first = batcher.GetEnumerator();
        Assert.True(first.MoveNext());
        var second = batcher.GetEnumerator();
        Assert.True(second.MoveNext());
        Assert.Contains("a new pass (2) was started while pass 1", Assert.Throws<InvalidOperationException>(() => first.MoveNext()).Message);
    }

    [Fact]
    public void BadSizesAreRefusedWithTheirValues()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new StreamBatcher(Tokens, 14, 1));
        Assert.Contains("StreamBatcher: batchSize 14 is too large for 26 tokens: each stream would hold 1 tokens", e.Message);
        Assert.Equal("batchSize", e.ParamName);
        var s = Assert.Throws<ArgumentOutOfRangeException>(() => new StreamBatcher(Tokens, 4, 6));
        Assert.Contains("StreamBatcher: steps 6 is longer than a stream: 26 tokens in 4 streams give 6 tokens per stream, so at most 5 steps", s.Message);
        Assert.Equal("steps", s.ParamName);
        Assert.Contains("batchSize must be > 0, got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new StreamBatcher(Tokens, 0, 2)).Message);
        Assert.Contains("steps must be > 0, got -1", Assert.Throws<ArgumentOutOfRangeException>(() => new StreamBatcher(Tokens, 2, -1)).Message);
        Assert.Contains("token -3 at position 1 is negative", Assert.Throws<ArgumentOutOfRangeException>(() => new StreamBatcher([1, -3, 2, 4], 1, 2)).Message);
        Assert.Contains("too large for 0 tokens", Assert.Throws<ArgumentOutOfRangeException>(() => new StreamBatcher([], 1, 1)).Message);
        var batch = new StreamBatcher(Tokens, 4, 2).First();
        Assert.Contains("StreamBatch.OneHotInputs: classes 20 is too few for token 23", Assert.Throws<ArgumentOutOfRangeException>(() => batch.OneHotInputs(20)).Message);
        batch.OneHotInputs(24);
        Assert.Contains("has 24 classes; got 30", Assert.Throws<ArgumentException>(() => batch.OneHotInputs(30)).Message);
    }
}
