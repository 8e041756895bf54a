using AutoGrad.Cli.Bench;
using AutoGrad.Kernels;
using BenchmarkDotNet.Attributes;

namespace AutoGrad.Benchmarks;

/// <summary>
/// One full training step (zero grad, forward, loss, backward, momentum update) of the standard
/// MLPs at batch 128, eagerly and replayed from a captured <see cref="AutoGrad.Memory.StepPlan"/>.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private StepWorkload _large = null!, _small = null!;
    private AutoGrad.Memory.StepPlan _largePlan = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Threading.Threads = Threads;
        _large = StepWorkload.Mlp([784, 256, 128, 10], 128);
        _small = StepWorkload.Mlp([784, 128, 10], 128);
        _largePlan = StepWorkload.Mlp([784, 256, 128, 10], 128).Capture();
    }

    [Benchmark(Description = "MLP 784-256-128-10 step")]
    public double Mlp() => _large.Step();

    [Benchmark(Description = "MLP 784-256-128-10 step, replayed plan")]
    public Tensor MlpReplay() => _largePlan.Run();

    [Benchmark(Description = "MLP 784-128-10 step")]
    public double MlpSmall() => _small.Step();
}
