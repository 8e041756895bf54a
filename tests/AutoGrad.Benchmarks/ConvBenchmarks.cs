using AutoGrad.Kernels;
using AutoGrad.Memory;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>
/// The two convolution layers of the benchmark CNN at batch 128, forward and backward in a
/// <see cref="StepScope"/>: conv 1 → 32, 3 × 3, padding 1 on [128, 1, 28, 28] (the input needs no
/// gradient: 2 × 57.8 MFLOP) and conv 32 → 64, 3 × 3, padding 1 on [128, 32, 14, 14] (forward, input
/// and weight gradients: 3 × 924.8 MFLOP), both with a bias.
/// </summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private Tensor _x1 = null!, _w1 = null!, _b1 = null!, _g1 = null!;
    private Tensor _x2 = null!, _w2 = null!, _b2 = null!, _g2 = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Threading.Threads = Threads;
        var gen = new Generator(1);
        _x1 = Tensor.Normal(gen, 0, 1, DType.Float32, 128, 1, 28, 28);
        _w1 = Tensor.Normal(gen, 0, 0.3, DType.Float32, 32, 1, 3, 3).RequireGrad();
        _b1 = Tensor.Zeros(DType.Float32, 32).RequireGrad();
        _g1 = Tensor.Normal(gen, 0, 1, DType.Float32, 128, 32, 28, 28);
        _x2 = Tensor.Normal(gen, 0, 1, DType.Float32, 128, 32, 14, 14).RequireGrad();
        _w2 = Tensor.Normal(gen, 0, 0.05, DType.Float32, 64, 32, 3, 3).RequireGrad();
        _b2 = Tensor.Zeros(DType.Float32, 64).RequireGrad();
        _g2 = Tensor.Normal(gen, 0, 1, DType.Float32, 128, 64, 14, 14);
    }

    [Benchmark(Description = "conv 1->32 3x3 [128,1,28,28] forward+backward")]
    public void Conv1()
    {
        using var scope = StepScope.Begin();
        Tensor.Conv2d(_x1, _w1, _b1, padding: 1).Backward(_g1);
    }

    [Benchmark(Description = "conv 32->64 3x3 [128,32,14,14] forward+backward")]
    public void Conv2()
    {
        using var scope = StepScope.Begin();
        Tensor.Conv2d(_x2, _w2, _b2, padding: 1).Backward(_g2);
    }

    [Benchmark(Description = "conv 32->64 3x3 [128,32,14,14] forward")]
    public void Conv2Forward()
    {
        using var scope = StepScope.Begin();
        Tensor.Conv2d(_x2, _w2, _b2, padding: 1);
    }
}
