using AutoGrad.Autograd;
using AutoGrad.Memory;

namespace AutoGrad.Cli.Bench;

/// <summary>
/// The standard training-step workload of SPEC (the same as ../shared/bench/torch_anchor.py): an
/// MLP with ReLU, softmax cross-entropy, SGD with momentum 0.9 and lr 0.05, one full step (zero
/// grad, forward, loss, backward, update) on a fixed batch.
/// </summary>
public sealed class MlpWorkload
{
    private readonly Tensor[] _weights;
    private readonly Tensor[] _biases;
    private readonly Tensor[] _velocity;
    private readonly Tensor _x;
    private readonly int[] _y;

    public MlpWorkload(int[] sizes, int batch, ulong seed = 0)
    {
        var rng = new Generator(seed);
        int layers = sizes.Length - 1;
        _weights = new Tensor[layers];
        _biases = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            double bound = 1 / Math.Sqrt(sizes[i]);
            _weights[i] = Tensor.Uniform(rng, -bound, bound, DType.Float32, sizes[i], sizes[i + 1]).RequireGrad();
            _biases[i] = Tensor.Uniform(rng, -bound, bound, DType.Float32, sizes[i + 1]).RequireGrad();
        }
        _velocity = [.. _weights.Concat(_biases).Select(Tensor.ZerosLike)];
        _x = Tensor.Rand(rng, batch, sizes[0]);
        _y = Enumerable.Range(0, batch).Select(_ => rng.NextInt(sizes[^1])).ToArray();
    }

    public Tensor Input => _x;

    public int[] Labels => _y;

    /// <summary>One training step on the given batch; returns the loss.</summary>
    public double Step(Tensor x, int[] y)
    {
        using var scope = StepScope.Begin();
        var parameters = _weights.Concat(_biases);
        foreach (var p in parameters) p.ZeroGrad();
        var h = x;
        for (int i = 0; i < _weights.Length; i++)
        {
            h = Tensor.Matmul(h, _weights[i]) + _biases[i];
            if (i < _weights.Length - 1) h = h.Relu();
        }
        var loss = -h.LogSoftmax(1).Gather(1, y).Mean();
        loss.Backward();
        double value = loss.Item();
        int k = 0;
        foreach (var p in parameters)
        {
            var v = _velocity[k++].AsSpan<float>();
            var w = p.AsSpan<float>();
            var g = p.Grad!.AsSpan<float>();
            for (int j = 0; j < w.Length; j++)
            {
                v[j] = 0.9f * v[j] + g[j];
                w[j] -= 0.05f * v[j];
            }
        }
        return value;
    }

    public double Step() => Step(_x, _y);
}
