namespace AutoGrad.Tests.Support;

public static class ParameterTestExtensions
{
    /// <summary>Sets a parameter's values outside the tape (test setup).</summary>
    public static void CopyFromNoGrad(this Tensor t, double[] values)
    {
        using (AutoGrad.Autograd.Tape.NoGrad()) t.CopyFrom(Tensor.From(t.DType, values, t.Shape.ToArray()));
    }
}
