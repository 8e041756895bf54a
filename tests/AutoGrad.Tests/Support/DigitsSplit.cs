using AutoGrad.Autograd;
using AutoGrad.Data;

namespace AutoGrad.Tests.Support;

/// <summary>
/// The embedded digits data (1,797 8×8 images, pixel values 0..16) split 80/20 by a seeded
/// shuffle, with every feature standardized by the training part's mean and standard deviation
/// (constant pixels keep a divisor of 1).
/// </summary>
public sealed record DigitsSplit(Tensor TrainX, int[] TrainY, Tensor TestX, int[] TestY, int Classes)
{
    private static DigitsSplit? s_cached;

    public static DigitsSplit Load()
    {
        if (s_cached is not null) return s_cached;
        var data = EmbeddedDatasets.Digits();
        var order = new Generator(2024).Permutation(data.Count);
        int nTest = data.Count / 5;
        var train = data.Subset(order.AsSpan(nTest));
        var test = data.Subset(order.AsSpan(0, nTest));
        Tensor trainX, testX;
        using (Tape.NoGrad())
        {
            var mean = train.Features.Mean(0, keepDim: true);
            var std = (train.Features - mean).Square().Mean(0, keepDim: true).Sqrt();
            std = Tensor.Where(std.Gt(1e-6), std, 1.0);
            trainX = (train.Features - mean) / std;
            testX = (test.Features - mean) / std;
        }
        return s_cached = new DigitsSplit(trainX, train.Labels, testX, test.Labels, data.ClassCount);
    }
}
