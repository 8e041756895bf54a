// The 8×8 digits read as a sequence: row 1 of the image, then row 2, …, row 8, each row a step of 8
// pixel features ([B, 8, 8], batch first). An LSTM reads the rows one at a time with the same
// weights at every step and keeps what it has seen in its state; after the eighth row, LastTimeStep
// takes its final hidden state and a Linear layer maps it to the 10 classes (a sequence-to-one
// head). The network never sees the whole image at once, yet classifies it well. It is trained on
// a stratified 80/20 split and compared with an MLP of about the same number of parameters that
// sees all 64 pixels at once, on the same batches, with the same optimizer and epochs.
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// Seeds 1 to 4: the LSTM holds out 96.1–98.3 %, the MLP 95.8–98.1 %; neither is ahead every time,
// and they are never more than 2 points apart.
const ulong seed = 1;
const int Rows = 8, Columns = 8, Hidden = 32, Epochs = 15, BatchSize = 32;
var digits = EmbeddedDatasets.Digits();
var scaled = new Dataset(digits.Features / 16.0, digits.Labels, 10); // pixels 0..16 → 0..1
var (train, test) = DataSplit.Holdout(scaled, 0.2, new Generator(seed), stratified: true);

// A row of the 64 features is the image in row-major order, so [B, 64] → [B, 8, 8] is 8 steps of 8 pixels.
Tensor AsRows(Tensor x) => x.Reshape([x.Shape[0], Rows, Columns]);
var lstm = new Sequential(new Lstm(Columns, Hidden, new Generator(seed + 1)), new LastTimeStep(), new Linear(Hidden, 10, new Generator(seed + 1)));
// An MLP 64 → h → 10 has 75h + 10 parameters; choose h to match the LSTM's count.
int hidden = (int)Math.Round((lstm.ParameterCount() - 10) / 75.0);
var mlp = Mlp.Create([64, hidden, 10], Activation.ReLU, new Generator(seed + 1));
Console.WriteLine($"{train.Count} training digits, {test.Count} test digits (stratified)");
Console.WriteLine($"LSTM over {Rows} rows of {Columns} pixels, H = {Hidden}, last step → Linear({Hidden}, 10): {lstm.ParameterCount()} parameters");
Console.WriteLine($"MLP 64 → {hidden} → 10 (ReLU) on all 64 pixels at once: {mlp.ParameterCount()} parameters\n");

// The same seed for both loaders: the two networks see the same batches in the same order.
var runs = new (string Name, Module Net, Func<Tensor, Tensor> Input, DataLoader Batches, Optimizer Optimizer)[]
{
    ("LSTM", lstm, AsRows, new DataLoader(train, BatchSize, new Generator(seed + 2)), new Adam(lstm, learningRate: 0.01)),
    ("MLP", mlp, x => x, new DataLoader(train, BatchSize, new Generator(seed + 2)), new Adam(mlp, learningRate: 0.01)),
};
double Accuracy(int r)
{
    using var _ = Tape.NoGrad();
    return Metrics.Accuracy(runs[r].Net.Forward(runs[r].Input(test.Features)), test.Labels);
}

var accuracies = new double[runs.Length];
Console.WriteLine("epoch  LSTM loss  LSTM test acc   MLP loss  MLP test acc");
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    var line = $"{epoch,5}";
    for (int r = 0; r < runs.Length; r++)
    {
        var (_, net, input, batches, optimizer) = runs[r];
        double total = 0;
        foreach (var (x, y) in batches)
        {
            optimizer.ZeroGrad();
            var loss = Loss.SoftmaxCrossEntropy(net.Forward(input(x)), y);
            loss.Backward();
            GradientClipping.ClipByNorm(net.Parameters(), 5); // rarely active here; the usual guard for a recurrent net
            optimizer.Step();
            total += loss.Item() * y.Length;
        }
        accuracies[r] = Accuracy(r);
        line += $"  {total / train.Count,9:F4}  {accuracies[r] * 100,12:F2}%";
    }
    Console.WriteLine(line);
}

Console.WriteLine($"\nafter {Epochs} epochs: LSTM {accuracies[0] * 100:F2}% vs MLP {accuracies[1] * 100:F2}% test accuracy " +
    $"with {lstm.ParameterCount()} vs {mlp.ParameterCount()} parameters");
Check($"the LSTM, reading one row at a time, reaches {accuracies[0] * 100:F2}% (>= 95%) on the held-out digits", accuracies[0] >= 0.95);
Check($"as well as the MLP that sees every pixel at once, within 3 points ({(accuracies[0] - accuracies[1]) * 100:+0.00;-0.00} points)",
    Math.Abs(accuracies[0] - accuracies[1]) <= 0.03);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
