namespace AutoGrad.Kernels;

/// <summary>
/// Which GEMM microkernel the process runs: the best the CPU supports, or the one the environment
/// variable <c>AUTOGRAD_GEMM_KERNEL</c> names (<c>avx512</c>, <c>avx2</c> or <c>scalar</c>), so that
/// every kernel path can be tested and benchmarked on one machine. Read once, at the first matrix
/// multiply.
/// </summary>
/// <remarks>
/// A value naming a kernel the CPU cannot run, or no kernel at all, is not ignored: every matrix
/// multiply then throws with the reason, rather than silently running another path (or executing
/// instructions the CPU lacks).
/// </remarks>
internal static class GemmKernelSetting
{
    /// <summary>The environment variable that forces a kernel.</summary>
    public const string Variable = "AUTOGRAD_GEMM_KERNEL";

    /// <summary>The kernels, fastest first, by the names the variable takes.</summary>
    public static readonly (string Name, SimdLevel Level)[] Kernels =
        [("avx512", SimdLevel.Vector512), ("avx2", SimdLevel.Vector256), ("scalar", SimdLevel.Scalar)];

    private static readonly (SimdLevel Level, string? Error, bool CpuLacksIt) s_choice =
        Choose(Environment.GetEnvironmentVariable(Variable), GemmKernels.HardwareLevel);

    /// <summary>The value of <see cref="Variable"/> the process started with (null when unset or empty).</summary>
    public static string? Forced { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } v ? v : null;

    /// <summary>Why the process cannot run the kernel <see cref="Variable"/> names; null when it can (or it is unset).</summary>
    public static string? Error => s_choice.Error;

    /// <summary>The kernel every matrix multiply of the process runs (unless a test forces one on its thread).</summary>
    /// <exception cref="PlatformNotSupportedException"><see cref="Variable"/> names a kernel this CPU lacks.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Variable"/> names no kernel.</exception>
    public static SimdLevel Level => s_choice.Error is null ? s_choice.Level
        : throw (s_choice.CpuLacksIt ? new PlatformNotSupportedException(s_choice.Error) : new InvalidOperationException(s_choice.Error));

    /// <summary>The variable's name for <paramref name="level"/>: avx512, avx2 or scalar.</summary>
    public static string NameOf(SimdLevel level) => Array.Find(Kernels, k => k.Level == level).Name;

    /// <summary>
    /// What a CPU whose best kernel is <paramref name="hardware"/> lacks to run <paramref name="level"/>
    /// (e.g. "AVX-512F"); null when it can run it.
    /// </summary>
    public static string? Missing(SimdLevel level, SimdLevel hardware) =>
        level <= hardware ? null
        : level == SimdLevel.Vector512 ? "AVX-512F"
        : "AVX2 with FMA";

    /// <summary>
    /// The kernel for a value of <see cref="Variable"/> on a CPU whose best kernel is
    /// <paramref name="hardware"/>, or the error that every matrix multiply reports (and whether
    /// it is that the CPU lacks the kernel, rather than a value naming none).
    /// </summary>
    public static (SimdLevel Level, string? Error, bool CpuLacksIt) Choose(string? value, SimdLevel hardware)
    {
        if (string.IsNullOrEmpty(value)) return (hardware, null, false);
        if (Parse(value) is not { } level)
            return (hardware, $"{Variable}='{value}' names no GEMM kernel; set it to avx512, avx2 or scalar, or unset it to run the best the CPU supports ({NameOf(hardware)})", false);
        string name = NameOf(level);
        if (Missing(level, hardware) is { } missing)
            return (hardware, $"{Variable}={name} forces the {name} GEMM kernel, but this CPU lacks {missing} (or the .NET runtime does not accelerate it); " +
                              $"it can run {Supported(hardware)}. Unset {Variable} or set it to one of those.", true);
        return (level, null, false);
    }

    /// <summary>The kernel a name (avx512, avx2, scalar; any case, surrounding blanks ignored) stands for; null for any other text.</summary>
    public static SimdLevel? Parse(string name)
    {
        int i = Array.FindIndex(Kernels, k => string.Equals(k.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        return i < 0 ? null : Kernels[i].Level;
    }

    /// <summary>The names of the kernels a CPU whose best kernel is <paramref name="hardware"/> runs, e.g. "avx2 or scalar".</summary>
    public static string Supported(SimdLevel hardware) =>
        string.Join(" or ", Kernels.Where(k => k.Level <= hardware).Select(k => k.Name));
}
