using AutoGrad.Autograd;
using AutoGrad.Memory;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>
/// Forward mode: torch_anchor.py's jvp_chain (ten times <c>y = tanh(y)·1.0001</c> on 1,000 float32
/// elements, dual, fresh random primal and tangent), with and without a StepScope, and the same
/// chain without a tangent for the cost of the tangents alone.
/// </summary>
[MemoryDiagnoser]
public class ForwardModeBenchmarks
{
    private readonly Generator _rng = new(0);
    private readonly Tensor _out = Tensor.Zeros(DType.Float32, 1000);

    private void Chain(bool dual)
    {
        var p = Tensor.Rand(_rng, 1000);
        var v = Tensor.Rand(_rng, 1000);
        if (!dual)
        {
            var x = p;
            for (int i = 0; i < 10; i++) x = x.Tanh() * 1.0001;
            _out.CopyFrom(x);
            return;
        }
        using var level = ForwardMode.Level();
        var y = level.Dual(p, v);
        for (int i = 0; i < 10; i++) y = y.Tanh() * 1.0001;
        _out.CopyFrom(level.Tangent(y));
    }

    [Benchmark]
    public void JvpChain() => Chain(dual: true);

    [Benchmark]
    public void JvpChainInStepScope()
    {
        using var scope = StepScope.Begin();
        Chain(dual: true);
    }

    [Benchmark(Baseline = true)]
    public void PlainChainInStepScope()
    {
        using var scope = StepScope.Begin();
        Chain(dual: false);
    }
}
