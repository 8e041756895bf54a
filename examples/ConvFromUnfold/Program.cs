// A convolution is a matrix multiply in disguise. Unfold (im2col) copies every window the filter
// visits into a column, so that each output pixel becomes one dot product between a filter row and
// a column:
//   cols = Unfold(x)          [N, C·kh·kw, L]   L = H_out·W_out windows, zeros where the window hangs over the padding
//   Wmat = w.Reshape(O, C·kh·kw)                 one row per output channel
//   y    = Wmat · cols + b     [N, O, L] → [N, O, H_out, W_out], the bias broadcast over the positions
// Built from those ops alone (no convolution anywhere), it agrees with Tensor.Conv2d in its values
// and in all three gradients, and GradCheck confirms the tape's gradients of the composition. The
// library's own Conv2d kernel runs the same im2col + GEMM per sample, with a hand-written backward.
using AutoGrad;
using AutoGrad.Checking;

int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"  [{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// Unequal sizes, strides, paddings and dilations on the two axes, so a swapped axis would show.
const int N = 2, C = 3, H = 7, W = 6, O = 4;
Size2 kernel = (3, 2), stride = (2, 1), padding = (1, 2), dilation = (1, 2);
int hOut = (H + 2 * padding.H - dilation.H * (kernel.H - 1) - 1) / stride.H + 1;
int wOut = (W + 2 * padding.W - dilation.W * (kernel.W - 1) - 1) / stride.W + 1;

var rng = new Generator(11);
var x = Tensor.Normal(rng, 0, 1, DType.Float64, N, C, H, W).RequireGrad();
var w = Tensor.Normal(rng, 0, 1, DType.Float64, O, C, kernel.H, kernel.W).RequireGrad();
var b = Tensor.Normal(rng, 0, 1, DType.Float64, O).RequireGrad();

Tensor ConvByUnfold(Tensor input, Tensor weight, Tensor bias)
{
    var cols = input.Unfold(kernel, dilation, padding, stride);                     // [N, C·kh·kw, L]
    var rows = weight.Reshape([weight.Shape[0], -1]);                                // [O, C·kh·kw]
    var y = Tensor.Matmul(rows, cols);                                               // [O, K]·[N, K, L] → [N, O, L]: the batch axis broadcasts
    return y.Reshape([input.Shape[0], weight.Shape[0], hOut, wOut]) + bias.Reshape([1, -1, 1, 1]);
}

Console.WriteLine($"x [{N}, {C}, {H}, {W}], w [{O}, {C}, {kernel.H}, {kernel.W}], b [{O}]; stride {stride}, padding {padding}, dilation {dilation}");
Console.WriteLine($"  Unfold(x): [{string.Join(", ", x.Unfold(kernel, dilation, padding, stride).Shape.ToArray())}]  ({C}·{kernel.H}·{kernel.W} taps × {hOut}·{wOut} windows)");
var composed = ConvByUnfold(x, w, b);
var library = Tensor.Conv2d(x, w, b, stride, padding, dilation);
Console.WriteLine($"  output: [{string.Join(", ", composed.Shape.ToArray())}] composed, [{string.Join(", ", library.Shape.ToArray())}] by Tensor.Conv2d");

// The gaps can be exactly 0: Conv2d's kernel adds the same products in the same order.
static double MaxGap(Tensor a, Tensor b) => (a - b).Abs().Max().Item();
double valueGap = MaxGap(composed, library);
Check($"the values agree (largest gap {valueGap:0.0e+0} < 1e-5)", composed.Shape.SequenceEqual(library.Shape) && valueGap < 1e-5);

// The gradients, for the same upstream gradient G: L = Σ G ⊙ y, so ∂L/∂y = G.
var g = Tensor.Normal(rng, 0, 1, DType.Float64, N, O, hOut, wOut);
(composed * g).Sum().Backward();
var (gx, gw, gb) = (x.Grad!.Clone(), w.Grad!.Clone(), b.Grad!.Clone());
x.ZeroGrad(); w.ZeroGrad(); b.ZeroGrad();
(library * g).Sum().Backward();
// What the composition's backward does: matmul's rule gives ∂L/∂cols = Wmatᵀ·G (each window's share
// of the gradient), Unfold's rule is Fold, which adds each column back onto the pixels it was copied
// from (overlapping windows add up); ∂L/∂Wmat = Σ_n G·colsᵀ, the sum over windows that weight sharing
// means; the bias's gradient is the broadcast undone, Σ of G over samples and positions.
foreach (var (name, mine, theirs) in new[] { ("x", gx, x.Grad!), ("w", gw, w.Grad!), ("b", gb, b.Grad!) })
{
    double gap = MaxGap(mine, theirs);
    Check($"∂L/∂{name} agrees with Tensor.Conv2d's (largest gap {gap:0.0e+0} < 1e-5)", gap < 1e-5);
}

// GradCheck: central differences against the tape's gradients of the composition, in float64.
var check = GradCheck.Run(p => ConvByUnfold(p[0], p[1], p[2]), [x.Detach().Clone().RequireGrad(), w.Detach().Clone().RequireGrad(), b.Detach().Clone().RequireGrad()]);
Console.WriteLine($"\ngradient check of the composed convolution with respect to x, w and b\n  {check}");
Check("the composition's gradients agree with finite differences", check.Passed);

Console.WriteLine(failures == 0 ? "All claims hold." : $"{failures} claim(s) failed.");
return failures == 0 ? 0 : 1;
