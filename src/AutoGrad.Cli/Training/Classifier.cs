using System.Globalization;
using System.Text.Json;
using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.NN;

namespace AutoGrad.Cli.Training;

/// <summary>
/// A model of the notes as the CLI trains it: the network, its loss and how scores become
/// classes. mlp and softmax output one logit per class (softmax cross-entropy); logistic and
/// perceptron are binary with one score (log loss on logits; the perceptron criterion with
/// sgn(0) = −1).
/// </summary>
public sealed class Classifier
{
    public string Kind { get; }
    public Module Network { get; }
    public int[] Sizes { get; }
    public string Activation { get; }
    public double Dropout { get; }

    private Classifier(string kind, Module network, int[] sizes, string activation, double dropout)
    {
        Kind = kind;
        Network = network;
        Sizes = sizes;
        Activation = activation;
        Dropout = dropout;
    }

    /// <exception cref="UserError">A binary model on a data set with other than two classes.</exception>
    public static Classifier Create(string kind, int features, int classes, int[] hidden, string activation, double dropout, Generator generator)
    {
        bool binary = kind is "logistic" or "perceptron";
        if (binary && classes != 2)
            throw new UserError($"--model {kind} is a binary classifier, but the data set has {classes} classes; use --model softmax or mlp, or a two-class data set such as breast-cancer");
        int outputs = binary ? 1 : classes;
        int[] sizes = kind == "mlp" ? [features, .. hidden, outputs] : [features, outputs];
        var act = activation switch { "sigmoid" => NN.Activation.Sigmoid, "tanh" => NN.Activation.Tanh, _ => NN.Activation.ReLU };
        var network = Mlp.Create(sizes, act, generator, dropout: kind == "mlp" ? dropout : 0);
        return new Classifier(kind, network, sizes, activation, kind == "mlp" ? dropout : 0);
    }

    /// <summary>The training loss of a batch of scores.</summary>
    public Tensor Loss(Tensor scores, int[] labels) => Kind switch
    {
        "logistic" => AutoGrad.Losses.Loss.BinaryCrossEntropyWithLogits(scores, Targets(labels, 0, scores.DType)),
        "perceptron" => AutoGrad.Losses.Loss.PerceptronCriterion(scores, Targets(labels, -1, scores.DType), Reduction.Mean),
        _ => AutoGrad.Losses.Loss.SoftmaxCrossEntropy(scores, labels),
    };

    private static Tensor Targets(int[] labels, double negative, DType dtype)
    {
        var t = Tensor.Zeros(dtype, labels.Length, 1);
        var s = t.AsSpan<float>();
        for (int i = 0; i < labels.Length; i++) s[i] = labels[i] == 1 ? 1f : (float)negative;
        return t;
    }

    /// <summary>Predicted class of each row.</summary>
    public int[] Predict(Tensor scores)
    {
        if (Kind is "logistic" or "perceptron")
        {
            var s = scores.ToFloatArray();
            return s.Select(v => v > 0 ? 1 : 0).ToArray();
        }
        return scores.ArgMax(1);
    }

    /// <summary>Forward pass in evaluation mode without recording.</summary>
    public Tensor Scores(Tensor x)
    {
        Network.Eval();
        try
        {
            using (Tape.NoGrad()) return Network.Forward(x);
        }
        finally { Network.Train(); }
    }

    public Dictionary<string, string> Metadata(string dataset, ulong seed, double testFraction, Standardizer standardizer, IReadOnlyList<string> classNames) => new()
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
            int classes = kind is "logistic" or "perceptron" ? 2 : outputs;
            var model = Create(kind, sizes[0], classes, sizes[1..^1], Get("activation"), double.Parse(Get("dropout"), CultureInfo.InvariantCulture), new Generator(0));
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
