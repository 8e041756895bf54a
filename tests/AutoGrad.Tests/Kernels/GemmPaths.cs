using AutoGrad.Kernels;

namespace AutoGrad.Tests.Kernels;

/// <summary>Which GEMM kernel paths this machine can run, and the skip reason for those it cannot.</summary>
internal static class GemmPaths
{
    /// <summary>"gemm avx512: skipped, CPU lacks AVX-512F" when this CPU cannot run the kernel; null when it can.</summary>
    public static string? SkipReason(SimdLevel level) =>
        GemmKernelSetting.Missing(level, GemmKernels.HardwareLevel) is { } missing
            ? $"gemm {GemmKernelSetting.NameOf(level)}: skipped, CPU lacks {missing}"
            : null;

    /// <summary>
    /// The skip reason when <c>AUTOGRAD_GEMM_KERNEL</c> forces the whole process onto a kernel this
    /// CPU lacks (.ci/run prints it); null otherwise, also for a value naming no kernel, which must fail.
    /// </summary>
    public static string? ProcessSkipReason =>
        GemmKernelSetting.Forced is { } forced && GemmKernelSetting.Parse(forced) is { } level ? SkipReason(level) : null;
}
