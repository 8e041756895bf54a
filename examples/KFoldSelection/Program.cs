// k-fold cross-validation for choosing a hyperparameter (note 001): with few labelled examples, a
// single holdout split wastes data and gives a noisy estimate. Split the training rows into k folds;
// for each candidate value train k times, each time on k − 1 folds, and score the fold left out;
// every row is scored exactly once, by a model that never saw it. Pick the value with the best mean
// validation score, retrain on all the training rows with it, and only then look at the test set.
//
// Here the hyperparameter is the strength λ of an L2 penalty (λ/2)·Σw² on softmax regression
// (64 -> 10, full-batch Adam) trained on only 250 digits (DataSplit.KFoldIndices, stratified: every fold has the classes in
// the same proportions), and the remaining 1,547 digits are the test set that judges the choice.
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

// Seeds 1 to 8 give the same picture: CV chooses λ between 0.001 and 0.03, within 2.2 points of the
// best test accuracy of the grid (exactly the best for five of them), and CV and test differ by at
// most 1.5 to 4.8 points over the grid.
const ulong seed = 1;
const int K = 5, Steps = 100, TrainRows = 250;
double[] lambdas = [0, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1, 3];

var digits = EmbeddedDatasets.Digits();
var (trainIdx, testIdx) = DataSplit.HoldoutIndices(digits.Count, 1 - (double)TrainRows / digits.Count, new Generator(seed), digits.Labels);
var features = digits.Features / 16.0;   // pixels 0..16 -> 0..1
var train = new Dataset(features.IndexSelect(0, trainIdx), [.. trainIdx.Select(i => digits.Labels[i])], 10);
var test = new Dataset(features.IndexSelect(0, testIdx), [.. testIdx.Select(i => digits.Labels[i])], 10);

// Full-batch Adam on the data loss plus the penalty; returns the trained network.
Sequential Fit(Dataset data, double lambda)
{
    var net = new Sequential(new Linear(64, 10, new Generator(seed + 7)));
    var optimizer = new Adam(net, 0.05);
    var guard = new DivergenceGuard(net);
    for (int step = 0; step < Steps; step++)
    {
        optimizer.ZeroGrad();
        var loss = Loss.SoftmaxCrossEntropy(net.Forward(data.Features), data.Labels);
        if (lambda > 0) loss = loss + Regularization.L2Penalty(net, lambda);
        guard.AfterStep(loss.Item());
        loss.Backward();
        optimizer.Step();
    }
    return net;
}

double Accuracy(Sequential net, Dataset data)
{
    using var _ = Tape.NoGrad();
    return Metrics.Accuracy(net.Forward(data.Features), data.Labels);
}

// The folds: stratified, so each of the 5 folds of 50 rows has about 5 digits of each class.
var folds = DataSplit.KFoldIndices(train.Count, K, new Generator(seed + 3), train.Labels);
var validatedOnce = new int[train.Count];
foreach (var f in folds) foreach (int i in f.Validation) validatedOnce[i]++;
bool disjoint = folds.All(f => !f.Train.Intersect(f.Validation).Any() && f.Train.Length + f.Validation.Length == train.Count);
var perClass = folds.Select(f => Enumerable.Range(0, 10).Select(c => f.Validation.Count(i => train.Labels[i] == c)).ToArray()).ToArray();
int spread = Enumerable.Range(0, 10).Max(c => perClass.Max(p => p[c]) - perClass.Min(p => p[c]));
Console.WriteLine($"{train.Count} training digits in {K} folds of {string.Join(", ", folds.Select(f => f.Validation.Length))}; {test.Count} test digits");
Console.WriteLine($"digits of class 0..9 in each fold: {string.Join(" | ", perClass.Select(p => string.Join(" ", p)))}\n");

Console.WriteLine($"{"λ",8}  {"fold accuracies",-40}{"CV mean",9}{"test (retrained on all 250)",30}");
var cv = new double[lambdas.Length];
var testAcc = new double[lambdas.Length];
for (int j = 0; j < lambdas.Length; j++)
{
    var scores = folds.Select(f => Accuracy(Fit(train.Subset(f.Train), lambdas[j]), train.Subset(f.Validation))).ToArray();
    cv[j] = scores.Average();
    // Only to show how the choice fares: a real selection looks at the test set once, for the chosen λ.
    testAcc[j] = Accuracy(Fit(train, lambdas[j]), test);
    Console.WriteLine($"{lambdas[j],8:G3}  {string.Join(" ", scores.Select(s => $"{s,6:P0}")),-40}{cv[j],9:P1}{testAcc[j],30:P1}");
}
int chosen = Array.IndexOf(cv, cv.Max());
int bestTest = Array.IndexOf(testAcc, testAcc.Max());
Console.WriteLine($"\ncross-validation chooses λ = {lambdas[chosen]:G3} (CV {cv[chosen]:P1}); retrained on all {train.Count} rows it scores {testAcc[chosen]:P1} on the test digits; the best λ on the test set would have been {lambdas[bestTest]:G3} ({testAcc[bestTest]:P1})\n");

Check($"the folds split the training rows: every row is validated exactly once, and no fold validates a row it trained on", validatedOnce.All(c => c == 1) && disjoint);
Check($"the folds are stratified: a class's count differs by at most 1 between folds (largest difference {spread})", spread <= 1);
Check($"too strong a penalty underfits: λ = {lambdas[^1]:G3} scores {cv[^1]:P1} in cross-validation, 10 points or more below the best ({cv[chosen]:P1})", cv[^1] <= cv[chosen] - 0.10);
double track = lambdas.Select((_, j) => Math.Abs(cv[j] - testAcc[j])).Max();
Check($"the CV estimates track the test accuracies over the whole grid: they differ by at most {track * 100:F1} points (≤ 6)", track <= 0.06);
Check($"cross-validation picks a good λ: its test accuracy {testAcc[chosen]:P1} is within 2.5 points of the best any λ of the grid reaches ({testAcc[bestTest]:P1})", testAcc[chosen] >= testAcc[bestTest] - 0.025);
Check($"and its CV estimate {cv[chosen]:P1} is within 4 points of what the chosen model scores on unseen digits ({testAcc[chosen]:P1})", Math.Abs(cv[chosen] - testAcc[chosen]) <= 0.04);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
