using AutoGrad.Debugging;
using AutoGrad.Losses;
using AutoGrad.Memory;
using AutoGrad.NN;

namespace AutoGrad.Tests.Memory;

/// <summary>
/// What a replay could not reproduce is refused with an error naming the call and the fix, at
/// capture or (for state that changed since) at replay, and a refused capture leaves no trace
/// behind.
/// </summary>
public class StepPlanRefusalTests
{
    private static readonly Tensor W = Tensor.From(DType.Float32, [0.5, -1, 2], 3).RequireGrad();
    private static readonly Tensor X = Tensor.From(DType.Float32, [1, 2, 3], 3);

    private static InvalidOperationException Refused(Func<Tensor> step, params int[][] indices)
    {
        var e = Assert.Throws<InvalidOperationException>(() => StepPlan.Capture(step, indices));
        // Nothing is left recording: eager ops and a new capture work.
        Assert.Null(Launch.Recorder);
        var plan = StepPlan.Capture(() => (W * X).Sum());
        Assert.Equal((double)(0.5f - 2 + 6), plan.Run().Item(), 5);
        return e;
    }

    [Fact]
    public void ReadingValuesIntoCSharpIsRefused()
    {
        Assert.Contains("Item() inside StepPlan.Capture", Refused(() =>
        {
            var loss = (W * X).Sum();
            return loss.Item() > 0 ? loss : -loss;
        }).Message);
        Assert.Contains("plan.Run()", Refused(() => { _ = (W * X).ToFloatArray(); return W.Sum(); }).Message);
        Assert.Contains("ToDoubleArray inside", Refused(() => { _ = (W * X).ToDoubleArray(); return W.Sum(); }).Message);
        Assert.Contains("AsSpan inside", Refused(() => { (W * X).AsSpan<float>()[0] = 1; return W.Sum(); }).Message);
        Assert.Contains("indexer's get inside", Refused(() => { _ = (W * X)[0]; return W.Sum(); }).Message);
        Assert.Contains("ArgMax inside", Refused(() => { _ = (W * X).ArgMax(); return W.Sum(); }).Message);
    }

    [Fact]
    public void DrawingFromAGeneratorInCSharpIsRefusedButRandomOpsAreReplayed()
    {
        var rng = new Generator(3);
        Assert.Contains("Generator inside StepPlan.Capture", Refused(() => W * rng.NextDouble()).Message);
        Assert.Contains("Generator inside", Refused(() => W * rng.NextNormal()).Message);

        var replayed = new Generator(9);
        var eager = new Generator(9);
        var plan = StepPlan.Capture(() => Tensor.Randn(replayed, 4) + Tensor.Uniform(replayed, -1, 1, DType.Float32, 2, 2).Reshape([4]));
        var first = Tensor.Randn(eager, 4) + Tensor.Uniform(eager, -1, 1, DType.Float32, 2, 2).Reshape([4]);
        Assert.Equal(first.ToFloatArray(), plan.Output.ToFloatArray());
        var second = Tensor.Randn(eager, 4) + Tensor.Uniform(eager, -1, 1, DType.Float32, 2, 2).Reshape([4]);
        Assert.Equal(second.ToFloatArray(), plan.Run().ToFloatArray());
    }

    [Fact]
    public void IndicesFromAnUnregisteredArrayAreRefused()
    {
        var logits = Tensor.From(DType.Float32, [1, 2, 3, 4, 5, 6], 2, 3).RequireGrad();
        int[] labels = [2, 0];
        var e = Refused(() => Loss.SoftmaxCrossEntropy(logits, labels));
        Assert.Contains("gather inside StepPlan.Capture", e.Message);
        Assert.Contains("not part of an array registered", e.Message);
        Assert.Contains("OneHot inside", Refused(() => Tensor.OneHot(labels, 3)).Message);

        // Registered, whole or as a slice of a larger array, it is read live.
        int[] buffer = [9, 2, 0, 9];
        var plan = StepPlan.Capture(() => logits.Gather(1, buffer.AsSpan(1, 2)).Sum() + Tensor.OneHot(labels, 3).Sum(), buffer, labels);
        Assert.Equal(3 + 4 + 2, plan.Output.Item());
        buffer[1] = 0;
        buffer[2] = 1;
        Assert.Equal(1 + 5 + 2, plan.Run().Item());
    }

