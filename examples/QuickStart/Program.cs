// The README's first example: define a function with tensor ops, backpropagate, read the
// gradient, compare it with the hand-derived formula, and gradcheck it.
using AutoGrad;
using AutoGrad.Checking;

// f(x, w) = Σ log σ(x·w), written with tensor ops: the tape records them.
var x = Tensor.From(DType.Float64, [1, 2, -1, 0.5, 3, -2], 3, 2);
var w = Tensor.From(DType.Float64, [0.3, -0.7], 2).RequireGrad();
var f = Tensor.Matmul(x, w).Sigmoid().Log().Sum();

f.Backward();                      // walks the tape in reverse
Console.WriteLine(f.Item());       // the value
Console.WriteLine(w.Grad);         // df/dw = Σ_i (1 − σ(x_i·w)) x_i

// The same derivative by hand, for comparison.
var byHand = Tensor.Matmul((1.0 - Tensor.Matmul(x, w.Detach()).Sigmoid()).Unsqueeze(0), x).Squeeze(0);
Console.WriteLine(byHand);

// Check the tape against central finite differences (computed in float64).
var result = GradCheck.Run(ws => Tensor.Matmul(x, ws).Sigmoid().Log().Sum(),
                           Tensor.From(DType.Float64, [0.3, -0.7], 2).RequireGrad());
Console.WriteLine(result);         // "GradCheck passed: 2 Jacobian entries agree ..."
return result.Passed ? 0 : 1;
