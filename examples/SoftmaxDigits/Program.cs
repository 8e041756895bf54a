// Softmax regression with the log-likelihood cost on the embedded handwritten digits (8×8 images,
// 10 classes). With logits z = x·W + b and a = softmax(z), a_j = e^{z_j} / Σ_k e^{z_k}, the cost of
// an example of class k is C = −log a_k, and (note 001 L486-494, note 002 L728, note 003 L1079)
//   ∂C/∂z_j = a_j − y_j          (y = the one-hot label),   so   ∂C/∂W = xᵀ(a − y).
// The tape's gradient at the logits is compared with a − y, the weight gradient with xᵀ(a − y)/N,
// and the model is then trained and scored on held-out digits it never saw.
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.Checking;
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
static double MaxDiff(Tensor a, Tensor b) => a.ToDoubleArray().Zip(b.ToDoubleArray()).Max(p => Math.Abs(p.First - p.Second));
static string Row(Tensor t) => string.Join(" ", t.ToDoubleArray().Select(v => v.ToString("+0.000;-0.000")));

var gen = new Generator(5);
var digits = EmbeddedDatasets.Digits();
var (train, holdout) = DataSplit.Holdout(digits, 0.25, gen, stratified: true);
var scaler = Standardizer.Fit(train); // statistics of the training rows only
(train, holdout) = (scaler.Transform(train), scaler.Transform(holdout));
Console.WriteLine($"digits: {digits.Count} images of {digits.FeatureCount} pixels, {train.Count} for training, {holdout.Count} held out");
var model = new SoftmaxRegression(digits.FeatureCount, digits.ClassCount, gen);

// 1. The gradient at the logits, on a batch of 4 training images.
Console.WriteLine("\n1. ∂C/∂z for C = −log a_label, at the untrained model");
int[] rows = [0, 1, 2, 3];
var xb = train.Features.IndexSelect(0, rows);
int[] labels = [.. rows.Select(r => train.Labels[r])];
var z = model.Forward(xb).Detach().To(DType.Float64).RequireGrad(); // the logits, as a leaf
var cost = Loss.SoftmaxCrossEntropy(z, labels, Reduction.Sum);     // Σ −log a_label
cost.Backward();
var a = z.Detach().Softmax(1);
var y = Tensor.OneHot(labels, 10, DType.Float64);
Console.WriteLine($"  first image, label {labels[0]}: C = −log a_{labels[0]} = {-Math.Log(a[0, labels[0]]):F4}");
Console.WriteLine($"    a − y    {Row((a - y).Select(0, 0))}");
Console.WriteLine($"    the tape {Row(z.Grad!.Select(0, 0))}");
Check($"the tape's ∂C/∂z is softmax(z) − one-hot(label) for every image (largest gap {MaxDiff(a - y, z.Grad!):0.0e+0})", MaxDiff(a - y, z.Grad!) < 1e-12);
var logitCheck = GradCheck.Run(logits => Loss.SoftmaxCrossEntropy(logits, labels, Reduction.Sum), z.Detach().Clone().RequireGrad());
Check($"and agrees with finite differences ({logitCheck})", logitCheck.Passed);

// Through the layer: the mean cost over the batch has ∂C/∂W = xᵀ(a − y)/N.
model.ZeroGrad();
model.Loss(xb, labels).Backward(); // mean over the 4 images
Tensor expected;
using (Tape.NoGrad()) expected = Tensor.Matmul(xb.T, (a - y).To(DType.Float32)) / 4.0;
Check($"∂C/∂W = xᵀ(a − y)/N, as the tape computes it (largest gap {MaxDiff(expected, model.Linear.Weight.Grad!):0.0e+0}, float32)",
    MaxDiff(expected, model.Linear.Weight.Grad!) < 1e-5);

// 2. Training: minibatch SGD with momentum, then the held-out accuracy.
Console.WriteLine("\n2. training: minibatches of 32, Momentum(η = 0.05, γ = 0.9)");
var optimizer = new Momentum(model, learningRate: 0.05, gamma: 0.9);
var loader = new DataLoader(train, batchSize: 32, gen);
double Accuracy(Dataset d)
{
    using (Tape.NoGrad()) return Metrics.Accuracy(model.Forward(d.Features), d.Labels);
}
double LogLoss(Dataset d)
{
    using (Tape.NoGrad()) return Metrics.LogLossFromLogits(model.Forward(d.Features), d.Labels);
}
Console.WriteLine("  epoch   training loss   holdout loss   holdout accuracy");
for (int epoch = 1; epoch <= 15; epoch++)
{
    foreach (var (xBatch, yBatch) in loader)
    {
        optimizer.ZeroGrad();
        model.Loss(xBatch, yBatch).Backward();
        optimizer.Step();
    }
    if (epoch is 1 or 2 or 5 or 10 or 15)
        Console.WriteLine($"  {epoch,5}   {LogLoss(train),13:F4}   {LogLoss(holdout),12:F4}   {Accuracy(holdout) * 100,15:F2}%");
}
using (Tape.NoGrad())
    Console.WriteLine(ConfusionMatrix.FromScores(model.Forward(holdout.Features), holdout.Labels, holdout.ClassNames));
double accuracy = Accuracy(holdout);
Check($"held-out accuracy {accuracy * 100:F2}% ≥ 95% for a linear model on standardized pixels (the bar DigitsAcceptanceTests sets for SoftmaxRegression)", accuracy >= 0.95);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
