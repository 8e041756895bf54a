using System.CommandLine;
using System.Globalization;
using AutoGrad.Autograd;
using AutoGrad.Cli.Training;
using AutoGrad.IO;
using AutoGrad.Memory;
using AutoGrad.NN;

namespace AutoGrad.Cli.Commands;

/// <summary>
/// <c>autograd generate --checkpoint FILE</c>: samples text from a character model saved by
/// <c>train --model rnn|lstm|gru --dataset TEXT --save FILE</c>. The model reads the prime (its state
/// warmed on it), then draws each next character from softmax(logits / temperature) with a
/// generator seeded by <c>--seed</c>, feeding it back as the next input. Prints the prime and the
/// sampled characters.
/// </summary>
public static class GenerateCommand
{
    public static Command Create(TextWriter output)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint of a character model written by 'autograd train --model rnn|lstm|gru --dataset TEXT --save FILE'", Required = true };
        var seed = OptionFactory.ULong("--seed", "Seed of the sampling: the same seed, prime and temperature give the same text", 0);
        var prime = new Option<string?>("--prime") { Description = "Text the model reads before sampling (its characters must be in the model's vocabulary) [default: a newline]" };
        var temperature = OptionFactory.Double("--temperature", "Divides the logits before the softmax: below 1 sharper (more likely characters), above 1 flatter; must be > 0", 1);
        var length = OptionFactory.Int("--length", "Characters to sample after the prime", 200);
        var cmd = new Command("generate", "Sample text from a saved character-level language model: warm its state on --prime, then draw each next character from softmax(logits / --temperature) with the seeded generator") { checkpoint, seed, prime, temperature, length };
        cmd.SetAction(r =>
        {
            output.WriteLine(Run(r.GetValue(checkpoint)!, r.GetValue(prime) ?? "\n", r.GetValue(temperature), r.GetValue(length), r.GetValue(seed)));
            return 0;
        });
        return cmd;
    }

    /// <summary>The prime followed by <paramref name="length"/> sampled characters.</summary>
    /// <exception cref="UserError">Bad options, a missing or non-text checkpoint, a prime character outside the vocabulary.</exception>
    public static string Run(string path, string prime, double temperature, int length, ulong seed)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new UserError($"--temperature must be a finite number > 0, got {temperature.ToString(CultureInfo.InvariantCulture)}");
        if (length < 1) throw new UserError($"--length must be >= 1, got {length}");
        if (prime.Length == 0) throw new UserError("--prime needs at least one character for the model to start from (the default is a newline)");
        if (Directory.Exists(path)) throw new UserError($"--checkpoint: '{path}' is a directory; give the checkpoint file that 'autograd train --model lstm --dataset text:FILE --save FILE' wrote");
        if (!File.Exists(path)) throw new UserError($"checkpoint '{path}' not found; write one with 'autograd train --model lstm --dataset text:FILE --save {path}'");
        CheckpointFile file;
        try { file = Checkpoint.Read(path); }
        catch (CheckpointException e) { throw new UserError(e.Message); }
        var m = file.Metadata;
        string dataset = m.GetValueOrDefault("dataset") ?? "?";
        if (!SequenceTraining.IsSequenceCheckpoint(m) || m["task"] != "text")
            throw new UserError($"generate samples from a character model (train --model rnn, lstm or gru on a text); '{path}' holds a {m.GetValueOrDefault("model") ?? "model"} trained on {dataset}");
        var model = SequenceTraining.FromMetadata(m, path);
        try { Checkpoint.Load(path, model); }
        catch (CheckpointException e) { throw new UserError(e.Message); }
        var vocabulary = SequenceEvaluation.Vocabulary(m, path);
        if (vocabulary.Count != model.InputSize)
            throw new UserError($"{path}: the checkpoint's vocabulary has {vocabulary.Count} characters but the model reads {model.InputSize}");
        var tokens = SequenceEvaluation.Encode(vocabulary, prime, "--prime", $"the model in '{path}' (trained on {dataset})");
        return prime + vocabulary.Decode(Sample(model, tokens, temperature, length, new Generator(seed)));
    }

    /// <summary>Warms the state on <paramref name="prime"/>, then samples <paramref name="length"/> tokens from softmax(logits / T).</summary>
    public static int[] Sample(SequenceModel model, int[] prime, double temperature, int length, Generator generator)
    {
        model.Eval();
        int v = model.OutputSize;
        var result = new int[length];
        using var _ = Tape.NoGrad();
        RecurrentState? state = null;
        var input = prime;
        var p = new double[v];
        for (int i = 0; i < length; i++)
        {
            using var scope = StepScope.Begin();
            var oneHot = new double[input.Length * v];
            for (int t = 0; t < input.Length; t++) oneHot[t * v + input[t]] = 1;
            var (logits, next) = model.Forward(Tensor.From(DType.Float32, oneHot, 1, input.Length, v), state);
            var z = logits.ToFloatArray().AsSpan((input.Length - 1) * v, v);
            double max = double.NegativeInfinity;
            foreach (float x in z) max = Math.Max(max, x);
            double sum = 0;
            for (int k = 0; k < v; k++) sum += p[k] = Math.Exp((z[k] - max) / temperature);
            double u = generator.NextDouble() * sum;
            int chosen = v - 1;
            for (int k = 0; k < v; k++)
            {
                u -= p[k];
                if (u < 0) { chosen = k; break; }
            }
            result[i] = chosen;
            input = [chosen];
            state = TextTraining.Keep(next);
        }
        return result;
    }
}
