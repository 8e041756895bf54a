using System.Globalization;
using AutoGrad.Autograd;
using AutoGrad.Cli.Output;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;

namespace AutoGrad.Cli.Training;

/// <summary>
/// A character-level language model: one-hot characters → recurrent layers → Linear at every step,
/// mean softmax cross-entropy of the next character, trained by stateful truncated backpropagation
/// through time (<c>--batch-size</c> parallel streams of the training text, <c>--bptt</c> steps per
/// batch, the state carried from batch to batch detached). The last <see cref="TestFraction"/> of the
/// text is the test text, read once at the end as one stream with the state carried across chunks; a
/// <c>--holdout</c> fraction of the text before it is scored the same way after every epoch. The last
/// line is <c>held-out bits per character: B</c> (cross-entropy in nats / ln 2).
/// </summary>
public static class TextTraining
{
    /// <summary>The end of the text held out as the test text (not shuffled: a language model is scored on text it has not seen, in order).</summary>
    public const double TestFraction = 0.1;

    /// <summary>The training, holdout (possibly empty) and test tokens of a corpus.</summary>
    public static (int[] Train, int[] Holdout, int[] Test) Split(TextCorpus corpus, double holdout)
    {
        int[] rest, test;
        try { (rest, test) = corpus.Split(TestFraction); }
        catch (ArgumentOutOfRangeException)
        {
            throw new UserError($"{corpus.Name}: {corpus.Length} characters are too few: the last {TestFraction.ToString(CultureInfo.InvariantCulture)} is held out as the test text, and the training and test parts each need at least 2 characters (an input and its target)");
        }
        int held = (int)Math.Round(rest.Length * holdout);
        if (holdout > 0 && (held < 2 || rest.Length - held < 2))
            throw new UserError(string.Create(CultureInfo.InvariantCulture, $"--holdout {holdout} of the {rest.Length} training characters of {corpus.Name} leaves {rest.Length - held} for training and {held} held out; each part needs at least 2 characters (an input and its target), or use --holdout 0"));
        return (rest[..(rest.Length - held)], rest[(rest.Length - held)..], test);
    }

    public static double Run(TrainOptions o, TextWriter output, bool interactive)
    {
        Kernels.Threading.Threads = o.Threads;
        var (corpus, source) = SequenceSources.LoadText(o.Dataset);
        var (train, holdout, test) = Split(corpus, o.Holdout);
        int v = corpus.Vocabulary.Count;
        StreamBatcher batcher;
        try { batcher = new StreamBatcher(train, o.BatchSize, o.Bptt); }
        catch (ArgumentOutOfRangeException e)
        {
            throw new UserError($"--batch-size {o.BatchSize} and --bptt {o.Bptt} do not fit the {train.Length} training characters of {corpus.Name}: {Cli.OneLine(e)}");
        }
        var rng = new Generator(o.Seed);
        ModelSize.Check($"--hidden {o.Hidden[0]}{(o.Layers > 1 ? $" --layers {o.Layers}" : "")}", ModelSize.Recurrent(o.Model, v, o.Hidden[0], o.Layers, v), o);
        var model = new SequenceModel(o.Model, SequenceTask.Text, v, o.Hidden[0], o.Layers, o.Dropout, v, rng.Fork());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{corpus.Name} ({source}): {corpus.Length} characters, {v} distinct; {train.Length} training, {holdout.Length} holdout, {test.Length} test; {o.BatchSize} streams of {batcher.StreamLength} characters, {o.Bptt} steps per batch (truncated BPTT, state carried); model {model.Describe()} ({model.ParameterCount()} parameters), {SequenceTraining.Training(o)}"));

        IEpochReporter reporter = interactive ? new ProgressBarReporter() : new PlainReporter(output);
        TrainingRun run;
        using (var interrupt = Interrupt.Listen())
        run = SequenceTraining.Loop(model, o, reporter, batcher.BatchCount, (optimizer, r, loop) =>
        {
            RecurrentState? state = null;
            double nats = 0;
            long correct = 0, count = 0;
            foreach (var batch in batcher)
            {
                using var scope = StepScope.Begin();
                optimizer.ZeroGrad();
                var (logits, next) = model.Forward(batch.OneHotInputs(v), state);
                var flat = logits.Reshape([batch.BatchSize * batch.Steps, v]);
                var loss = Loss.SoftmaxCrossEntropy(flat, batch.Targets);
                bool stop = SequenceTraining.Step(model, optimizer, o, loss, loop);
                nats += loss.Item() * batch.Targets.Length;
                correct += Correct(flat.ToFloatArray(), batch.Targets, v);
                count += batch.Targets.Length;
                state = Keep(next);
                r.Advance();
                if (stop) break;
            }
            return (nats / count, (double)correct / count);
        }, holdout.Length == 0 ? null : () => Score(model, holdout, o.Bptt), interrupt);

        var metadata = SequenceTraining.Metadata(model, o);
        metadata["vocabulary"] = corpus.Vocabulary.ToString();
        metadata["bptt"] = o.Bptt.ToString(CultureInfo.InvariantCulture);
        SequenceTraining.Finish(model, run, o, output, metadata);
        return Report(model, corpus.Name, [.. train, .. holdout], test, v, o.Bptt, output);
    }

