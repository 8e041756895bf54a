using System.Text;
using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>
/// The chain rule from a loss to one parameter, as <see cref="Explain.Gradient"/> traced it.
/// <see cref="ToString"/> is the readable trace; it prints file names and lines, never full
/// paths, and numbers to six significant digits, so it is stable across machines.
/// </summary>
public sealed class GradientTrace
{
    private readonly string _lossText, _parameterText;

    internal GradientTrace(Tensor loss, Tensor parameter, string parameterLabel, int recorded, IReadOnlyList<TraceStep> steps, Tensor gradient, int contributions)
    {
        ParameterLabel = parameterLabel;
        Recorded = recorded;
        Steps = steps;
        Gradient = gradient;
        Contributions = contributions;
        _lossText = $"{loss.DType.Name()} {Shapes.Format(loss.ShapeArray)} = {DebugText.Num(loss.GetFlat(0))}";
        _parameterText = $"{parameterLabel} {parameter.DType.Name()} {Shapes.Format(parameter.ShapeArray)}";
    }

    /// <summary>The parameter's name, or <c>leaf</c>.</summary>
    public string ParameterLabel { get; }

    /// <summary>Number of ops in the loss's graph (the steps are those on a path to the parameter).</summary>
    public int Recorded { get; }

    /// <summary>The ops on paths from the loss to the parameter, in the order backward applies them (latest first).</summary>
    public IReadOnlyList<TraceStep> Steps { get; }

    /// <summary>∂loss/∂parameter: the sum of the gradients the steps sent to the parameter.</summary>
    public Tensor Gradient { get; }

    /// <summary>How many ops read the parameter directly (its gradient is the sum of their contributions).</summary>
    public int Contributions { get; }

    /// <summary>The trace as text: a header, one paragraph per step, and the resulting gradient.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append($"Chain rule for ∂loss/∂{ParameterLabel}: loss {_lossText}; {_parameterText}.\n");
        sb.Append($"{Steps.Count} of {Recorded} recorded ops lie on a path from the loss to {ParameterLabel}; backward applies them from the loss down:\n");
        int k = 0;
        foreach (var s in Steps)
        {
            sb.Append($"\nstep {++k}: #{s.Number} {TapeGraph.OpName(s.Node)} at {s.Site}\n");
            if (s.Rule is not null) sb.Append($"  {s.Rule}\n");
            var inShapes = string.Join(", ", s.Node.Inputs.Select(t => Shapes.Format(t.ShapeArray)));
            sb.Append($"  shapes: {inShapes} -> {Shapes.Format(s.Node.OutputShape)}\n");
            if (s.UpstreamNorm is not { } up)
            {
                sb.Append("  no gradient reaches this op\n");
                continue;
            }
            sb.Append($"  gradient arriving at the output: {new GradientSummary(up, s.UpstreamValues)}\n");
            foreach (var e in s.Edges)
            {
                sb.Append($"  sends to input {e.Input} ({e.Label}, {Shapes.Format(e.Shape)}): {new GradientSummary(e.GradientNorm, e.Values)}");
                if (e.SummedAxes.Length > 0)
                    sb.Append($"; broadcast {Shapes.Format(e.Shape)} -> {Shapes.Format(s.Node.OutputShape)}, so summed over axis{(e.SummedAxes.Length == 1 ? "" : "es")} {string.Join(", ", e.SummedAxes)}");
                sb.Append('\n');
            }
        }
        sb.Append($"\nResult: ∂loss/∂{ParameterLabel} = {DebugText.Values(Gradient, 24)} (norm {DebugText.Num(DebugText.Norm(Gradient))}), ");
        sb.Append(Contributions == 1 ? "from 1 op that reads it." : $"the sum of {Contributions} contributions from the ops that read it.");
        if (Steps.Any(s => !s.Site.IsKnown)) sb.Append("\nSome ops have no known source line. ").Append(DebugText.UnknownSiteAdvice);
        return sb.ToString();
    }
}
