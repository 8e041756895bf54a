using AutoGrad.Autograd;
using AutoGrad.Checking;
using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

namespace AutoGrad.Tests.Docs;

/// <summary>
/// The C# samples of the docs pages, verbatim (DocSamplesTests checks each docs block appears
/// here), so they compile against the API and run.
/// </summary>
internal static class DocSamples
{
    /// <summary>docs/models.md: returns the trained MLP, the digits' features it was trained on, and the perceptron.</summary>
    public static (Sequential Model, Tensor Features, Perceptron Perceptron) Models()
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
        return (model, features, perceptron);
    }

    /// <summary>docs/models.md, pooling and normalization: returns the training accuracy in evaluation mode and whether a reloaded copy gives the same outputs.</summary>
    public static (double Accuracy, bool ReloadedMatches) ModelsPooling()
    {
        // The digits as 1×8×8 images: batch norm, max pooling, flatten, layer norm, a linear classifier.
        var data = EmbeddedDatasets.Digits();
        var images = (data.Features / 16.0).Reshape([data.Count, 1, 8, 8]);
        Sequential Build() => new(new BatchNorm2d(1), new ReLU(), new MaxPool2d(2, stride: 1), new Flatten(), new LayerNorm(49), new Linear(49, 10, new Generator(1)));
        var model = Build();
        var optimizer = new Adam(model, learningRate: 0.01);
        var gen = new Generator(7);
        for (int epoch = 0; epoch < 5; epoch++)
        {
            var order = gen.Permutation(data.Count);
            for (int start = 0; start < data.Count; start += 64)
            {
                var rows = order.AsSpan(start, Math.Min(64, data.Count - start)).ToArray();
                optimizer.ZeroGrad();
                Loss.SoftmaxCrossEntropy(model.Forward(images.IndexSelect(0, rows)), rows.Select(r => data.Labels[r]).ToArray()).Backward();
                optimizer.Step();
            }
        }
        model.Eval(); // batch norm now normalizes with its running statistics
        Console.WriteLine(string.Join(", ", model.NamedBuffers().Select(b => b.Name))); // 0.running_mean, 0.running_var
        double accuracy = Metrics.Accuracy(model.Forward(images), data.Labels);

        // A checkpoint keeps the buffers with the parameters.
        var path = Path.Combine(Path.GetTempPath(), $"digits-pool-{Guid.NewGuid():N}.ckpt");
        Checkpoint.Save(path, model);
        var reloaded = Build();
        Checkpoint.Load(path, reloaded);
        reloaded.Eval();
        bool same = reloaded.Forward(images).ToFloatArray().SequenceEqual(model.Forward(images).ToFloatArray());
        File.Delete(path);
        return (accuracy, same);
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

    /// <summary>docs/optimizers.md, the basic loop: returns the loss before and after.</summary>
    public static (double First, double Last) OptimizersLoop()
    {
        var model = Mlp.Create([4, 8, 3], Activation.Tanh, new Generator(3));
        var x = Tensor.Normal(new Generator(4), 0, 1, DType.Float32, 16, 4);
        int[] y = [.. Enumerable.Range(0, 16).Select(i => i % 3)];
        int steps = 50;
        var losses = new List<double>();
        Tensor LossOf(Module m, Tensor inputs, int[] labels)
        {
            var l = Loss.SoftmaxCrossEntropy(m.Forward(inputs), labels);
            losses.Add(l.Item());
            return l;
        }

        var opt = new Adam(model, learningRate: 1e-3);   // or new Sgd(model.Parameters(), 0.1), ...
        for (int step = 0; step < steps; step++)
        {
            opt.ZeroGrad();                 // keep the gradient buffers, set them to 0
            var loss = LossOf(model, x, y); // any scalar built from tensor ops
            loss.Backward();                // fills p.Grad for every parameter
            opt.Step();                     // w ← update(w, p.Grad)
        }
        return (losses[0], losses[^1]);
    }

    /// <summary>docs/optimizers.md, the learning-rate schedule: returns the final rate.</summary>
    public static double OptimizersSchedule()
    {
        var model = Mlp.Create([4, 3], Activation.ReLU, new Generator(3));
        var x = Tensor.Normal(new Generator(4), 0, 1, DType.Float32, 8, 4);
        int[] y = [0, 1, 2, 0, 1, 2, 0, 1];
        void TrainOneEpoch(Module m, Optimizer o)
        {
            o.ZeroGrad();
            Loss.SoftmaxCrossEntropy(m.Forward(x), y).Backward();
            o.Step();
        }

        var opt = new Momentum(model, learningRate: 0.1, gamma: 0.9);
        var schedule = new StepLR(opt, stepSize: 10, gamma: 0.5);   // halve every 10 epochs
        for (int epoch = 0; epoch < 40; epoch++)
        {
            TrainOneEpoch(model, opt);
            schedule.Step();
        }
        return opt.LearningRate;
    }

    /// <summary>docs/optimizers.md, gradient clipping: returns the norm before clipping.</summary>
    public static double OptimizersClipping()
    {
        var model = Mlp.Create([4, 3], Activation.ReLU, new Generator(3));
        var opt = new Sgd(model, 0.1);
        var loss = Loss.SoftmaxCrossEntropy(model.Forward(Tensor.Normal(new Generator(4), 0, 100, DType.Float32, 8, 4)), [0, 1, 2, 0, 1, 2, 0, 1]);
        loss.Backward();
        double norm = GradientClipping.ClipByNorm(opt.Parameters, maxNorm: 1.0);
        if (double.IsFinite(norm)) opt.Step();
        return norm;
    }

    /// <summary>docs/optimizers.md, the two weight decays: which parameters each construction decays.</summary>
    public static (double ModelBias, double ListBias, double GroupLr, double GroupBiasL2) OptimizersBiases()
    {
        var layer = new Linear(4, 3, new Generator(0));                        // W [4, 3], b [3]
        var fromModel = new Sgd(layer, 0.1, decoupledWeightDecay: 0.1);        // decays W, not b
        var fromList = new Sgd(layer.Parameters(), 0.1, decoupledWeightDecay: 0.1);   // decays W and b
        var grouped = new Adam(
            [new ParameterGroup([layer.Weight]) { LearningRate = 0.01 },
             new ParameterGroup([layer.Bias!]) { L2WeightDecay = 0 }],
            learningRate: 0.001, l2WeightDecay: 1e-4);                          // PyTorch's Adam(weight_decay=1e-4), bias excluded
        Console.WriteLine($"model: b {fromModel.DecoupledWeightDecayOf(1)}; list: b {fromList.DecoupledWeightDecayOf(1)}; groups: W lr {grouped.LearningRateOf(0)}, b l2 {grouped.L2WeightDecayOf(1)}");
        return (fromModel.DecoupledWeightDecayOf(1), fromList.DecoupledWeightDecayOf(1), grouped.LearningRateOf(0), grouped.L2WeightDecayOf(1));
    }

    /// <summary>docs/data-and-training.md, the complete training loop: returns the test accuracy.</summary>
    public static double DataAndTraining()
    {
        var gen = new Generator(42);                       // every random choice below flows from this seed
        var data = EmbeddedDatasets.Digits();
        var (trainAll, test) = DataSplit.Holdout(data, 0.2, gen, stratified: true);
        var (train, valid) = DataSplit.Holdout(trainAll, 0.15, gen, stratified: true);
        var scaler = Standardizer.Fit(train);              // fitted on the training rows only
        (train, valid, test) = (scaler.Transform(train), scaler.Transform(valid), scaler.Transform(test));

        var model = new TwoLayerNet(train.FeatureCount, 64, train.ClassCount, gen);
        var opt = new Adam(model, learningRate: 1e-3, decoupledWeightDecay: 1e-4);
        var schedule = new CosineAnnealingLR(opt, tMax: 50, minLearningRate: 1e-5);
        var stopper = new EarlyStopping(patience: 5, model: model);    // watches the validation loss
        var loader = new DataLoader(train, batchSize: 64, gen);        // reshuffled every epoch

        for (int epoch = 0; epoch < 50; epoch++)
        {
            model.Train();
            foreach (var (x, y) in loader)
            {
                opt.ZeroGrad();
                var loss = -model.Forward(x).LogSoftmax(1).Gather(1, y).Mean();   // softmax cross-entropy
                loss.Backward();
                GradientClipping.ClipByNorm(opt.Parameters, maxNorm: 5);
                opt.Step();
            }
            schedule.Step();

            model.Eval();
            using (Tape.NoGrad())
            {
                var logits = model.Forward(valid.Features);
                double validLoss = Metrics.LogLossFromLogits(logits, valid.Labels);
                Console.WriteLine($"epoch {epoch + 1}: validation loss {validLoss:F4}, accuracy {Metrics.Accuracy(logits, valid.Labels):P2}");
                if (stopper.Update(validLoss)) break;
            }
        }
        stopper.RestoreBestWeights();

        using (Tape.NoGrad())
        {
            var logits = model.Forward(test.Features);
            Console.WriteLine(ConfusionMatrix.FromScores(logits, test.Labels, test.ClassNames));
            Console.WriteLine($"test accuracy: {Metrics.Accuracy(logits, test.Labels):P2}");
        }
        Checkpoint.Save("digits.ckpt", model, opt, new Dictionary<string, string> { ["hidden"] = "64" });
        using (Tape.NoGrad()) return Metrics.Accuracy(model.Forward(test.Features), test.Labels);
    }

    /// A two-layer perceptron: explicit parameters, biases flagged so weight decay skips them.
    sealed class TwoLayerNet : Module
    {
        private readonly Tensor _w1, _b1, _w2, _b2;

        public TwoLayerNet(int inputs, int hidden, int classes, Generator gen)
        {
            _w1 = RegisterParameter("w1", Tensor.Normal(gen, 0, 1 / Math.Sqrt(inputs), DType.Float32, inputs, hidden));
            _b1 = RegisterParameter("b1", Tensor.Zeros(hidden), isBias: true);
            _w2 = RegisterParameter("w2", Tensor.Normal(gen, 0, 1 / Math.Sqrt(hidden), DType.Float32, hidden, classes));
            _b2 = RegisterParameter("b2", Tensor.Zeros(classes), isBias: true);
        }

        public override Tensor Forward(Tensor x) => Tensor.Matmul((Tensor.Matmul(x, _w1) + _b1).Relu(), _w2) + _b2;
    }

    /// <summary>docs/data-and-training.md, image batches with augmentation: returns the first batch's shape and its largest pixel.</summary>
    public static (int[] Shape, float Max) DataAndTrainingImages(ulong seed)
    {
        var digits = EmbeddedDatasets.Digits();             // ImageShape 1×8×8, pixels 0..16
        var loader = new DataLoader(digits, 128, new Generator(seed))
        {
            Images = true,                                  // X is [128, 1, 8, 8]
            Augment = ImageTransform.Compose(new RandomCrop(padding: 1), new GaussianNoise(0.5, min: 0, max: 16)),
        };
        foreach (var (x, _) in loader) return (x.Shape.ToArray(), x.ToFloatArray().Max());
        return ([], 0);
    }

    /// <summary>docs/data-and-training.md, k-fold cross-validation: returns the mean accuracy.</summary>
    public static double DataAndTrainingKFold()
    {
        var digits = EmbeddedDatasets.Digits();
        var train = Standardizer.Fit(digits).Transform(digits);
        void Fit(Module model, Dataset data)
        {
            var opt = new Adam(model, learningRate: 3e-3);
            var loader = new DataLoader(data, 64, new Generator(3));
            for (int epoch = 0; epoch < 5; epoch++)
                foreach (var (x, y) in loader)
                {
                    opt.ZeroGrad();
                    Loss.SoftmaxCrossEntropy(model.Forward(x), y).Backward();
                    opt.Step();
                }
        }
        static double StdDev(List<double> v) => Math.Sqrt(v.Select(a => (a - v.Average()) * (a - v.Average())).Average());

        // Fit(model, data) is your training loop (as above); StdDev your helper.
        var scores = new List<double>();
        foreach (var (tr, va) in DataSplit.KFold(train, k: 5, new Generator(7), stratified: true))
        {
            var m = new TwoLayerNet(tr.FeatureCount, 32, tr.ClassCount, new Generator(1));
            Fit(m, tr);
            using (Tape.NoGrad()) scores.Add(Metrics.Accuracy(m.Forward(va.Features), va.Labels));
        }
        Console.WriteLine($"5-fold accuracy {scores.Average():P2} ± {StdDev(scores):P2}");
        return scores.Average();
    }

    /// <summary>docs/data-and-training.md, time series: returns the training and test row counts and the persistence ARV on 1921–1955.</summary>
    public static (int Train, int Test, double Persistence) DataAndTrainingSeries()
    {
        var sunspots = EmbeddedDatasets.Sunspots();                                 // 1700–2008, yearly
        var scale = SeriesScale.Standardize(sunspots.Between(1700, 1920));          // training years only
        var z = scale.Apply(sunspots);
        var train = z.Windows(12, 1700, 1920);                                      // Inputs [209, 12], Targets [209, 1]
        var test = z.Windows(12, 1921, 1955, WindowLayout.Sequence);                // Inputs [35, 12, 1], Targets [35, 1]
        Console.WriteLine($"{train.Count} training rows from {train.TargetTimes[0]}, {test.Count} test rows");

        // The baseline to beat: "next year as this year" (a window of 1 is its own forecast).
        var last = sunspots.Windows(1, 1921, 1955);
        double persistence = Metrics.Arv(last.Inputs, last.Targets, sunspots.Variance);
        Console.WriteLine($"persistence ARV 1921-1955: {persistence:F3}");         // 0.391 (0.885 on 1956-1979)
        return (train.Count, test.Count, persistence);
    }

    /// <summary>docs/data-and-training.md, text streams (the caller deletes notes.txt): returns the vocabulary size and the batches per pass.</summary>
    public static (int Symbols, int Batches) DataAndTrainingText()
    {
        File.WriteAllText("notes.txt", string.Concat(Enumerable.Repeat("∂E/∂w = (y − t)·x; η = 0.1\n", 20)));
        var corpus = TextCorpus.Load("notes.txt");                        // strict UTF-8
        var (trainTokens, heldOut) = corpus.Split(0.1);                   // the last 10 % held out
        var batches = new StreamBatcher(trainTokens, batchSize: 4, steps: 8);
        foreach (StreamBatch batch in batches)
        {
            Tensor x = batch.OneHotInputs(corpus.Vocabulary.Count);       // [4, 8, V], refilled each batch
            int[] y = batch.Targets;                                      // the next characters, row-major [4, 8]
            // logits [4, 8, V] = model(x, state); loss on logits as [4·8, V] and y; state = state.Detach()
        }
        Console.WriteLine($"{corpus.Vocabulary.Count} symbols, {batches.BatchCount} batches per pass");
        return (corpus.Vocabulary.Count, batches.BatchCount);
    }

    /// <summary>docs/checkpoints.md: saves, reads and loads; returns whether the reloaded model and optimizer match.</summary>
    public static bool Checkpoints()
    {
        static Module BuildMlp(int[] hidden) => Mlp.Create([784, .. hidden, 10], Activation.ReLU, new Generator((ulong)hidden.Sum()));
        var model = BuildMlp([256, 128]);
        var optimizer = new Adam(model);
        optimizer.ZeroGrad();
        Loss.SoftmaxCrossEntropy(model.Forward(Tensor.Normal(new Generator(1), 0, 1, DType.Float32, 4, 784)), [0, 1, 2, 3]).Backward();
        optimizer.Step();
        try
        {
            // Save: parameters by their dotted names, the optimizer's state, and strings that say how to rebuild the model.
            Checkpoint.Save("mlp.ckpt", model, optimizer, new Dictionary<string, string>
            {
                ["model"] = "mlp", ["hidden"] = "256,128", ["dataset"] = "fashion-mnist",
            });

            // Inspect without a model (e.g. to read the metadata and build the right architecture first).
            CheckpointFile file = Checkpoint.Read("mlp.ckpt");
            int[] hidden = file.Metadata["hidden"].Split(',').Select(int.Parse).ToArray();

            // Load into an existing model (and optimizer, to resume training).
            var model2 = BuildMlp(hidden);
            var optimizer2 = new Adam(model2);
            Checkpoint.Load("mlp.ckpt", model2, optimizer2);   // or Checkpoint.Load("mlp.ckpt", model2) for weights only
            return model2.Parameters().Zip(model.Parameters()).All(p => p.First.ToFloatArray().SequenceEqual(p.Second.ToFloatArray()))
                   && optimizer2.StepCount == optimizer.StepCount && hidden.SequenceEqual([256, 128]);
        }
        finally
        {
            File.Delete("mlp.ckpt");
        }
    }

    /// <summary>docs/interop.md: state dict, safetensors and ONNX; returns whether the reloaded copy gives the same outputs, and the ONNX file's size.</summary>
    public static (bool CopyMatches, long OnnxBytes) Interop()
    {
        try
        {
            // Train a small MLP on the digits, then hand it to other tools.
            var data = EmbeddedDatasets.Digits();
            var x = data.Features / 16.0;
            Sequential Build(ulong seed) => Mlp.Create([64, 32, 10], Activation.ReLU, new Generator(seed));
            var model = Build(1);
            var optimizer = new Adam(model, learningRate: 0.01);
            for (int step = 0; step < 100; step++)
            {
                optimizer.ZeroGrad();
                Loss.SoftmaxCrossEntropy(model.Forward(x), data.Labels).Backward();
                optimizer.Step();
            }
            model.Eval();

            // In memory: PyTorch's state_dict() names, order and layout (Linear's weight is [out, in] here).
            OrderedDictionary<string, Tensor> state = model.StateDict();
            Console.WriteLine(string.Join(", ", state.Select(e => $"{e.Key} {Shapes.Format(e.Value.Shape)}")));

            // As a file that torch, JAX and Hugging Face read, and back into a model of the same architecture.
            Safetensors.Save("digits-mlp.safetensors", model, new Dictionary<string, string> { ["sizes"] = "64,32,10" });
            var copy = Build(2);
            copy.LoadStateDict(Safetensors.Load("digits-mlp.safetensors"));   // strict: every key, every shape

            // The inference graph for ONNX Runtime: input [batch, 64], output [batch, 10].
            Onnx.Export("digits-mlp.onnx", model, exampleShape: [64]);
            copy.Eval();
            using (Tape.NoGrad())
                return (copy.Forward(x).ToFloatArray().SequenceEqual(model.Forward(x).ToFloatArray()), new FileInfo("digits-mlp.onnx").Length);
        }
        finally
        {
            File.Delete("digits-mlp.safetensors");
            File.Delete("digits-mlp.onnx");
        }
    }

    /// <summary>docs/recurrent.md: a stateful character LSTM on a tiny text; returns the last batch's bits per character.</summary>
    public static double Recurrent()
    {
        var corpus = TextCorpus.FromText("the cat sat on the mat. the dog sat on the log. ");
        int V = corpus.Vocabulary.Count;
        var gen = new Generator(7);
        var embed = new Embedding(V, 8, gen);
        var lstm = new Lstm(8, 32, gen);
        var readout = new Linear(32, V, gen);
        var opt = new Adam(new Sequential(embed, lstm, readout), learningRate: 0.01);
        var batches = new StreamBatcher(corpus.Tokens, batchSize: 2, steps: 8);
        double loss = 0;
        for (int epoch = 0; epoch < 60; epoch++)
        {
            RecurrentState? state = null;                      // each pass starts from zeros
            foreach (StreamBatch batch in batches)
            {
                opt.ZeroGrad();
                var (h, next) = lstm.Forward(embed.Forward(batch.Inputs, batch.BatchSize, batch.Steps), state);
                var logits = readout.Forward(h).Reshape([batch.BatchSize * batch.Steps, V]);
                var l = Loss.SoftmaxCrossEntropy(logits, batch.Targets);
                l.Backward();
                GradientClipping.ClipByNorm(opt.Parameters, maxNorm: 1);
                opt.Step();
                state = next.Detach();                         // carried into the next batch, off the tape
                loss = l.Item();
            }
        }
        Console.WriteLine($"bits per character on the last batch: {loss / Math.Log(2):F2}");
        return loss / Math.Log(2);
    }

    /// <summary>docs/higher-order.md: the gradient and Hessian of Rosenbrock's function, J·v by Derivatives.Jvp and by hand, and the nesting test.</summary>
    public static void HigherOrder()
    {
        // --- block ---
        // Rosenbrock: f = (1 − x)² + 100(y − x²)²
        static Tensor F(Tensor p) => (1.0 - p.Select(0, 0)).Square() + 100 * (p.Select(0, 1) - p.Select(0, 0).Square()).Square();

        var p = Tensor.From(DType.Float64, [0.7, 0.2]);
        Console.WriteLine(Derivatives.Grad(F, p));        // ∂f/∂(x, y)
        Console.WriteLine(Derivatives.Hessian(F, p));     // [[2 − 400(y − x²) + 800x², −400x], [−400x, 200]]
        // --- block ---
        var x = Tensor.From(DType.Float64, [0.5, -1.0]);
        var v = Tensor.From(DType.Float64, [1.0, 0.0]);
        var (y, jv) = Derivatives.Jvp(t => t.Tanh() * t.Exp(), x, v);   // f(x) and J·v in one pass

        // The same by hand: a dual level, a dual input, the tangent read back.
        using (var level = ForwardMode.Level())
        {
            var dual = level.Dual(x, v);                  // x + ε·v (x itself is not changed)
            var f = dual.Tanh() * dual.Exp();
            Console.WriteLine(level.Tangent(f));          // J·v
            Console.WriteLine(level.Primal(f));           // f(x)
        }
        // --- block ---
        // d/dx [x · d/dy (x + y)] = 1 at every x (d/dy (x + y) = 1); confusing the two ε's gives 2.
        var (_, d) = Derivatives.Jvp(a =>
        {
            var (_, inner) = Derivatives.Jvp(b => a + b, Tensor.From(DType.Float64, [2.0]), Tensor.From(DType.Float64, [1.0]));
            return a * inner;
        }, Tensor.From(DType.Float64, [3.0]), Tensor.From(DType.Float64, [1.0]));
        Console.WriteLine(d);   // tensor([1], ...)
    }

    /// <summary>docs/data-and-training.md, divergence: prints what the guard threw.</summary>
    public static void DataAndTrainingDivergence()
    {
        var gen = new Generator(3);
        var x = Tensor.Uniform(gen, -3, 3, DType.Float32, 64, 1);
        var y = 2 * x + 1;
        var model = new Linear(1, 1, gen);
        var opt = new Sgd(model, learningRate: 10);      // far too large for inputs of this scale
        var guard = new DivergenceGuard(model);
        try
        {
            for (int epoch = 1; epoch <= 100; epoch++)
            {
                guard.BeginEpoch(epoch);
                opt.ZeroGrad();
                var loss = (model.Forward(x) - y).Square().Mean();
                guard.CheckLoss(loss.Item());             // NaN or ±∞: throws before the update
                loss.Backward();
                opt.Step();
                guard.CheckParameters();                  // a finite loss can still give an infinite update
            }
        }
        catch (DivergenceException e)
        {
            Console.WriteLine(e.Message);                 // training diverged at epoch ..., step 1: ...
        }
    }
}
