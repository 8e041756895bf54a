using AutoGrad.Tests.Support;
using AutoGrad.Training;

namespace AutoGrad.Tests.Training;

public class ParameterSnapshotTests
{
    [Fact]
    public void CaptureAndRestoreCopyValuesOnly()
    {
        var model = new TinyMlp(2, 3, 2, new Generator(4));
        var snap = new ParameterSnapshot(model);
        var original = model.Parameters().Select(p => p.ToFloatArray()).ToArray();
        foreach (var p in model.Parameters()) using (AutoGrad.Autograd.Tape.NoGrad()) p.Fill(5);
        snap.Restore();
        Assert.Equal(original, model.Parameters().Select(p => p.ToFloatArray()).ToArray());
        foreach (var p in model.Parameters()) using (AutoGrad.Autograd.Tape.NoGrad()) p.Fill(2);
        snap.Capture();
        foreach (var p in model.Parameters()) using (AutoGrad.Autograd.Tape.NoGrad()) p.Fill(0);
        snap.Restore();
        Assert.All(model.Parameters().SelectMany(p => p.ToFloatArray()), v => Assert.Equal(2f, v));
        Assert.Equal(2f, snap.Saved(0)[0, 0]);
    }
}
