using System.Globalization;
using System.Text.Json;
using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.NN;

namespace AutoGrad.Cli.Training;

/// <summary>
/// A model of the notes as the CLI trains it: the network, its loss and how scores become
/// classes. mlp and softmax output one logit per class (softmax cross-entropy); logistic is
/// binary with one score (log loss on logits). perceptron is note 000's: the library's
/// <see cref="NN.Perceptron"/> (w = 0, dummy feature, sgn(0) = −1) for two classes, and
/// <see cref="OneVsRestPerceptron"/> (one such perceptron per class, argmax of the scores) for
/// more; its loss is the perceptron criterion.
/// </summary>
public sealed class Classifier
{
    public string Kind { get; }
    public Module Network { get; }
    public int[] Sizes { get; }
    public string Activation { get; }
    public double Dropout { get; }

    /// <summary>The convolutional blocks of a cnn (null for the other models).</summary>
    public ConvSpec? Conv { get; }

    private Classifier(string kind, Module network, int[] sizes, string activation, double dropout, ConvSpec? conv = null)
    {
        Kind = kind;
        Network = network;
        Sizes = sizes;
        Activation = activation;
        Dropout = dropout;
        Conv = conv;
    }

    /// <summary>Whether the model is a perceptron (trained by its rule, one example at a time).</summary>
    public bool IsPerceptron => Kind == "perceptron";

    /// <summary>Whether the model has one score per row (logistic, and the perceptron on two classes).</summary>
    public bool IsBinary => Sizes[^1] == 1;

    /// <exception cref="UserError">The logistic model on a data set with other than two classes; a cnn without an image shape.</exception>
    public static Classifier Create(string kind, int features, int classes, int[] hidden, string activation, double dropout, Generator generator, ConvSpec? conv = null)
    {
        if (kind == "cnn")
        {
            var c = conv ?? throw new UserError("--model cnn needs images: use --dataset digits, fashion-mnist or mnist");
            var img = c.Image;
            if (img.Size != features)
                throw new UserError($"--model cnn: images of {img} hold {img.Size} pixels but the rows have {features} features");
            Sequential net;
            try
            {
                net = Cnn.Create(img.Channels, img.Height, img.Width, c.Channels, hidden, classes, generator, c.BatchNorm, dropout, flattenInput: true);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new UserError($"--conv {string.Join(",", c.Channels)}: {e.Message.Split(Environment.NewLine)[0]}");
            }
            return new Classifier(kind, net, [features, .. hidden, classes], "relu", dropout, c);
        }
        if (kind == "logistic" && classes != 2)
            throw new UserError($"--model logistic is a binary classifier, but the data set has {classes} classes; use --model softmax or mlp, or a two-class data set such as breast-cancer");
        if (kind == "perceptron")
        {
            Module perceptron = classes == 2 ? new Perceptron(features) : new OneVsRestPerceptron(features, classes);
            return new Classifier(kind, perceptron, [features, classes == 2 ? 1 : classes], activation, 0);
        }
        bool binary = kind == "logistic";
        int outputs = binary ? 1 : classes;
        int[] sizes = kind == "mlp" ? [features, .. hidden, outputs] : [features, outputs];
        var act = activation switch { "sigmoid" => NN.Activation.Sigmoid, "tanh" => NN.Activation.Tanh, _ => NN.Activation.ReLU };
        var network = Mlp.Create(sizes, act, generator, dropout: kind == "mlp" ? dropout : 0);
        return new Classifier(kind, network, sizes, activation, kind == "mlp" ? dropout : 0);
    }

    /// <summary>
    /// The loss of a batch of scores, averaged over its rows. For the perceptron it is the
    /// perceptron criterion max(0, −y·s) (summed over the one-vs-rest perceptrons).
    /// </summary>
    public Tensor Loss(Tensor scores, int[] labels) => Kind switch
    {
        "logistic" => AutoGrad.Losses.Loss.BinaryCrossEntropyWithLogits(scores, BinaryTargets(labels, 0, scores)),
        "perceptron" => PerceptronLoss(scores, labels, Reduction.Sum) / labels.Length,
        _ => AutoGrad.Losses.Loss.SoftmaxCrossEntropy(scores, labels),
    };

    /// <summary>The perceptron criterion of a batch: ±1 targets (class 1 is +1 for two classes; one-vs-rest otherwise).</summary>
    public Tensor PerceptronLoss(Tensor scores, int[] labels, Reduction reduction) =>
        AutoGrad.Losses.Loss.PerceptronCriterion(scores,
            Network is OneVsRestPerceptron ovr ? ovr.Targets(labels) : BinaryTargets(labels, -1, scores), reduction);

    /// <summary>Targets shaped like the scores: 1 for class 1, <paramref name="negative"/> for class 0.</summary>
    private static Tensor BinaryTargets(int[] labels, double negative, Tensor scores)
    {
        var t = Tensor.Zeros(scores.DType, scores.Shape.ToArray());
        var s = t.AsSpan<float>();
        for (int i = 0; i < labels.Length; i++) s[i] = labels[i] == 1 ? 1f : (float)negative;
        return t;
    }

