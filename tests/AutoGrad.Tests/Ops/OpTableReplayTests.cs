using AutoGrad.Memory;
using AutoGrad.Tests.Memory;
using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// Every row of the op table, captured in a <see cref="StepPlan"/> (forward, a weighted sum,
/// backward) and replayed on new input values, gives bit for bit the loss and gradients that the
/// eager step gives on those values: each op's kernel, and the ops its backward rule runs, are
/// traced into the right buffers. The index arrays a row passes (gather, scatter_add, index_select,
/// index_add, labels) are registered with the plan and changed in place before the replay, which
/// must read their new contents; a row whose capture is refused fails.
/// </summary>
public class OpTableReplayTests
{
    [Theory]
    [MemberData(nameof(OpTable.Names), MemberType = typeof(OpTable))]
    public void ReplayMatchesTheEagerStep(string op)
    {
        var row = OpTable.Get(op);
        FsCheck.Check.One(PropertyConfig.For(8), Prop.ForAll(GradProperty.Arbitrary(row), Holds));
    }

    private static void Holds(DrawnCase c)
    {
        var xs = c.Inputs(DType.Float64);
        var info = c.Info;
        var f = c.Op.Make(info);
        var shape = f(xs).Shape.ToArray();
        var weights = Tensor.Normal(new Generator(5), 0, 1, DType.Float64, shape);
        Tensor Step()
        {
            foreach (var x in xs) x.ZeroGrad();
            var loss = (f(xs) * weights).Sum();
            loss.Backward(); // every row differentiates at least one input
            return loss;
        }

        var indices = info.IndexArrays;
        StepPlan plan;
        try { plan = StepPlan.Capture(Step, indices); }
        catch (InvalidOperationException e)
        {
            throw new Exception($"{c}\n  capture refused (a row must build its index arrays with CaseInfo.Indices): {e.Message}", e);
        }

        // New values, written in place into the captured inputs; the index arrays reversed in
        // place (still in range: every entry of an array has the same bound).
        for (int i = 0; i < xs.Length; i++)
        {
            var span = xs[i].AsSpan<double>();
            for (int e = 0; e < span.Length; e++) span[e] = DrawnCase.Map(c.Values[(e * 7 + i + 3) % c.Values.Length], c.Op.DomainOf(i));
        }
        foreach (var index in indices) Array.Reverse(index);
        var replayed = StepPlanTests.Bits(plan.Run());
        var replayedGrads = xs.Select(x => x.Grad is null ? null : StepPlanTests.Bits(x.Grad)).ToArray();
        var eager = StepPlanTests.Bits(Step());
        var eagerGrads = xs.Select(x => x.Grad is null ? null : StepPlanTests.Bits(x.Grad)).ToArray();
        if (!replayed.SequenceEqual(eager)) throw new Exception($"{c}\n  loss differs: replay {string.Join(",", replayed)} vs eager {string.Join(",", eager)}");
        for (int i = 0; i < xs.Length; i++)
        {
            if (xs[i].RequiresGrad && (replayedGrads[i] is null || eagerGrads[i] is null))
                throw new Exception($"{c}\n  input {i} requires grad but got none (replay: {replayedGrads[i] is not null}, eager: {eagerGrads[i] is not null})");
            if (!(replayedGrads[i] ?? []).SequenceEqual(eagerGrads[i] ?? []))
                throw new Exception($"{c}\n  gradient of input {i} differs");
        }
    }
}
