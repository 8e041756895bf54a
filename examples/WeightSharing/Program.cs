// Weight sharing made visible. A convolution applies the same filter at every position of the
// image, so the filter's gradient is a sum over positions: dL/dW[a, b] = Σ_{i,j} G[i, j]·x[i + a, j + b],
// where G = dL/dy is the gradient arriving at output position (i, j) and x[i + a, j + b] is the
// pixel under filter tap (a, b) there. The tape's gradient is checked against that hand derivation.
// Then the same layer without sharing (a locally connected layer: one 3×3 filter per position,
// built from Unfold) gets one gradient per position, and their sum is the shared filter's gradient.
using AutoGrad;
using AutoGrad.Autograd;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

var rng = new Generator(7);
const int H = 5, W = 5, K = 3, Out = H - K + 1; // a 5×5 image, a 3×3 filter, a 3×3 output
var x = Tensor.Normal(rng, 0, 1, DType.Float64, 1, 1, H, W);
var filter = Tensor.Normal(rng, 0, 1, DType.Float64, 1, 1, K, K).RequireGrad();
var g = Tensor.Normal(rng, 0, 1, DType.Float64, 1, 1, Out, Out); // the upstream gradient G

// L = Σ G ⊙ conv2d(x, W), so dL/dy = G exactly.
var y = Tensor.Conv2d(x, filter);
(y * g).Sum().Backward();
var tape = filter.Grad!.ToDoubleArray();

// The hand derivation: one sum over the Out × Out positions where the filter was applied.
var px = x.ToDoubleArray();
var pg = g.ToDoubleArray();
var hand = new double[K * K];
for (int a = 0; a < K; a++)
    for (int b = 0; b < K; b++)
        for (int i = 0; i < Out; i++)
            for (int j = 0; j < Out; j++)
                hand[a * K + b] += pg[i * Out + j] * px[(i + a) * W + (j + b)];

void Print(string title, double[] m)
{
    Console.WriteLine(title);
    for (int a = 0; a < K; a++) Console.WriteLine("    " + string.Join("  ", Enumerable.Range(0, K).Select(b => $"{m[a * K + b],8:F4}")));
}
Print("the shared filter's gradient from the tape:", tape);
Print("Σ over the 9 positions of G[i, j]·(patch at (i, j)), by hand:", hand);
Check("the tape's filter gradient equals the hand sum over positions (to 1e-12)", tape.Zip(hand).All(p => Math.Abs(p.First - p.Second) < 1e-12));

// The same layer without sharing: Unfold lays each 3×3 patch out as a column, [1, 9 taps, 9 positions];
// each position p gets its own copy of the filter, a row of perPosition [9 positions, 9 taps].
var patches = x.Unfold(K).Select(0, 0);                                           // [taps, positions]
var perPosition = filter.Detach().Reshape([1, K * K]).Expand([Out * Out, K * K]).Clone().RequireGrad();
var yLocal = (perPosition * patches.Transpose(0, 1)).Sum(1).Reshape([1, 1, Out, Out]);
Check("with every copy equal to the shared filter, the locally connected layer computes the same output",
    yLocal.ToDoubleArray().Zip(y.ToDoubleArray()).All(p => Math.Abs(p.First - p.Second) < 1e-12));
(yLocal * g).Sum().Backward();
var local = perPosition.Grad!.ToDoubleArray();                                     // one 3×3 gradient per position
Console.WriteLine("\nunshared: each position's filter gets its own gradient G[i, j]·(patch at (i, j)); two of the nine:");
Print($"  position (0, 0), G = {pg[0]:F4}:", local[..(K * K)]);
Print($"  position (2, 2), G = {pg[^1]:F4}:", local[^(K * K)..]);
var summed = new double[K * K];
for (int p = 0; p < Out * Out; p++)
    for (int t = 0; t < K * K; t++) summed[t] += local[p * K * K + t];
var patchValues = patches.ToDoubleArray();                                          // [taps, positions], row-major
bool eachIsItsOwnTerm = true;
for (int p = 0; p < Out * Out; p++)
    for (int t = 0; t < K * K; t++)
        eachIsItsOwnTerm &= Math.Abs(local[p * K * K + t] - pg[p] * patchValues[t * Out * Out + p]) < 1e-12;
Check("each position's gradient is exactly its own term G[i, j]·(patch at (i, j)) of the hand sum", eachIsItsOwnTerm);
Check("the nine per-position gradients differ from one another", local[..(K * K)].Zip(local[^(K * K)..]).Any(p => Math.Abs(p.First - p.Second) > 1e-6));
Check("summed over the positions they are the shared filter's gradient (to 1e-12)", summed.Zip(tape).All(p => Math.Abs(p.First - p.Second) < 1e-12));
Console.WriteLine($"\nSharing ties {Out * Out} copies of {K * K} weights into one: {K * K} parameters instead of {Out * Out * K * K}, and each update uses the evidence of every position.");

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
