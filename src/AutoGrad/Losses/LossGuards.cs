namespace AutoGrad.Losses;

/// <summary>Argument checks shared by the losses and log-likelihoods, so their errors read alike.</summary>
internal static class LossGuards
{
    public static void NotNull(Tensor t, string argument)
    {
        if (t is null) throw new ArgumentNullException(argument);
    }

    /// <summary>Elementwise losses take a prediction and a target of exactly the same shape: broadcasting [N] against [N, 1] would silently build an N×N loss.</summary>
    public static void SameShape(string op, Tensor prediction, string predictionName, Tensor target, string targetName)
    {
        Guard.SameDType(op, prediction, target);
        if (!Shapes.Equal(prediction.Shape, target.Shape))
            throw ShapeErrors.NotEqual(op, predictionName, prediction.ShapeArray, targetName, target.ShapeArray, "no broadcasting here: reshape one, e.g. .Reshape([-1])");
    }

    /// <summary>Logits [N, C] with N integer labels in [0, C).</summary>
    public static void Labels(string op, Tensor logits, string logitsName, ReadOnlySpan<int> labels)
    {
        if (logits.Rank != 2)
            throw ShapeErrors.WrongRank(op, logitsName, logits.ShapeArray, 2, "a matrix [batch, classes]");
        int n = logits.Shape[0], c = logits.Shape[1];
        if (labels.Length != n)
            throw new ArgumentException($"{op}: {labels.Length} labels for a batch of {n} rows ({logitsName} {Shapes.Format(logits.Shape)}); there must be one label per row", "labels");
        // The context is worded only when a label is out of range: a training step allocates no message.
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)c) Guard.Labels(op, labels, c, $"{logitsName} have {c} classes");
    }

    /// <summary>Logits [N, C] and target distributions of the same shape.</summary>
    public static void Distributions(string op, Tensor logits, Tensor targets)
    {
        if (logits.Rank != 2)
            throw ShapeErrors.WrongRank(op, "logits", logits.ShapeArray, 2, "a matrix [batch, classes]");
        SameShape(op, logits, "logits", targets, "targets");
    }

    /// <summary>Every element is −1 or +1 (the perceptron's and hinge's labels). A value check: a launch, so a captured step checks again at every replay.</summary>
    public static void PlusMinusOne(string op, Tensor targets) => Launch.Run(new ValueCheckLaunch(op, targets, null), targets);

    /// <summary>Every element is in [0, 1] (probabilities, or 0/1 and soft labels). A value check: a launch, so a captured step checks again at every replay.</summary>
    public static void UnitInterval(string op, Tensor t, string argument) => Launch.Run(new ValueCheckLaunch(op, t, argument), t);

    private readonly struct ValueCheckLaunch(string op, Tensor t, string? unitIntervalArgument) : ILaunch
    {
        public void Run()
        {
            if (unitIntervalArgument is null)
            {
                int i = FirstBad(t, v => v is 1.0 or -1.0);
                if (i >= 0)
                    throw new ArgumentException($"{op}: targets must be -1 or +1, got {t.GetFlat(i)} at flat position {i}", "targets");
            }
            else
            {
                int i = FirstBad(t, v => v >= 0 && v <= 1);
                if (i >= 0)
                    throw new ArgumentOutOfRangeException(unitIntervalArgument, t.GetFlat(i), $"{op}: {unitIntervalArgument} must be in [0, 1], got {t.GetFlat(i)} at flat position {i}");
            }
        }
    }

    // Scans in place (no copy), so validation allocates nothing in a training loop.
    private static int FirstBad(Tensor t, Func<double, bool> ok)
    {
        if (t.DType == DType.Float32)
        {
            var s = t.SpanF;
            for (int i = 0; i < s.Length; i++) if (!ok(s[i])) return i;
        }
        else
        {
            var s = t.SpanD;
            for (int i = 0; i < s.Length; i++) if (!ok(s[i])) return i;
        }
        return -1;
    }

    public static void ReductionDefined(string op, Reduction reduction)
    {
        if (!Enum.IsDefined(reduction))
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"{op}: unknown reduction {reduction}");
    }
}
