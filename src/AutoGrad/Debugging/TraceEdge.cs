namespace AutoGrad.Debugging;

/// <summary>One gradient an op's backward sends to an input on the way to the parameter.</summary>
/// <param name="Input">The input's position in the op's argument list.</param>
/// <param name="Label">The parameter's name, <c>#k op</c> for another op's output.</param>
/// <param name="Shape">The input's shape (and so the gradient's).</param>
/// <param name="GradientNorm">‖∂loss/∂input‖ as sent by this op (before other consumers' contributions are added).</param>
/// <param name="SummedAxes">Output axes the gradient was summed over because the input was broadcast (empty if none).</param>
/// <param name="Values">The gradient's values when it has at most 4 elements, as text; null otherwise.</param>
public sealed record TraceEdge(int Input, string Label, int[] Shape, double GradientNorm, int[] SummedAxes, string? Values);
