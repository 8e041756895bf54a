// A convolutional network on the embedded 8×8 digits. Two blocks of 3×3 convolution → batch norm →
// ReLU → 2×2 max pooling (8×8 → 4×4 → 2×2) and a small dense head: each block's filters are shared
// by every position of the image (see the WeightSharing example), so the network learns local
// strokes that may appear anywhere, and pooling lets a stroke move by a pixel without changing the
// result. It is trained on a stratified 80/20 split and compared with an MLP given about the same
// number of parameters, on the same batches, with the same optimizer and epochs.
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

var digits = EmbeddedDatasets.Digits();
// Pixels 0..16 → 0..1; the rows stay 64 features, read as 1×8×8 images where a network wants them.
var scaled = new Dataset(digits.Features / 16.0, digits.Labels, 10, imageShape: digits.ImageShape);
var (train, test) = DataSplit.Holdout(scaled, 0.2, new Generator(1), stratified: true);

var cnn = Cnn.Create(1, 8, 8, [16, 32], [64], 10, new Generator(2), batchNorm: true);
// An MLP 64 → h → 10 has 75h + 10 parameters; choose h to match the CNN's count.
int hidden = (int)Math.Round((cnn.ParameterCount() - 10) / 75.0);
var mlp = Mlp.Create([64, hidden, 10], Activation.ReLU, new Generator(2));
Console.WriteLine($"{train.Count} training digits, {test.Count} test digits (stratified)");
Console.WriteLine($"CNN: {cnn.ParameterCount()} parameters\n  {string.Join(" → ", cnn.NamedChildren().Select(c => c.Module.GetType().Name))}");
Console.WriteLine($"MLP 64 → {hidden} → 10 (ReLU): {mlp.ParameterCount()} parameters\n");

const int Epochs = 12;
double Accuracy(Module net, Tensor inputs)
{
    net.Eval(); // batch norm uses its running statistics, not the test batch's
    using var _ = Tape.NoGrad();
    double accuracy = Metrics.Accuracy(net.Forward(inputs), test.Labels);
    net.Train();
    return accuracy;
}

// The same seed for both loaders: the two networks see the same batches in the same order. The
// CNN's loader hands out [B, 1, 8, 8] images, the MLP's [B, 64] rows of the same pixels.
var runs = new (string Name, Module Net, DataLoader Batches, Optimizer Optimizer, Tensor TestInputs)[]
{
    ("CNN", cnn, new DataLoader(train, 32, new Generator(3)) { Images = true }, new Adam(cnn, learningRate: 0.005), test.Images()),
    ("MLP", mlp, new DataLoader(train, 32, new Generator(3)), new Adam(mlp, learningRate: 0.005), test.Features),
};
var accuracies = new double[runs.Length];
Console.WriteLine("epoch   CNN loss  CNN test acc   MLP loss  MLP test acc");
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    var line = $"{epoch,5}";
    for (int r = 0; r < runs.Length; r++)
    {
        var (_, net, batches, optimizer, testInputs) = runs[r];
        double total = 0;
        foreach (var (x, y) in batches)
        {
            optimizer.ZeroGrad();
            var loss = Loss.SoftmaxCrossEntropy(net.Forward(x), y);
            loss.Backward();
            optimizer.Step();
            total += loss.Item() * y.Length;
        }
        accuracies[r] = Accuracy(net, testInputs);
        line += $"  {total / train.Count,9:F4}  {accuracies[r] * 100,11:F2}%";
    }
    Console.WriteLine(line);
}

Console.WriteLine($"\nafter {Epochs} epochs: CNN {accuracies[0] * 100:F2}% vs MLP {accuracies[1] * 100:F2}% test accuracy " +
    $"with {cnn.ParameterCount()} vs {mlp.ParameterCount()} parameters");
Check($"the CNN reaches {accuracies[0] * 100:F2}% (>= 95%) on the held-out digits", accuracies[0] >= 0.95);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
