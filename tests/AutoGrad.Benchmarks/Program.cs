using BenchmarkDotNet.Running;

namespace AutoGrad.Benchmarks;

/// <summary>
/// BenchmarkDotNet suite: <c>dotnet run -c Release --project tests/AutoGrad.Benchmarks -- --filter '*'</c>
/// (or a class name, e.g. <c>--filter '*Gemm*'</c>). For the standard metrics compared with
/// PyTorch, use <c>autograd bench</c> and ../shared/bench/compare.py.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
