// Forward mode and reverse mode, side by side, checked against the derivations of the lecture
// notes (001: softmax and the log-likelihood cost; 000/001: the sigmoid unit).
//
// Reverse mode gives vᵀ·J (one backward pass per output), forward mode gives J·v (one forward pass
// with dual tensors per input direction). A Jacobian therefore costs m backward passes or n forward
// passes for f: Rⁿ → Rᵐ, and a Hessian-vector product is cheapest forward over reverse: the
// derivative of the gradient along v, in the same backward pass that computes the gradient.
//
// 1. The softmax Jacobian. The notes derive ∂a_k/∂z_j = a_k(y_j − a_j) with y_j = [j = k], that is
//    J = diag(a) − a·aᵀ. Computed column by column in forward mode (JacobianForward) and row by
//    row in reverse mode (Jacobian), both equal the formula.
// 2. The Hessian of the log-likelihood cost C = −log a_k. The notes' result ∂C/∂z = a − y
//    differentiates once more to ∂²C/∂z² = ∂a/∂z = diag(a) − a·aᵀ: the softmax Jacobian again.
//    Forward over reverse (Hessian) and reverse over reverse (HessianReverse) both give it.
// 3. The sigmoid unit with the log loss: ∂C/∂w = (σ(z) − y)·x (the notes' cancellation of
//    σ'(z) = σ(z)(1 − σ(z))), hence ∂²C/∂w² = σ(z)(1 − σ(z))·x·xᵀ. The Hessian-vector product
//    forward over reverse equals that matrix times v.
// 4. The cost argument on a map R⁴ → R⁵⁰⁰: JacobianForward needs 4 passes, Jacobian 500, and the
//    wall-clock times follow (printed, not asserted).
using System.Diagnostics;
using AutoGrad;
using AutoGrad.Autograd;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

var f64 = DType.Float64;
double MaxDiff(Tensor a, Tensor b) => a.ToDoubleArray().Zip(b.ToDoubleArray(), (p, q) => Math.Abs(p - q)).Max();

// 1. Softmax Jacobian
Console.WriteLine("1. The softmax Jacobian, J = diag(a) − a·aᵀ (notes 001: ∂a_k/∂z_j = a_k(y_j − a_j))");
var z = Tensor.From(f64, [1.0, 2.0, 0.5, -1.0]);
int n = z.Numel;
var a = z.Softmax(0).ToDoubleArray();
var byHand = new double[n * n];
for (int k = 0; k < n; k++)
    for (int j = 0; j < n; j++) byHand[k * n + j] = a[k] * ((k == j ? 1 : 0) - a[j]);
var hand = Tensor.From(f64, byHand, n, n);
var jForward = Derivatives.JacobianForward(t => t.Softmax(0), z);
var jReverse = Derivatives.Jacobian(t => t.Softmax(0), z);
Console.WriteLine($"  a = softmax(z) = [{string.Join(", ", a.Select(v => v.ToString("F4")))}]");
Console.WriteLine($"  J by hand:\n{hand}");
Check($"forward mode (4 dual passes, one per column) equals the formula: max |Δ| = {MaxDiff(jForward, hand):E1}", MaxDiff(jForward, hand) < 1e-14);
Check($"reverse mode (4 backward passes, one per row) equals the formula: max |Δ| = {MaxDiff(jReverse, hand):E1}", MaxDiff(jReverse, hand) < 1e-14);
var v = Tensor.From(f64, [0.5, -1.0, 2.0, 0.25]);
var (_, jv) = Derivatives.Jvp(t => t.Softmax(0), z, v);
Check($"one forward pass gives J·v without forming J: max |Δ| = {MaxDiff(jv, Tensor.Matmul(hand, v)):E1}", MaxDiff(jv, Tensor.Matmul(hand, v)) < 1e-14);

