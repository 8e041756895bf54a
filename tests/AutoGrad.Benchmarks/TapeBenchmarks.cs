using AutoGrad.Memory;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>Tape overhead: a chain of 1,000 <c>y = y·1.0001 + 0.0001</c> on one element (2,000 recorded ops), forward and backward.</summary>
[MemoryDiagnoser]
public class TapeBenchmarks
{
    private readonly Tensor _w = Tensor.FromArray(new[] { 0.5f }).RequireGrad();

    [Benchmark(OperationsPerInvoke = 2000)]
    public void ChainForwardBackward()
    {
        var y = _w;
        for (int i = 0; i < 1000; i++) y = y * 1.0001 + 0.0001;
        y.Backward();
    }

    [Benchmark(OperationsPerInvoke = 2000)]
    public void ChainForwardOnly()
    {
        var y = _w;
        for (int i = 0; i < 1000; i++) y = y * 1.0001 + 0.0001;
    }

    [Benchmark(OperationsPerInvoke = 2000)]
    public void ChainInStepScope()
    {
        using var scope = StepScope.Begin();
        var y = _w;
        for (int i = 0; i < 1000; i++) y = y * 1.0001 + 0.0001;
        y.Backward();
    }
}
