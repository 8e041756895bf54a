using System.Globalization;
using AutoGrad.Data;

namespace AutoGrad.Cli.Training;

/// <summary>
/// Refuses, before anything is allocated, a model the options make too large to build: a weight
/// tensor with more elements than a tensor can hold, or parameters that with their gradients and
/// the optimizer's state need more memory than the machine has. The error names the options that
/// set the sizes (<c>--hidden 99999999</c>), not the tensor allocation that would have failed.
/// </summary>
public static class ModelSize
{
    /// <summary>The most elements one tensor holds (the largest .NET array).</summary>
    public static long MaxElements => Array.MaxLength;

    /// <summary>A weight tensor of the model: what it connects (for the message), its element count, and the elements of the bias beside it.</summary>
    public readonly record struct Weight(string Layer, long Elements, long Bias = 0);

    /// <summary>The weights of an mlp (or of softmax and logistic regression: no hidden layers) on <paramref name="sizes"/>: features, hidden sizes, outputs.</summary>
    public static IEnumerable<Weight> Dense(IReadOnlyList<int> sizes)
    {
        for (int i = 0; i + 1 < sizes.Count; i++)
            yield return new Weight(string.Create(CultureInfo.InvariantCulture, $"the layer {sizes[i]:N0} → {sizes[i + 1]:N0}"), (long)sizes[i] * sizes[i + 1], sizes[i + 1]);
    }

    /// <summary>The cnn's weights: 3×3 convolutions, each followed by a 2×2 max-pool, then the dense head on the flattened features.</summary>
    public static IEnumerable<Weight> Cnn(ImageShape image, IReadOnlyList<int> conv, IReadOnlyList<int> hidden, int classes)
    {
        int c = image.Channels, h = image.Height, w = image.Width;
        foreach (int o in conv)
        {
            yield return new Weight(string.Create(CultureInfo.InvariantCulture, $"the convolution {c:N0} → {o:N0} channels"), (long)c * o * 9, o);
            c = o;
            h /= 2;
            w /= 2;
        }
        if (h < 1 || w < 1) yield break; // too many blocks: Cnn.Create says so
        foreach (var d in Dense([(int)Math.Min(int.MaxValue, (long)c * h * w), .. hidden, classes])) yield return d;
    }

    /// <summary>A recurrent model's weights: per layer the input and recurrent weights of its gates (1 for rnn, 3 for gru, 4 for lstm), and the read-out.</summary>
    public static IEnumerable<Weight> Recurrent(string kind, int input, int hidden, int layers, int outputs)
    {
        int gates = kind switch { "lstm" => 4, "gru" => 3, _ => 1 };
        for (int l = 0; l < layers; l++)
        {
            int inSize = l == 0 ? input : hidden;
            yield return new Weight(string.Create(CultureInfo.InvariantCulture, $"the input weights of layer {l + 1} ({gates}×{hidden:N0} × {inSize:N0})"), (long)gates * hidden * inSize, gates * (long)hidden);
            yield return new Weight(string.Create(CultureInfo.InvariantCulture, $"the recurrent weights of layer {l + 1} ({gates}×{hidden:N0} × {hidden:N0})"), (long)gates * hidden * hidden, gates * (long)hidden);
        }
        foreach (var d in Dense([hidden, outputs])) yield return d;
    }

    /// <summary>
    /// Copies of each parameter training keeps: the weights and their gradients, the optimizer's
    /// statistics (one per parameter for momentum, Nesterov, Adagrad and RMSprop, two for Adam),
    /// early stopping's best weights and, with --save, the last completed epoch's.
    /// </summary>
    public static int Copies(TrainOptions o) =>
        2 + o.Optimizer switch { "sgd" => 0, "adam" or "adamw" => 2, _ => 1 } + (o.EarlyStopping > 0 ? 1 : 0) + (o.Save is not null ? 1 : 0);

    /// <summary>Refuses the model if one of its weight tensors, or all of them with their copies, cannot be allocated.</summary>
    /// <param name="options">The options that set the sizes, as given (e.g. "--hidden 99999999").</param>
    /// <param name="weights">The model's weight tensors.</param>
    /// <param name="o">The run's options (optimizer, early stopping, --save: how many copies training keeps).</param>
    /// <param name="availableBytes">Memory the process may use (default: what the garbage collector reports).</param>
    /// <exception cref="UserError">The model is too large.</exception>
    public static void Check(string options, IEnumerable<Weight> weights, TrainOptions o, long? availableBytes = null)
    {
        var c = CultureInfo.InvariantCulture;
        long total = 0;
        foreach (var w in weights)
        {
            if (w.Elements > MaxElements)
                throw new UserError(string.Create(c, $"{options}: {w.Layer} would need {w.Elements:N0} weights, more than one tensor can hold ({MaxElements:N0}); use smaller sizes"));
            total += w.Elements + w.Bias;
        }
        long available = availableBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        int copies = Copies(o);
        double bytes = (double)total * sizeof(float) * copies;
        if (available > 0 && bytes > available)
            throw new UserError(string.Create(c,
                $"{options}: the model would have {total:N0} parameters, about {bytes / 1e9:F1} GB for the weights, their gradients and the {o.Optimizer} optimizer's state ({copies} copies), more than the {available / 1e9:F1} GB of memory available; use smaller sizes"));
    }
}