// 2. Hessian of the log-likelihood cost
Console.WriteLine("\n2. The Hessian of C = −log a_k: ∂C/∂z = a − y, so ∂²C/∂z² = diag(a) − a·aᵀ");
const int label = 1;
Tensor Cost(Tensor t) => -t.LogSoftmax(0).Select(0, label);
var grad = Derivatives.Grad(Cost, z).ToDoubleArray();
var aMinusY = a.Select((v, j) => v - (j == label ? 1 : 0)).ToArray();
Check($"the gradient is a − y: max |Δ| = {grad.Zip(aMinusY, (p, q) => Math.Abs(p - q)).Max():E1}", grad.Zip(aMinusY, (p, q) => Math.Abs(p - q)).Max() < 1e-14);
var hForward = Derivatives.Hessian(Cost, z);
var hReverse = Derivatives.HessianReverse(Cost, z);
Check($"forward over reverse (one dual backward per column) equals diag(a) − a·aᵀ: max |Δ| = {MaxDiff(hForward, hand):E1}", MaxDiff(hForward, hand) < 1e-14);
Check($"reverse over reverse (a recorded backward, then one backward per row) equals it too: max |Δ| = {MaxDiff(hReverse, hand):E1}", MaxDiff(hReverse, hand) < 1e-14);

// 3. The sigmoid unit
Console.WriteLine("\n3. The sigmoid unit with the log loss: ∂C/∂w = (σ − y)·x, ∂²C/∂w² = σ(1 − σ)·x·xᵀ");
var x = Tensor.From(f64, [1.0, 0.5, -2.0]);   // the first feature is the dummy 1 (the bias)
var w = Tensor.From(f64, [0.2, -0.4, 0.3]);
const double y = 1;
Tensor LogLoss(Tensor wt)
{
    var o = (wt * x).Sum().Sigmoid();
    return -(o.Log() * y + (1.0 - o).Log() * (1 - y));
}
double s = 1 / (1 + Math.Exp(-(0.2 * 1 + -0.4 * 0.5 + 0.3 * -2.0)));
var xs = x.ToDoubleArray();
var u = Tensor.From(f64, [1.0, -1.0, 0.5]);
var us = u.ToDoubleArray();
double xu = xs.Zip(us, (p, q) => p * q).Sum();
var hvByHand = Tensor.From(f64, [.. xs.Select(xi => s * (1 - s) * xi * xu)]);
var gradW = Derivatives.Grad(LogLoss, w);
var gradByHand = Tensor.From(f64, [.. xs.Select(xi => (s - y) * xi)]);
Check($"the gradient is (σ − y)·x with σ = {s:F4}: max |Δ| = {MaxDiff(gradW, gradByHand):E1}", MaxDiff(gradW, gradByHand) < 1e-14);
var hv = Derivatives.HessianVectorProduct(LogLoss, w, u);
Check($"H·u forward over reverse equals σ(1 − σ)·x·(xᵀu): max |Δ| = {MaxDiff(hv, hvByHand):E1}", MaxDiff(hv, hvByHand) < 1e-14);
var hvReverse = Derivatives.HessianVectorProductReverse(LogLoss, w, u);
Check($"and reverse over reverse agrees: max |Δ| = {MaxDiff(hvReverse, hv):E1}", MaxDiff(hvReverse, hv) < 1e-14);

// 4. The cost argument: few inputs, many outputs
Console.WriteLine("\n4. Few inputs, many outputs: f(p) = tanh(W·p) with W of 500 × 4");
var wide = Tensor.Normal(new Generator(3), 0, 1, f64, 500, 4);
var p0 = Tensor.From(f64, [0.1, -0.2, 0.3, 0.05]);
Tensor Wide(Tensor t) => Tensor.Matmul(wide, t).Tanh();
Derivatives.JacobianForward(Wide, p0); Derivatives.Jacobian(Wide, p0);   // warm up the JIT
var sw = Stopwatch.StartNew();
var jf = Derivatives.JacobianForward(Wide, p0);
double forwardMs = sw.Elapsed.TotalMilliseconds;
sw.Restart();
var jr = Derivatives.Jacobian(Wide, p0);
double reverseMs = sw.Elapsed.TotalMilliseconds;
Console.WriteLine($"  JacobianForward: 4 forward passes, {forwardMs:F2} ms; Jacobian: 500 backward passes, {reverseMs:F2} ms");
Check($"the two Jacobians agree: max |Δ| = {MaxDiff(jf, jr):E1}", MaxDiff(jf, jr) < 1e-14);
Console.WriteLine($"  forward mode took {reverseMs / forwardMs:F0}× less time here (n = 4 inputs ≪ m = 500 outputs)");

Console.WriteLine(failures == 0 ? "\nall claims hold" : $"\n{failures} claim(s) FAILED");
return failures == 0 ? 0 : 1;
