using AutoGrad.Kernels;
using Xunit.Abstractions;

namespace AutoGrad.Tests.Kernels;

/// <summary>
/// AUTOGRAD_GEMM_KERNEL forces the process's GEMM kernel; a kernel the CPU lacks, or a value naming
/// none, makes every matrix multiply fail with the reason instead of running another path; a test
/// forcing a kernel on its thread is refused the same way.
/// </summary>
[Collection(KernelThreadingCollection.Name)]
public sealed class GemmKernelSettingTests(ITestOutputHelper output)
{
    [Fact]
    public void ProcessRunsTheKernelTheVariableNamesOrFailsEveryCallWithTheReason()
    {
        var (level, error, cpuLacksIt) = GemmKernelSetting.Choose(Environment.GetEnvironmentVariable(GemmKernelSetting.Variable), GemmKernels.HardwareLevel);
        float[] a = [1, 2, 3, 4, 5, 6], b = [1, 0, 0, 1, 1, 1], c = new float[4];
        if (error is null)
        {
            Assert.Equal(level, GemmKernelSetting.Level);
            output.WriteLine($"gemm kernel: {GemmKernelSetting.NameOf(level)} ({GemmKernelSetting.Variable}={GemmKernelSetting.Forced ?? "unset"})");
            Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 2, false);
            Assert.Equal([4f, 5, 10, 11], c);
        }
        else
        {
            var e = cpuLacksIt
                ? (Exception)Assert.Throws<PlatformNotSupportedException>(() => Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 2, false))
                : Assert.Throws<InvalidOperationException>(() => Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 2, false));
            Assert.Equal(error, e.Message);
            // Degenerate shapes fail alike: the setting is wrong whatever the call.
            Assert.ThrowsAny<Exception>(() => Gemm.Multiply(false, false, 0, 2, 3, ReadOnlySpan<float>.Empty, 3, b, 2, c, 2, false));
        }
    }

    [Fact]
    public void UnsetItRunsTheBestKernelTheCpuHas()
    {
        foreach (var (_, hardware) in GemmKernelSetting.Kernels)
        {
            Assert.Equal((hardware, null, false), GemmKernelSetting.Choose(null, hardware));
            Assert.Equal((hardware, null, false), GemmKernelSetting.Choose("", hardware));
        }
    }

    [Fact]
    public void EachNameForcesItsKernelOnACpuThatHasIt()
    {
        Assert.Equal((SimdLevel.Vector512, null, false), GemmKernelSetting.Choose("avx512", SimdLevel.Vector512));
        Assert.Equal((SimdLevel.Vector256, null, false), GemmKernelSetting.Choose("avx2", SimdLevel.Vector512));
        Assert.Equal((SimdLevel.Scalar, null, false), GemmKernelSetting.Choose(" Scalar ", SimdLevel.Vector512));
        Assert.Equal((SimdLevel.Scalar, null, false), GemmKernelSetting.Choose("scalar", SimdLevel.Scalar));
    }

    [Fact]
    public void AKernelTheCpuLacksIsAnErrorNamingWhatIsMissingAndWhatItCanRun()
    {
        var (level, error, cpuLacksIt) = GemmKernelSetting.Choose("avx512", SimdLevel.Vector256);
        Assert.Equal(SimdLevel.Vector256, level);
        Assert.True(cpuLacksIt);
        Assert.Equal("AUTOGRAD_GEMM_KERNEL=avx512 forces the avx512 GEMM kernel, but this CPU lacks AVX-512F (or the .NET runtime does not accelerate it); " +
                     "it can run avx2 or scalar. Unset AUTOGRAD_GEMM_KERNEL or set it to one of those.", error);

        (_, error, cpuLacksIt) = GemmKernelSetting.Choose("AVX2", SimdLevel.Scalar);
        Assert.True(cpuLacksIt);
        Assert.StartsWith("AUTOGRAD_GEMM_KERNEL=avx2 forces the avx2 GEMM kernel, but this CPU lacks AVX2 with FMA", error);
        Assert.Contains("it can run scalar.", error);
    }

    [Fact]
    public void AValueNamingNoKernelIsAnErrorListingTheNames()
    {
        var (level, error, cpuLacksIt) = GemmKernelSetting.Choose("sse4", SimdLevel.Vector512);
        Assert.Equal(SimdLevel.Vector512, level);
        Assert.False(cpuLacksIt);
        Assert.Equal("AUTOGRAD_GEMM_KERNEL='sse4' names no GEMM kernel; set it to avx512, avx2 or scalar, or unset it to run the best the CPU supports (avx512)", error);
    }

    [Theory]
    [InlineData("avx512")]
    [InlineData("avx2")]
    [InlineData("scalar")]
    public void ATestForcingAKernelGetsItOrAClearRefusal(string name)
    {
        var level = GemmKernelSetting.Parse(name)!.Value;
        try
        {
            if (GemmKernelSetting.Missing(level, GemmKernels.HardwareLevel) is { } missing)
            {
                var e = Assert.Throws<PlatformNotSupportedException>(() => GemmDriver.LevelOverride = level);
                Assert.Equal($"cannot force the {name} GEMM kernel: this CPU lacks {missing}; it can run {GemmKernelSetting.Supported(GemmKernels.HardwareLevel)}", e.Message);
                Assert.Null(GemmDriver.LevelOverride);
            }
            else
            {
                GemmDriver.LevelOverride = level;
                Assert.Equal(level, GemmDriver.Level);
            }
        }
        finally
        {
            GemmDriver.LevelOverride = null;
        }
    }
}