    [Fact]
    public void TensorsThatAStepScopeRecyclesAreRefused()
    {
        using var scope = StepScope.Begin();
        var pooled = X * 2;
        var e = Refused(() => (W * pooled).Sum());
        Assert.Contains("produced inside a StepScope", e.Message);
        Assert.Contains("Clone()", e.Message);
    }

    [Fact]
    public void CreateGraphBackwardIsRefused()
    {
        var e = Refused(() =>
        {
            var loss = (W * W * X).Sum();
            loss.Backward(createGraph: true);
            return loss;
        });
        Assert.Contains("Backward(createGraph: true) inside StepPlan.Capture", e.Message);
    }

    [Fact]
    public void LeavesCreatedInsideTheStepCannotReceiveGradients()
    {
        var e = Refused(() =>
        {
            var w = Tensor.Ones(3).RequireGrad();
            var loss = (w * X).Sum();
            loss.Backward();
            return loss;
        });
        Assert.Contains("created inside the captured step", e.Message);
    }

    [Fact]
    public void CapturesDoNotNestAndPlansDoNotRunInsideOne()
    {
        Assert.Contains("captures do not nest", Refused(() => StepPlan.Capture(() => W.Sum()).Output).Message);
        var plan = StepPlan.Capture(() => (W * X).Sum());
        Assert.Contains("StepPlan.Run inside StepPlan.Capture", Refused(() => plan.Run()).Message);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => StepPlan.Capture(null!));
        var e = Assert.Throws<ArgumentNullException>(() => StepPlan.Capture(() => W.Sum(), [1], null!));
        Assert.Contains("index array 1 is null", e.Message);
        Assert.Contains("returned null", Refused(() => null!).Message);
    }

    [Fact]
    public void AnomalyDetectionIsRefusedAtCaptureAndAtReplay()
    {
        var plan = StepPlan.Capture(() => (W * X).Sum());
        using (Anomaly.Detect())
        {
            Assert.Contains("anomaly detection is on", Assert.Throws<InvalidOperationException>(() => StepPlan.Capture(() => W.Sum())).Message);
            Assert.Contains("anomaly detection is on", Assert.Throws<InvalidOperationException>(() => plan.Run()).Message);
        }
        plan.Run();
    }

    [Fact]
    public void AParameterFrozenAfterCaptureRefusesToReplay()
    {
        var w = Tensor.From(DType.Float32, [1, 2, 3], 3).RequireGrad();
        var plan = StepPlan.Capture(() =>
        {
            w.ZeroGrad();
            var loss = (w * X).Sum();
            loss.Backward();
            return loss;
        });
        plan.Run();
        w.RequiresGrad = false;
        Assert.Contains("no longer requires grad", Assert.Throws<InvalidOperationException>(() => plan.Run()).Message);
    }

    [Fact]
    public void ADropoutWhoseModeOrMaskChangedRefusesToReplay()
    {
        var dropout = new Dropout(0.5, new Generator(1));
        var x = Tensor.Ones(2, 4);
        var plan = StepPlan.Capture(() => dropout.Forward(x).Sum());
        plan.Run();
        dropout.Eval();
        var e = Assert.Throws<InvalidOperationException>(() => plan.Run());
        Assert.Contains("captured in training mode but the module is now in evaluation mode", e.Message);
        dropout.Train();
        plan.Run();
        dropout.FixedMask = Tensor.Ones(4);
        Assert.Contains("FixedMask was changed", Assert.Throws<InvalidOperationException>(() => plan.Run()).Message);
    }
}
