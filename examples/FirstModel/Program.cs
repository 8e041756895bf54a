// A first model: a small multilayer perceptron that reads the embedded 8×8 handwritten digits.
// It exits with code 0 when the test accuracy is above 90%.
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

var gen = new Generator(42); // every random choice below flows from this seed
var (train, test) = DataSplit.Holdout(EmbeddedDatasets.Digits(), 0.2, gen, stratified: true);
var scaler = Standardizer.Fit(train); // feature means and deviations of the training rows only
(train, test) = (scaler.Transform(train), scaler.Transform(test));

var model = Mlp.Create([64, 32, 10], Activation.ReLU, gen); // 64 pixels -> 32 hidden units -> 10 logits
var optimizer = new Adam(model, learningRate: 0.01);
var batches = new DataLoader(train, batchSize: 32, gen); // reshuffled every epoch

for (int epoch = 1; epoch <= 10; epoch++)
{
    double total = 0;
    foreach (var (x, y) in batches)
    {
        optimizer.ZeroGrad();
        var loss = Loss.SoftmaxCrossEntropy(model.Forward(x), y); // mean of −log softmax(z)_label
        loss.Backward();                                           // gradients from the tape
        optimizer.Step();
        total += loss.Item() * y.Length;
    }
    Console.WriteLine($"epoch {epoch,2}: training loss {total / train.Count:F4}");
}

model.Eval();
double accuracy;
using (Tape.NoGrad()) accuracy = Metrics.Accuracy(model.Forward(test.Features), test.Labels);
Console.WriteLine($"test accuracy: {accuracy * 100:F2}%");
return accuracy > 0.9 ? 0 : 1;
