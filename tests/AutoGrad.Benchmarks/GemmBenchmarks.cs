using AutoGrad.Kernels;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AutoGrad.Benchmarks;

/// <summary>One matrix product C[m,n] = op(A)·op(B) with its transposition flags (as the MLP's forward and backward passes use them); names give m,n,k.</summary>
public sealed record GemmShape(string Name, int M, int N, int K, bool TransA, bool TransB)
{
    public override string ToString() => Name;
}

/// <summary>sgemm on the shapes of the MLP 784-256-128-10 at batch 128 (forward and backward, every transposition variant) and 1024³.</summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new GflopsColumn());
    }

    public static IEnumerable<GemmShape> Shapes =>
    [
        new("fwd1 128x784x256", 128, 256, 784, false, false),
        new("fwd2 128x256x128", 128, 128, 256, false, false),
        new("fwd3 128x128x10", 128, 10, 128, false, false),
        new("dW1 AᵀB 784,256,128", 784, 256, 128, true, false),
        new("dX2 ABᵀ 128,128,256", 128, 128, 256, false, true),
        new("dX3 ABᵀ 128,128,10", 128, 128, 10, false, true),
        new("AᵀBᵀ 256³", 256, 256, 256, true, true),
        new("1024³", 1024, 1024, 1024, false, false),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    private float[] _a = [], _b = [], _c = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Enumerable.Range(0, Shape.M * Shape.K).Select(_ => (float)rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, Shape.K * Shape.N).Select(_ => (float)rng.NextDouble()).ToArray();
        _c = new float[Shape.M * Shape.N];
        Threading.Threads = Threads;
    }

    [Benchmark]
    public void Sgemm()
    {
        var s = Shape;
        int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
        Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, _a, lda, _b, ldb, _c, s.N, false);
    }
}
