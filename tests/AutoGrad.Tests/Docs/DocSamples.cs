using AutoGrad.Autograd;
using AutoGrad.Checking;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.Tests.Docs;

/// <summary>
/// The C# samples of the docs pages, verbatim (DocSamplesTests checks each docs block appears
/// here), so they compile against the API and run.
/// </summary>
internal static class DocSamples
{
    /// <summary>docs/models.md</summary>
    public static void Models()
    {
        // An MLP on the embedded digits, trained with plain minibatch SGD written out by hand.
        var data = EmbeddedDatasets.Digits();
        var gen = new Generator(42);
        var model = Mlp.Create([64, 64, 10], Activation.ReLU, gen, dropout: 0.1, init: Initializer.HeNormal);
        var features = data.Features / 16.0; // pixels 0..16 -> 0..1
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var order = gen.Permutation(data.Count);
            for (int start = 0; start < data.Count; start += 32)
            {
                var rows = order.AsSpan(start, Math.Min(32, data.Count - start)).ToArray();
                var labels = rows.Select(r => data.Labels[r]).ToArray();
                model.ZeroGrad();
                var loss = Loss.SoftmaxCrossEntropy(model.Forward(features.IndexSelect(0, rows)), labels)
                         + Regularization.L2Penalty(model, lambda: 1e-4);
                loss.Backward();
                using (Tape.NoGrad())
                    foreach (var p in model.Parameters()) p.CopyFrom(p - p.Grad! * 0.1);
            }
        }
        model.Eval();
        Console.WriteLine($"{model.ParameterCount()} parameters, {model}");

        // The perceptron of note 000 on AND, with labels -1/+1.
        var x = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var and = Tensor.FromArray(new float[] { -1, -1, -1, 1 });
        var perceptron = new Perceptron(features: 2);
        PerceptronFitResult fit = perceptron.Fit(x, and, maxEpochs: 100);
        Console.WriteLine($"converged: {fit.Converged} after {fit.Epochs} epochs, w = {perceptron.Weight}");
    }

    /// <summary>docs/losses.md</summary>
    public static void Losses()
    {
        // A network predicts a mean and a log standard deviation per example and is trained by maximum
        // likelihood: the loss is the Gaussian negative log-likelihood, with no backward code anywhere.
        var gen = new Generator(1);
        var net = Mlp.Create([3, 16, 2], Activation.Tanh, gen, dtype: DType.Float64);
        var x = Tensor.Normal(gen, 0, 1, DType.Float64, 8, 3);
        var y = Tensor.Normal(gen, 0, 1, DType.Float64, 8);

        Tensor HeteroscedasticLoss(Tensor inputs)
        {
            var outputs = net.Forward(inputs); // [N, 2]
            var mean = outputs.Select(1, 0);
            var logSigma = outputs.Select(1, 1);
            return -LogLikelihood.Gaussian(y, mean, logSigma).Mean();
        }

        // A robust loss from ops: log(1 + r²/c²) (Cauchy); its gradient 2r/(c² + r²) comes from the tape.
        static Tensor CauchyLoss(Tensor prediction, Tensor target, double c = 1)
        {
            var r = (prediction - target) / c;
            return Loss.Reduce((r.Square() + 1.0).Log(), Reduction.Mean);
        }

        var loss = HeteroscedasticLoss(x) + 0.1 * CauchyLoss(net.Forward(x).Select(1, 0), y);
        loss.Backward(); // gradients for every parameter of net
        GradCheck.Assert(HeteroscedasticLoss, x.Clone().RequireGrad()); // tape vs finite differences
        Console.WriteLine($"loss {loss.Item():F4}; first-layer weight gradient {((Linear)net[0]).Weight.Grad}");
    }

    /// <summary>docs/regularization-and-dropout.md</summary>
    public static void RegularizationAndDropout()
    {
        var w1 = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } });
        var w2 = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var x = Tensor.FromArray(new float[] { 0, 1, 2 });
        var gen = new Generator(0);
        var keep = Tensor.FromArray(new float[] { 1, 0, 1 }); // drop the second unit
        var inputDrop = new Dropout(0.5, gen, DropoutMode.ScaleAtTest) { FixedMask = keep };
        var hiddenDrop = new Dropout(0.5, gen, DropoutMode.ScaleAtTest) { FixedMask = keep };
        var net = new Sequential(inputDrop, Linear.FromWeights(w1.T), hiddenDrop, Linear.FromWeights(w2.T));
        Console.WriteLine(net.Forward(x)); // [60, 132]: the thinned network
        net.Eval();
        Console.WriteLine(net.Forward(x)); // [30, 68.25] = (1 - p)^2 * [120, 273]
    }

    /// <summary>docs/performance.md</summary>
    public static List<double> Performance()
    {
        // Digits with a captured step: the first full batch is captured, every later full batch replayed.
        var data = EmbeddedDatasets.Digits();
        var model = Mlp.Create([64, 32, 10], Activation.ReLU, new Generator(1), dropout: 0.1);
        var optimizer = new Momentum(model, learningRate: 0.01);
        var loader = new DataLoader(data, 100, new Generator(2));
        var epochLosses = new List<double>();

        Tensor TrainStep(Tensor x, int[] y)
        {
            optimizer.ZeroGrad();
            var loss = Loss.SoftmaxCrossEntropy(model.Forward(x), y);
            loss.Backward();
            optimizer.Step();
            return loss;
        }

        StepPlan? plan = null;
        Tensor? planInput = null;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            double total = 0;
            foreach (var (x, y) in loader)          // x and y are refilled in place, batch after batch
            {
                if (plan is null)
                {
                    // Runs this batch's step and records it; y is registered so replays read its new labels.
                    plan = StepPlan.Capture(() => TrainStep(x, y), y);
                    planInput = x;
                    total += plan.Output.Item() * y.Length;
                }
                else if (ReferenceEquals(x, planInput))
                {
                    total += plan.Run().Item() * y.Length;   // no allocation
                }
                else
                {
                    // The last batch is smaller (another shape): an eager step.
                    using var scope = StepScope.Begin();
                    total += TrainStep(x, y).Item() * y.Length;
                }
            }
            epochLosses.Add(total / data.Count);
            Console.WriteLine($"epoch {epoch + 1}: mean loss {total / data.Count:F4}");
        }
        return epochLosses;
    }
}

