using AutoGrad.NN;

namespace AutoGrad.Tests.Support;

/// <summary>
/// A test-only linear model y = x·Wᵀ + b, so optimizer, data and checkpoint tests need nothing
/// from the layer library.
/// </summary>
public sealed class TinyLinearModel : Module
{
    public Tensor Weight { get; }
    public Tensor Bias { get; }

    public TinyLinearModel(int inputs, int outputs, Generator generator, DType dtype = DType.Float32)
    {
        Weight = RegisterParameter("weight", Tensor.Normal(generator, 0, 1 / Math.Sqrt(inputs), dtype, outputs, inputs));
        Bias = RegisterParameter("bias", Tensor.Zeros(dtype, outputs), isBias: true);
    }

    public override Tensor Forward(Tensor input) => Tensor.MatmulT(input, Weight, false, true) + Bias;
}