    /// <summary>Predicted class of each row: score &gt; 0 for one score per row (sgn(0) = −1 gives class 0), else the argmax.</summary>
    public int[] Predict(Tensor scores)
    {
        if (IsBinary)
        {
            var s = scores.ToFloatArray();
            return s.Select(v => v > 0 ? 1 : 0).ToArray();
        }
        return scores.ArgMax(1);
    }

    /// <summary>The scores of a batch (logits; for the perceptron ⟨w, (1, x)⟩, not its ±1 output), recorded when training.</summary>
    public Tensor Forward(Tensor x) => Network switch
    {
        Perceptron p => p.Scores(x),
        _ => Network.Forward(x),
    };

    /// <summary>
    /// Rows per forward pass when scoring a whole data set: a convolutional network's activations
    /// for 10,000 images would take gigabytes, so it scores them in slices (the others in one pass).
    /// </summary>
    private int ScoringSlice => Kind == "cnn" ? 500 : int.MaxValue;

    /// <summary>Forward pass in evaluation mode without recording.</summary>
    public Tensor Scores(Tensor x)
    {
        Network.Eval();
        try
        {
            using (Tape.NoGrad())
            {
                int n = x.Shape[0];
                if (n <= ScoringSlice) return Forward(x);
                var parts = new List<Tensor>();
                for (int start = 0; start < n; start += ScoringSlice)
                    parts.Add(Forward(x.Slice(0, start, Math.Min(ScoringSlice, n - start))));
                return Tensor.Concat(parts, 0);
            }
        }
        finally { Network.Train(); }
    }

    public Dictionary<string, string> Metadata(string dataset, ulong seed, double testFraction, Standardizer standardizer, IReadOnlyList<string> classNames)
    {
        var m = new Dictionary<string, string>
        {
            ["format"] = "autograd-cli/1",
            ["model"] = Kind,
            ["sizes"] = JsonSerializer.Serialize(Sizes),
            ["activation"] = Activation,
            ["dropout"] = Dropout.ToString("R", CultureInfo.InvariantCulture),
            ["dataset"] = dataset,
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["test-fraction"] = testFraction.ToString("R", CultureInfo.InvariantCulture),
            ["mean"] = JsonSerializer.Serialize(standardizer.Mean),
            ["std"] = JsonSerializer.Serialize(standardizer.Std),
            ["classes"] = JsonSerializer.Serialize(classNames),
        };
        if (Conv is { } c)
        {
            m["conv"] = JsonSerializer.Serialize(c.Channels);
            m["image"] = JsonSerializer.Serialize(new[] { c.Image.Channels, c.Image.Height, c.Image.Width });
            m["batch-norm"] = c.BatchNorm ? "true" : "false";
        }
        return m;
    }

    /// <summary>Rebuilds the (untrained) classifier that a checkpoint's metadata describes.</summary>
    /// <exception cref="UserError">The metadata is missing or not from <c>autograd train</c>.</exception>
    public static (Classifier Model, Standardizer Standardizer, string Dataset, ulong Seed, double TestFraction, string[] Classes) FromMetadata(IReadOnlyDictionary<string, string> m, string path)
    {
        string Get(string key) => m.TryGetValue(key, out var v) ? v
            : throw new UserError($"{path}: the checkpoint has no '{key}' entry; it was not written by 'autograd train --save'");
        if (Get("format") != "autograd-cli/1") throw new UserError($"{path}: unknown checkpoint metadata format '{m["format"]}'");
        try
        {
            var sizes = JsonSerializer.Deserialize<int[]>(Get("sizes"))!;
            string kind = Get("model");
            int outputs = sizes[^1];
            int classes = outputs == 1 ? 2 : outputs;
            ConvSpec? conv = null;
            if (kind == "cnn")
            {
                var image = JsonSerializer.Deserialize<int[]>(Get("image"))!;
                conv = new ConvSpec(new ImageShape(image[0], image[1], image[2]), JsonSerializer.Deserialize<int[]>(Get("conv"))!, Get("batch-norm") == "true");
            }
            var model = Create(kind, sizes[0], classes, sizes[1..^1], Get("activation"), double.Parse(Get("dropout"), CultureInfo.InvariantCulture), new Generator(0), conv);
            var std = Standardizer.FromStatistics(JsonSerializer.Deserialize<float[]>(Get("mean"))!, JsonSerializer.Deserialize<float[]>(Get("std"))!);
            return (model, std, Get("dataset"), ulong.Parse(Get("seed"), CultureInfo.InvariantCulture),
                double.Parse(Get("test-fraction"), CultureInfo.InvariantCulture), JsonSerializer.Deserialize<string[]>(Get("classes"))!);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or NullReferenceException)
        {
            throw new UserError($"{path}: the checkpoint's metadata is malformed ({e.Message})");
        }
    }
}
