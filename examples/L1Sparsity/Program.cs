// L1 gives sparse weights, L2 does not (note 001: L1 "drives small weights all the way to zero"). On y = x·w* + noise with 20 features of which only
// 4 matter, least squares gives every irrelevant feature a small weight (it fits the noise). An L2
// penalty (λ/2)·Σw² shrinks every weight in proportion, w ← w − η·λ·w, so a weight gets smaller but
// never 0. An L1 penalty λ·Σ|w| pulls every weight toward 0 by the same amount η·λ per step,
// whatever its size: a weight whose data gradient is weaker than λ is pulled all the way. The tape
// differentiates |w| as sign(w) (a subgradient), so plain gradient descent on the penalized loss
// leaves those weights hopping across 0 within about η·λ of it; the proximal step (gradient descent
// on the data loss, then soft thresholding w ← sign(w)·max(|w| − η·λ, 0)) lands them exactly on 0.
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.NN;
using AutoGrad.Optim;
using AutoGrad.Training;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// Seeds 1 to 7 give the same picture: the proximal L1 fit zeroes all 16 irrelevant weights at
// λ = 0.25 and keeps the 4 relevant ones; least squares and L2 zero none.
const ulong seed = 1;
const int N = 200, D = 20, Relevant = 4, Steps = 500;
const double Eta = 0.1, Lambda = 0.25;
var g = new Generator(seed);
var x = Tensor.Normal(g, 0, 1, DType.Float64, N, D);
double[] truth = [3, -2, 1.5, 1, .. new double[D - Relevant]];
var y = Tensor.Matmul(x, Tensor.From(DType.Float64, truth, D, 1)) + Tensor.Normal(g, 0, 1, DType.Float64, N, 1);

// Full-batch gradient descent on ½·mean((x·w + b − y)²) plus the penalty; `prox` soft-thresholds after each step.
double[] Fit(string penalty, double lambda, bool prox = false)
{
    var model = new Linear(D, 1, new Generator(seed + 1), dtype: DType.Float64);
    var optimizer = new Sgd(model, Eta);
    var guard = new DivergenceGuard(model);
    for (int step = 0; step < Steps; step++)
    {
        optimizer.ZeroGrad();
        var r = model.Forward(x) - y;
        var loss = 0.5 * (r * r).Mean();
        if (penalty == "l2") loss = loss + Regularization.L2Penalty(model, lambda);    // (λ/2)·Σw², the bias excluded
        if (penalty == "l1" && !prox) loss = loss + Regularization.L1Penalty(model, lambda);   // λ·Σ|w|
        guard.CheckLoss(loss.Item());
        loss.Backward();
        optimizer.Step();
        if (prox)
            using (Tape.NoGrad()) model.Weight.CopyFrom(model.Weight.Sign() * (model.Weight.Abs() - Eta * lambda).Relu());
        guard.CheckParameters();
    }
    return model.Weight.ToDoubleArray();
}

var fits = new (string Name, double[] W)[]
{
    ("least squares", Fit("none", 0)),
    ($"L2 λ={Lambda}", Fit("l2", Lambda)),
    ($"L1 λ={Lambda}, subgradient", Fit("l1", Lambda)),
    ($"L1 λ={Lambda}, proximal", Fit("l1", Lambda, prox: true)),
};
Console.WriteLine($"{N} rows, {D} features, w* = [3, -2, 1.5, 1, 0 × {D - Relevant}], noise N(0, 1); gradient descent η = {Eta}, {Steps} steps\n");
Console.WriteLine($"{"",-28}{"w1",7}{"w2",7}{"w3",7}{"w4",7}   largest |w| of the 16 irrelevant   exactly 0   |w| < 0.01");
foreach (var (name, w) in fits)
{
    var irrelevant = w[Relevant..];
    Console.WriteLine($"{name,-28}" + string.Concat(w[..Relevant].Select(v => $"{v,7:F3}")) + $"   {irrelevant.Max(Math.Abs).ToString("0.00e+0", System.Globalization.CultureInfo.InvariantCulture),33}   {irrelevant.Count(v => v == 0),9}   {irrelevant.Count(v => Math.Abs(v) < 0.01),10}");
}
var (none, l2, sub, prox) = (fits[0].W, fits[1].W, fits[2].W, fits[3].W);

Console.WriteLine("\nthe lasso path (proximal): weights left nonzero as λ grows");
double[] path = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2];
var kept = path.Select(l => Fit("l1", l, prox: true).Count(v => v != 0)).ToArray();
Console.WriteLine("   λ        " + string.Concat(path.Select(l => $"{l,6}")));
Console.WriteLine("   nonzero  " + string.Concat(kept.Select(k => $"{k,6}")) + "\n");

Check($"least squares gives every irrelevant feature a weight: none is 0 (the smallest |w| is {none[Relevant..].Min(Math.Abs):E1})", none[Relevant..].All(v => v != 0));
Check($"L2 shrinks but does not zero: none of its 16 irrelevant weights is 0 (smallest |w| {l2[Relevant..].Min(Math.Abs):E1})", l2[Relevant..].All(v => v != 0));
Check($"L1 with the proximal step sets at least 14 of the 16 irrelevant weights exactly to 0 ({prox[Relevant..].Count(v => v == 0)})", prox[Relevant..].Count(v => v == 0) >= 14);
Check($"L1 by the subgradient leaves at least 14 of them within 2ηλ = {2 * Eta * Lambda} of 0 ({sub[Relevant..].Count(v => Math.Abs(v) <= 2 * Eta * Lambda)}), not exactly on it",
    sub[Relevant..].Count(v => Math.Abs(v) <= 2 * Eta * Lambda) >= 14 && sub[Relevant..].All(v => v != 0));
Check($"and L1 keeps the 4 features that matter: all four weights within λ + 0.3 of w* and of its sign", Enumerable.Range(0, Relevant).All(i => Math.Abs(prox[i] - truth[i]) <= Lambda + 0.3 && Math.Sign(prox[i]) == Math.Sign(truth[i])));
Check($"a stronger penalty keeps fewer weights: {kept[0]} nonzero at λ = {path[0]}, {kept[^1]} at λ = {path[^1]}", kept[^1] < kept[0] && kept[^1] <= Relevant);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
