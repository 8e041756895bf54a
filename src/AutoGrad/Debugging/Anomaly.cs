using AutoGrad.Autograd;

namespace AutoGrad.Debugging;

/// <summary>
/// Anomaly mode: inside <c>using (Anomaly.Detect()) { ... }</c> the first non-finite value (NaN,
/// ±∞) that a recorded op produces in the forward pass, or that a backward rule produces for an
/// input gradient, throws an <see cref="AnomalyException"/> naming the op, the source line that
/// recorded it, the shapes and the offending elements.
/// </summary>
/// <remarks>
/// <para>The mode is a scope that flows with async/await like <see cref="Tape.NoGrad"/>, not a
/// global switch: tests and requests running in parallel never see each other's setting, and
/// leaving the scope always turns it off. When no scope is open anywhere, the forward and backward
/// passes pay one read of a static integer per op.</para>
/// <para>The forward check sees ops that are recorded (an input requires grad and the tape is
/// recording); values computed under <see cref="Tape.NoGrad"/> or from constants only are not
/// checked. Some models produce infinities on purpose: <c>Tensor.Where(x &gt; 0, x.Log(), 0)</c>
/// computes log(0) = −∞ in the branch it then discards, and the gradient stays finite. Forward
/// checking reports such ops; use <c>Anomaly.Detect(AnomalyChecks.Backward)</c> to watch only
/// the gradients.</para>
/// </remarks>
public static class Anomaly
{
    private static readonly BackwardCheck s_backward = new();

    /// <summary>
    /// Opens an anomaly-detection scope; dispose it to restore the previous setting. Nested scopes
    /// replace the checks of the outer one until disposed.
    /// </summary>
    /// <param name="checks">Which passes to check (default both).</param>
    public static IDisposable Detect(AnomalyChecks checks = AnomalyChecks.All) =>
        Tape.Attach(checks == AnomalyChecks.None ? null : new Observer(checks));

    /// <summary>The checks in force in the current async flow.</summary>
    public static AnomalyChecks Current => Tape.Observer is Observer o ? o.Checks : AnomalyChecks.None;

    /// <summary>Turns checking off in a scope (the local check replays ops on purpose at odd points).</summary>
    internal static IDisposable Suspend() => Tape.Attach(null);

    /// <summary>Anomaly mode as the tape sees it: a check after each recorded op and each backward step.</summary>
    private sealed class Observer(AnomalyChecks checks) : ITapeObserver
    {
        public AnomalyChecks Checks => checks;

        public IBackwardObserver? Backward => (checks & AnomalyChecks.Backward) == 0 ? null : s_backward;

        // Anomaly mode is a debugging session: its reports need the line of an operator that made a NaN.
        public bool WantsSourceLines => true;

        public void OnRecord(Node node, Tensor output)
        {
            if ((checks & AnomalyChecks.Forward) != 0) CheckForward(node, output);
        }
    }

    private static void CheckForward(Node node, Tensor output)
    {
        var (bad, count) = DebugText.NonFinite(output);
        if (count == 0) return;
        var inputs = node.Inputs;
        var parts = new List<string>();
        string? origin = null;
        for (int i = 0; i < inputs.Count; i++)
        {
            var (ibad, icount) = DebugText.NonFinite(inputs[i]);
            string detail = icount > 0 ? $" (already non-finite: {DebugText.List(ibad, icount)})"
                : Shapes.Equal(inputs[i].ShapeArray, output.ShapeArray) ? $" (at those elements: {DebugText.List(bad.Select(b => (b.Index, inputs[i].GetFlat(inputs[i].FlatIndex(b.Index)))).ToList(), count)})"
                : "";
            parts.Add($"input {i} {Node.Describe(inputs[i])}{detail}");
            if (icount > 0 && origin is null)
                origin = inputs[i].GradFn is null
                    ? $" Input {i} was not produced by a recorded op (a leaf, data, or a value computed under NoGrad): check where it comes from."
                    : $" Input {i} came from '{inputs[i].GradFn!.Name}' recorded at {inputs[i].GradFn!.Site}, which was recorded outside anomaly mode.";
        }
        string first = origin is null
            ? " Its inputs are finite, so this op is where the non-finite values first appear."
            : origin;
        string message =
            $"anomaly (forward): '{node.Name}' recorded at {node.Site} produced {count} non-finite value{(count == 1 ? "" : "s")} " +
            $"in its output {node.OutputDType.Name()} {Shapes.Format(node.OutputShape)}: {DebugText.List(bad, count)}. " +
            $"Inputs: {string.Join("; ", parts)}.{first}" +
            (node.Site.IsKnown ? "" : " " + DebugText.UnknownSiteAdvice) +
            " If the value is discarded on purpose (e.g. log(0) in the untaken branch of Tensor.Where), check gradients only: Anomaly.Detect(AnomalyChecks.Backward).";
        throw new AnomalyException(message, AnomalyChecks.Forward, node, -1, node.OutputShape, bad, count);
    }

    private sealed class BackwardCheck : IBackwardObserver
    {
        public void OnNode(Node node, Tensor gradOutput, Tensor?[] gradInputs)
        {
            for (int i = 0; i < gradInputs.Length; i++)
            {
                var g = gradInputs[i];
                if (g is null) continue;
                var (bad, count) = DebugText.NonFinite(g);
                if (count == 0) continue;
                var (gbad, gcount) = DebugText.NonFinite(gradOutput);
                string cause = gcount == 0
                    ? "The gradient arriving at its output is finite, so this op's backward rule is where the non-finite values first appear (a local derivative that is infinite or undefined at these inputs)."
                    : $"The gradient arriving at its output was already non-finite ({DebugText.List(gbad, gcount)}): it came from the seed or from summing the gradients of several consumers.";
                var input = node.Inputs[i];
                string message =
                    $"anomaly (backward): the backward of '{node.Name}' recorded at {node.Site} (output {node.OutputDType.Name()} {Shapes.Format(node.OutputShape)}) " +
                    $"produced {count} non-finite value{(count == 1 ? "" : "s")} in the gradient for input {i} ({Node.Describe(input)}): {DebugText.List(bad, count)}. {cause}" +
                    (node.Site.IsKnown ? "" : " " + DebugText.UnknownSiteAdvice);
                throw new AnomalyException(message, AnomalyChecks.Backward, node, i, g.ShapeArray, bad, count);
            }
        }
    }

}
