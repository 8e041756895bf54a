using AutoGrad.Autograd;
using AutoGrad.NN;

namespace AutoGrad.Tests.Support;

/// <summary>
/// The plainest trainer, for toolkit tests that must not depend on the optimizer classes:
/// w ← w − η·∂L/∂w on shuffled minibatches.
/// </summary>
public static class PlainSgd
{
    /// <summary>One step: every parameter with a gradient moves by −η·grad (outside the tape).</summary>
    public static void Step(IEnumerable<Tensor> parameters, double learningRate)
    {
        using var _ = Tape.NoGrad();
        foreach (var p in parameters)
            if (p.Grad is not null) p.CopyFrom(p - p.Grad * learningRate);
    }

    /// <summary>
    /// Trains for a number of epochs of shuffled minibatches; <paramref name="loss"/> maps (model,
    /// batch features, batch labels) to a scalar. Returns the last epoch's mean loss.
    /// </summary>
    public static double Train(Module model, Func<Module, Tensor, int[], Tensor> loss, Tensor features, int[] labels,
        int epochs, int batchSize, double learningRate, Generator generator)
    {
        model.Train();
        int n = labels.Length;
        double last = double.NaN;
        for (int e = 0; e < epochs; e++)
        {
            var order = generator.Permutation(n);
            double total = 0;
            int batches = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                var rows = order.AsSpan(start, Math.Min(batchSize, n - start)).ToArray();
                var xb = features.IndexSelect(0, rows);
                var yb = rows.Select(r => labels[r]).ToArray();
                model.ZeroGrad();
                var l = loss(model, xb, yb);
                l.Backward();
                Step(model.Parameters(), learningRate);
                total += l.Item();
                batches++;
            }
            last = total / batches;
        }
        model.Eval();
        return last;
    }

    /// <summary>Fraction of rows whose largest logit is at the label.</summary>
    public static double Accuracy(Tensor logits, int[] labels)
    {
        int c = logits.Shape[1], right = 0;
        var v = logits.ToDoubleArray();
        for (int i = 0; i < labels.Length; i++)
        {
            int best = 0;
            for (int j = 1; j < c; j++) if (v[i * c + j] > v[i * c + best]) best = j;
            if (best == labels[i]) right++;
        }
        return (double)right / labels.Length;
    }
}
