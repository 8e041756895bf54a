// Note 000's perceptron: f_w(x) = sgn(⟨w, x⟩) with the dummy feature x₀ = 1 prepended (so w₀ is
// the bias), sgn(0) = −1, w = 0 at the start, and the rule w ← w + ((y − ŷ)/2)·x applied to each
// example in turn, looping over the data until an epoch makes no mistake. AND and OR are linearly
// separable and the loop stops; XOR is not, and the weights go round a cycle forever.
//
// Each problem is run twice: the rule written out on plain arrays, and the library's Perceptron,
// whose Fit takes SGD steps (learning rate 1) on the perceptron criterion max(0, −y⟨w, x⟩) with the
// gradient from the tape. The two must agree step for step.
using AutoGrad;
using AutoGrad.NN;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// The truth tables' inputs; the labels are −1 for false and +1 for true (the notes' figures are lost).
double[,] inputs = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
(string Name, double[] Labels)[] problems = [("AND", [-1, -1, -1, 1]), ("OR", [-1, 1, 1, 1]), ("XOR", [-1, 1, 1, -1])];
const int MaxEpochs = 100;

foreach (var (name, labels) in problems)
{
    Console.WriteLine($"{name} (labels {string.Join(", ", labels)})");

    // The rule as note 000 writes it.
    var w = new double[3]; // (b, w₁, w₂), initialized to 0
    var mistakesPerEpoch = new List<int>();
    var endOfEpoch = new Dictionary<string, int>(); // weights after an epoch -> that epoch
    (int First, int Again)? cycle = null;
    Console.WriteLine("  epoch  mistakes  w = (b, w1, w2) after the epoch");
    for (int epoch = 1; epoch <= MaxEpochs; epoch++)
    {
        int mistakes = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double[] x = [1, inputs[i, 0], inputs[i, 1]]; // dummy feature first
            double score = w[0] * x[0] + w[1] * x[1] + w[2] * x[2];
            double predicted = score > 0 ? 1 : -1; // sgn(0) = −1
            if (predicted != labels[i]) mistakes++;
            for (int j = 0; j < 3; j++) w[j] += (labels[i] - predicted) / 2 * x[j];
        }
        mistakesPerEpoch.Add(mistakes);
        if (epoch <= 8 && cycle is null) Console.WriteLine($"  {epoch,5}  {mistakes,8}  ({w[0]}, {w[1]}, {w[2]})");
        if (mistakes == 0) break;
        // The state at the end of an epoch determines every later epoch: a repeat means a cycle.
        string key = string.Join(",", w);
        if (cycle is null && endOfEpoch.TryGetValue(key, out int first)) cycle = (first, epoch);
        endOfEpoch.TryAdd(key, epoch);
    }
    if (cycle is { } repeat)
    {
        int period = repeat.Again - repeat.First;
        Console.WriteLine($"  ... from here on the weights repeat every {period} epoch{(period == 1 ? "" : "s")} ({mistakesPerEpoch.Count} epochs run)");
    }

    // The library: SGD on the perceptron criterion, gradients from the tape.
    var perceptron = new Perceptron(features: 2, DType.Float64);
    var x2 = Tensor.FromArray(inputs);
    var fit = perceptron.Fit(x2, Tensor.FromArray(labels), maxEpochs: MaxEpochs);
    var learned = perceptron.Weight.ToDoubleArray();
    var predictions = perceptron.Forward(x2).ToDoubleArray();
    Console.WriteLine($"  Perceptron.Fit: converged {fit.Converged} after {fit.Epochs} epochs, w = ({string.Join(", ", learned)})");
    Console.WriteLine("  x1 x2 |  y  ŷ = sgn(w·(1, x))");
    for (int i = 0; i < labels.Length; i++)
        Console.WriteLine($"   {inputs[i, 0]}  {inputs[i, 1]} | {labels[i],2} {predictions[i],2}");

    Check("the tape's SGD steps on the perceptron criterion are the notes' rule (same weights, same mistakes per epoch)",
        learned.SequenceEqual(w) && fit.MistakesPerEpoch.SequenceEqual(mistakesPerEpoch));
    if (name == "XOR")
    {
        Check($"XOR never converges: a mistake in each of the {MaxEpochs} epochs", !fit.Converged && fit.MistakesPerEpoch.All(m => m > 0));
        Check(cycle is { } c
                ? $"the weights after epoch {c.Again} equal those after epoch {c.First}, so the same epochs repeat forever"
                : "the weights cycle",
            cycle is not null);
        Check("some example stays misclassified", !predictions.SequenceEqual(labels));
    }
    else
    {
        Check($"{name} converges (an epoch with no mistake)", fit.Converged && fit.MistakesPerEpoch[^1] == 0);
        Check("the learned perceptron reproduces the truth table", predictions.SequenceEqual(labels));
    }
    Console.WriteLine();
}

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
