using AutoGrad.Autograd;
using AutoGrad.Debugging;

namespace AutoGrad.Checking;

/// <summary>
/// The local gradient check: finds the one op whose backward is wrong in a whole recorded
/// computation, without bisecting. Each op recorded on the way to a loss is replayed on its
/// actual inputs, converted to float64, and its backward rule is gradchecked on its own against
/// central differences: every Jacobian entry for small ops, vᵀJu along random directions for
/// large ones (then single sampled elements, to name the worst one). The report names the
/// earliest op that disagrees, the source line that recorded it, the input, the element, and
/// numeric vs analytic values.
/// </summary>
/// <remarks>
/// <para><b>When to call it.</b> The tape frees what ops saved after a <c>Backward()</c> without
/// <c>retainGraph</c>; run the check on a loss before calling Backward, or after
/// <c>Backward(retainGraph: true)</c>. On a freed graph it throws.</para>
/// <para><b>Source lines.</b> Named methods and <see cref="CustomOp.Apply(Tensor, string, int)"/>
/// record the caller's file and line. Operators (<c>a * b</c>) cannot; their line is unknown
/// unless <see cref="DebugSettings.CaptureStackTraces"/> is on while the model runs.</para>
/// <para><b>What is held constant.</b> Inputs that do not require grad (data, Where's condition,
/// masks) are not differentiated. Output elements that are not finite at the recorded inputs
/// (log(0) in an untaken Where branch) are left out, and so are entries where f(x ± eps) is not
/// finite. Kinks (relu or abs at 0, max ties) accept any analytic value between the one-sided
/// differences.</para>
/// <para><b>Skipped, not failed.</b> An op that cannot be replayed in float64 (a custom op that only
/// handles float32, or one that returns float32 whatever its inputs) is reported as skipped, with
/// the reason. Custom ops must be deterministic: an op that draws random numbers inside Forward
/// gives different values on every replay.</para>
/// </remarks>
/// <example>
/// <code>
/// var loss = model.Forward(x).Sub(y).Square().Mean();
/// var report = LocalCheck.Run(loss);   // before loss.Backward()
/// Console.WriteLine(report);
/// LocalCheck.Assert(loss);             // or throw with the same report
/// </code>
/// </example>
public static class LocalCheck
{
    /// <summary>Checks every recorded op on the way to <paramref name="loss"/> and returns the report.</summary>
    /// <exception cref="ArgumentException">The tensor has no recorded ops.</exception>
    /// <exception cref="AutogradException">The graph was freed by a Backward without retainGraph.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static LocalCheckReport Run(Tensor loss, LocalCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        options ??= new LocalCheckOptions();
        options.Validate();
        var graph = TapeGraph.Of(loss, "LocalCheck");
        var results = new List<NodeCheck>();
        using (Anomaly.Suspend())
        using (Tape.EnableGrad())
        {
            foreach (var node in graph.Nodes)
            {
                var r = NodeReplay.Check(node, graph, options);
                results.Add(r);
                if (r.Status == NodeCheckStatus.Failed && options.StopAtFirstFailure) break;
            }
        }
        return new LocalCheckReport(results, graph.Nodes.Count);
    }

    /// <summary>Runs the check and throws when an op disagrees.</summary>
    /// <exception cref="LocalCheckException">An op's backward disagrees with central differences; the message is the report.</exception>
    /// <exception cref="ArgumentException">The tensor has no recorded ops.</exception>
    /// <exception cref="AutogradException">The graph was freed by a Backward without retainGraph.</exception>
    public static void Assert(Tensor loss, LocalCheckOptions? options = null)
    {
        var report = Run(loss, options);
        if (!report.Passed) throw new LocalCheckException(report);
    }
}
