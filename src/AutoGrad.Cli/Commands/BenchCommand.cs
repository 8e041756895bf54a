using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AutoGrad.Cli.Bench;
using AutoGrad.Kernels;

namespace AutoGrad.Cli.Commands;

/// <summary>
/// <c>autograd bench</c>: the standard metrics of SPEC, one <c>name value unit</c> line each, in
/// the format of ../shared/bench/torch_anchor.py so compare.py can print ratios.
/// </summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var threads = new Option<int>("--threads") { Description = "Worker threads for the matrix multiply", DefaultValueFactory = _ => Math.Min(2, Environment.ProcessorCount) };
        var cmd = new Command("bench", "Print the standard benchmark metrics (name value unit)") { threads };
        cmd.SetAction(r =>
        {
            int t = r.GetValue(threads);
            if (t < 1) throw new UserError($"--threads must be >= 1, got {t}");
            Threading.Threads = t;
            Run(output);
            return 0;
        });
        return cmd;
    }

    private static void Print(TextWriter o, string name, double value, string unit, string format = "F1") =>
        o.WriteLine($"{name} {value.ToString(format, CultureInfo.InvariantCulture)} {unit}");

    public static void Run(TextWriter o)
    {
        Print(o, "mlp_step_us", StepMicros([784, 256, 128, 10]), "us");
        Print(o, "mlp_step_replay_us", ReplayMicros([784, 256, 128, 10]), "us");
        Print(o, "mlp_small_step_us", StepMicros([784, 128, 10]), "us");
        // The anchor times 20 steps after 5 warm-up steps.
        Print(o, "cnn_step_us", StepMicros(StepWorkload.Cnn(128), 5, 20), "us");
        Print(o, "cnn_step_replay_us", ReplayMicros(StepWorkload.Cnn(128), 5, 20), "us");
        // The anchor times 30 steps after 5 warm-up steps.
        Print(o, "lstm_step_us", StepMicros(StepWorkload.CharLstm(), 5, 30), "us");
        Print(o, "lstm_step_replay_us", ReplayMicros(StepWorkload.CharLstm(), 5, 30), "us");
        if (Epoch() is var (seconds, gen2))
        {
            Print(o, "epoch_s", seconds, "s", "F3");
            Print(o, "gen2_collections_per_epoch", gen2, "count", "F0");
        }
        Print(o, "tape_ns_per_op", TapeNanosPerOp(), "ns", "F0");
        Print(o, "jvp_chain_us", JvpChainMicros(), "us");
        Print(o, "sgemm_128x784x256_gflops", Gflops(128, 784, 256, 100), "GFLOP/s");
        Print(o, "sgemm_1024x1024x1024_gflops", Gflops(1024, 1024, 1024, 10), "GFLOP/s");
        Print(o, "alloc_bytes_per_step", AllocBytesPerStep(), "B", "F0");
        Print(o, "alloc_bytes_per_step_replay", AllocBytesPerReplayedStep(), "B", "F0");
    }

    private static double StepMicros(int[] sizes, int warm = 50, int n = 300) => StepMicros(StepWorkload.Mlp(sizes, 128), warm, n);

    private static double StepMicros(StepWorkload w, int warm, int n)
    {
        for (int i = 0; i < warm; i++) w.Step();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) w.Step();
        return sw.Elapsed.TotalMicroseconds / n;
    }

    /// <summary>The same step captured once in a StepPlan and replayed (see docs/performance.md).</summary>
    private static double ReplayMicros(int[] sizes, int warm = 50, int n = 300) => ReplayMicros(StepWorkload.Mlp(sizes, 128), warm, n);

    private static double ReplayMicros(StepWorkload w, int warm, int n)
    {
        var plan = w.Capture();
        for (int i = 0; i < warm; i++) plan.Run();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) plan.Run();
        return sw.Elapsed.TotalMicroseconds / n;
    }

    /// <summary>
    /// One shuffled epoch of Fashion-MNIST with the large MLP, as torch_anchor.py times it, and the
    /// gen-2 collections it triggered (null when the data is not installed).
    /// </summary>
    private static (double Seconds, int Gen2)? Epoch()
    {
        string dir = AutoGrad.Data.MnistFormat.ResolveDirectory();
        if (!File.Exists(Path.Combine(dir, "train-images-idx3-ubyte.gz")) && !File.Exists(Path.Combine(dir, "train-images-idx3-ubyte"))) return null;
        var (train, _) = AutoGrad.Data.MnistFormat.LoadFashionMnist(dir);
        var w = StepWorkload.Mlp([784, 256, 128, 10], 128);
        var loader = new AutoGrad.Data.DataLoader(train, 128, new Generator(0));
        int gen2 = GC.CollectionCount(2);
        var sw = Stopwatch.StartNew();
        foreach (var (x, y) in loader) w.Step(x, y);
        return (sw.Elapsed.TotalSeconds, GC.CollectionCount(2) - gen2);
    }

    private static double AllocBytesPerStep()
    {
        var w = StepWorkload.Mlp([784, 256, 128, 10], 128);
        for (int i = 0; i < 50; i++) w.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int n = 100;
        for (int i = 0; i < n; i++) w.Step();
        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / n;
    }

    private static double AllocBytesPerReplayedStep()
    {
        var plan = StepWorkload.Mlp([784, 256, 128, 10], 128).Capture();
        for (int i = 0; i < 50; i++) plan.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int n = 100;
        for (int i = 0; i < n; i++) plan.Run();
        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / n;
    }

    /// <summary>
    /// torch_anchor.py's forward-mode chain: fresh random primal and tangent of 1,000 float32
    /// elements, a dual level, ten times <c>y = tanh(y) * 1.0001</c>, the tangent unpacked (copied
    /// out). Each chain runs in a <see cref="AutoGrad.Memory.StepScope"/>, like the step benchmarks,
    /// so its op results reuse their buffers. Warmed like the tape chain; median of five rounds of 200.
    /// </summary>
    private static double JvpChainMicros()
    {
        var rng = new Generator(0);
        var tangent = Tensor.Zeros(DType.Float32, 1000);
        void Chain()
        {
            using var scope = AutoGrad.Memory.StepScope.Begin();
            var p = Tensor.Rand(rng, 1000);
            var v = Tensor.Rand(rng, 1000);
            using var level = AutoGrad.Autograd.ForwardMode.Level();
            var y = level.Dual(p, v);
            for (int i = 0; i < 10; i++) y = y.Tanh() * 1.0001;
            tangent.CopyFrom(level.Tangent(y));
        }
        for (int i = 0; i < 2000; i++) Chain();
        var rounds = new double[5];
        for (int r = 0; r < rounds.Length; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 200; i++) Chain();
            rounds[r] = sw.Elapsed.TotalMicroseconds / 200;
        }
        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }

    /// <summary>
    /// torch_anchor.py's chain (1,000 × <c>y = y*1.0001 + 0.0001</c>, forward and backward) per op.
    /// The warm-up is longer than the anchor's: a garbage-collected runtime first touches fresh
    /// pages for its allocation budget, a one-time cost that malloc's free lists never pay, so
    /// the steady state begins only after the first collections. Median of five rounds.
    /// </summary>
    private static double TapeNanosPerOp()
    {
        var w = Tensor.FromArray(new[] { 0.5f }).RequireGrad();
        void Chain(int k)
        {
            var y = w;
            for (int i = 0; i < k; i++) y = y * 1.0001 + 0.0001;
            y.Backward();
        }
        for (int i = 0; i < 200; i++) Chain(1000);
        var rounds = new double[5];
        for (int r = 0; r < rounds.Length; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 20; i++) Chain(1000);
            rounds[r] = sw.Elapsed.TotalNanoseconds / (20 * 2000);
        }
        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }

    private static double Gflops(int m, int k, int n, int reps)
    {
        var rng = new Generator(1);
        var a = Tensor.Rand(rng, m, k);
        var b = Tensor.Rand(rng, k, n);
        var c = new float[m * n];
        for (int i = 0; i < 5; i++) Gemm.Multiply(false, false, m, n, k, a.AsSpan<float>(), k, b.AsSpan<float>(), n, c, n, false);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) Gemm.Multiply(false, false, m, n, k, a.AsSpan<float>(), k, b.AsSpan<float>(), n, c, n, false);
        return 2.0 * m * k * n * reps / sw.Elapsed.TotalSeconds / 1e9;
    }
}