    /// <summary>The state after a batch, detached from its graph and copied out of the step's scope (which recycles op results).</summary>
    public static RecurrentState Keep(RecurrentState state)
    {
        var d = state.Detach();
        return new RecurrentState(d.H.Clone(), d.C?.Clone());
    }

    private static long Correct(float[] logits, int[] targets, int v)
    {
        long correct = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            int best = 0;
            for (int k = 1; k < v; k++) if (logits[i * v + k] > logits[i * v + best]) best = k;
            if (best == targets[i]) correct++;
        }
        return correct;
    }

    /// <summary>
    /// Mean cross-entropy (nats per character) and accuracy of predicting each next token of
    /// <paramref name="tokens"/> from those before it: one stream, from a zero state, read in chunks of
    /// <paramref name="steps"/> with the state carried; evaluation mode, no tape.
    /// </summary>
    public static (double Nats, double Accuracy) Score(SequenceModel model, int[] tokens, int steps)
    {
        bool training = model.IsTraining;
        model.Eval();
        try
        {
            var batcher = new StreamBatcher(tokens, 1, Math.Min(steps, tokens.Length - 1));
            RecurrentState? state = null;
            double nats = 0;
            long correct = 0, count = 0;
            using var _ = Tape.NoGrad();
            foreach (var batch in batcher)
            {
                using var scope = StepScope.Begin();
                var (logits, next) = model.Forward(batch.OneHotInputs(model.InputSize), state);
                var flat = logits.Reshape([batch.Steps, model.OutputSize]);
                nats += Loss.SoftmaxCrossEntropy(flat, batch.Targets, Reduction.Sum).Item();
                correct += Correct(flat.ToFloatArray(), batch.Targets, model.OutputSize);
                count += batch.Targets.Length;
                state = Keep(next);
            }
            return (nats / count, (double)correct / count);
        }
        finally { model.Train(training); }
    }

    /// <summary>Prints the test text's cross-entropy beside the unigram baseline, then <c>held-out bits per character: B</c>; returns B.</summary>
    /// <param name="train">The text before the test text (its character frequencies are the unigram baseline).</param>
    public static double Report(SequenceModel model, string name, int[] train, int[] test, int v, int steps, TextWriter output)
    {
        var (nats, accuracy) = Score(model, test, steps);
        double bits = nats / Math.Log(2);
        // The unigram model fitted on the training text, scored on the test text (a floor to beat).
        var counts = new long[v];
        foreach (int t in train) counts[t]++;
        double unigram = 0;
        foreach (int t in test[1..]) unigram -= Math.Log2((counts[t] + 1.0) / (train.Length + v)); // add-one smoothing: a character unseen in training has a probability
        unigram /= test.Length - 1;
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(c, "{0} test text: {1} characters, cross-entropy {2:F4} nats per character, next-character accuracy {3:F2}%; unigram baseline (frequencies of the text before it): {4:F4} bits per character",
            name, test.Length, nats, 100 * accuracy, unigram));
        output.WriteLine(string.Format(c, "held-out bits per character: {0:F4}", bits));
        return bits;
    }
}
