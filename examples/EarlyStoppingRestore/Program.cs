// Early stopping with restore of the best weights (note 003: train "until the performance on the
// validation set starts getting worse"). A network big enough to memorize its training set (MLP
// 64 -> 128 -> 10 on 200 digits, a quarter of their labels wrong) first learns what generalizes and
// then the noise: the validation loss falls, reaches a minimum, and climbs. EarlyStopping watches
// it after every epoch (here an epoch is one full-batch Adam step), keeps a copy of the weights
// whenever it improves (a ParameterSnapshot, buffers allocated once), stops after `patience`
// epochs without improvement, and RestoreBestWeights writes the best copy back into the same
// tensors. The example checks that the restored model is bit for bit the one a run stopped at the
// best epoch would have, and that it is the better model on test digits it never saw.
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// Seeds 1 to 6 give the same picture: the best epoch is 15-17, the restored model scores 82-88% on
// the test digits against 70-80% for the last weights.
const ulong seed = 1;
const int MaxEpochs = 300, Patience = 20;
var digits = EmbeddedDatasets.Digits();
var features = digits.Features / 16.0;
var (trainIdx, rest) = DataSplit.HoldoutIndices(digits.Count, 1 - 200.0 / digits.Count, new Generator(seed), digits.Labels);
var (validPart, testPart) = DataSplit.HoldoutIndices(rest.Length, 0.75, new Generator(seed + 1), [.. rest.Select(i => digits.Labels[i])]);
int[] validIdx = [.. validPart.Select(i => rest[i])], testIdx = [.. testPart.Select(i => rest[i])];
var noise = new Generator(seed + 2);
int[] noisy = [.. trainIdx.Select(r => noise.NextDouble() < 0.25 ? (digits.Labels[r] + 1 + noise.NextInt(9)) % 10 : digits.Labels[r])];
var train = new Dataset(features.IndexSelect(0, trainIdx), noisy, 10);
Dataset Clean(int[] rows) => new(features.IndexSelect(0, rows), [.. rows.Select(i => digits.Labels[i])], 10);
var (valid, test) = (Clean(validIdx), Clean(testIdx));
Console.WriteLine($"{train.Count} training digits ({trainIdx.Where((r, i) => noisy[i] != digits.Labels[r]).Count()} with a wrong label), {valid.Count} validation, {test.Count} test; MLP 64 -> 128 -> 10 (ReLU), Adam η = 0.01, full batch\n");

(double Loss, double Accuracy) Score(Module net, Dataset d)
{
    using var _ = Tape.NoGrad();
    var logits = net.Forward(d.Features);
    return (Metrics.LogLossFromLogits(logits, d.Labels), Metrics.Accuracy(logits, d.Labels));
}

// Trains for at most `epochs` epochs; with a stopper, stops early and restores its best weights.
(Sequential Net, Optimizer Optimizer, List<double> Valid, EarlyStopping? Stopper) Run(int epochs, bool earlyStopping)
{
    var net = Mlp.Create([64, 128, 10], Activation.ReLU, new Generator(seed + 3));
    var optimizer = new Adam(net, 0.01);
    var stopper = earlyStopping ? new EarlyStopping(Patience, model: net) : null;
    var guard = new DivergenceGuard(net);
    var history = new List<double>();
    for (int epoch = 1; epoch <= epochs; epoch++)
    {
        guard.BeginEpoch(epoch);
        optimizer.ZeroGrad();
        var loss = Loss.SoftmaxCrossEntropy(net.Forward(train.Features), train.Labels);
        guard.CheckLoss(loss.Item());
        loss.Backward();
        optimizer.Step();
        guard.CheckParameters();
        double v = Score(net, valid).Loss;
        history.Add(v);
        if (stopper is not null && stopper.Update(v)) break;
    }
    return (net, optimizer, history, stopper);
}

var (model, optimizer, history, es) = Run(MaxEpochs, earlyStopping: true);
var stopper = es!;
int stopEpoch = history.Count, bestEpoch = stopper.BestEpoch + 1;   // 1-based epochs
var last = Score(model, test);
var lastValid = Score(model, valid).Loss;
var parameters = model.Parameters().ToArray();
bool restored = stopper.RestoreBestWeights();
var best = Score(model, test);
double restoredValid = Score(model, valid).Loss;
foreach (int e in new[] { 1, 10, 25, bestEpoch, stopEpoch }.Distinct().Order())
    Console.WriteLine($"epoch {e,3}: validation loss {history[e - 1]:F4}{(e == bestEpoch ? "  <- best" : e == stopEpoch ? "  <- stopped" : "")}");
Console.WriteLine($"\nstopped after epoch {stopEpoch} ({Patience} epochs without improvement); restored the weights of epoch {bestEpoch}");
Console.WriteLine($"test digits: last weights loss {last.Loss:F4}, accuracy {last.Accuracy:P1}; restored best weights loss {best.Loss:F4}, accuracy {best.Accuracy:P1}\n");

// A run that simply stops at the best epoch, from the same initial weights on the same data.
var (reference, _, _, _) = Run(bestEpoch, earlyStopping: false);
bool identical = parameters.Zip(reference.Parameters()).All(p => p.First.ToFloatArray().SequenceEqual(p.Second.ToFloatArray()));

Check($"the validation loss falls and then climbs: {history[0]:F4} at epoch 1, {stopper.BestValue:F4} at epoch {bestEpoch}, {lastValid:F4} when it stopped (10% or more above its minimum)",
    stopper.BestValue < history[0] && lastValid >= 1.1 * stopper.BestValue);
Check($"it stopped exactly {Patience} epochs after the best one, long before the {MaxEpochs} allowed (epoch {stopEpoch})", stopEpoch == bestEpoch + Patience && stopEpoch < MaxEpochs);
Check($"RestoreBestWeights restores that epoch: the validation loss is {restoredValid:F6} again, exactly the best value recorded", restored && restoredValid == stopper.BestValue);
Check($"bit for bit: the restored weights equal those of a run trained for exactly {bestEpoch} epochs", identical);
Check("into the same tensors: the model's parameters are still the objects the optimizer updates", model.Parameters().Zip(optimizer.Parameters).All(p => ReferenceEquals(p.First, p.Second)));
Check($"the restored model is the better one on unseen digits: test loss {best.Loss:F4} < {last.Loss:F4}, accuracy {best.Accuracy:P1} > {last.Accuracy:P1} of the last weights",
    best.Loss < last.Loss && best.Accuracy > last.Accuracy);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
