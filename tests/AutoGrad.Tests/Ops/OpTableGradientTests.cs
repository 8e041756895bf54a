using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Ops;

/// <summary>
/// The property test every op goes through: random shapes (size-1, missing and broadcast
/// dimensions included) and values, float64 gradcheck of the tape against central differences,
/// shrinking to a small failing case with a replayable seed.
/// </summary>
public class OpTableGradientTests
{
    [Theory]
    [MemberData(nameof(OpTable.Names), MemberType = typeof(OpTable))]
    public void GradientMatchesFiniteDifferences(string op)
    {
        var row = OpTable.Get(op);
        FsCheck.Check.One(PropertyConfig.For(), Prop.ForAll(GradProperty.Arbitrary(row), c => GradProperty.Holds(c)));
    }

    [Theory]
    [MemberData(nameof(OpTable.Names), MemberType = typeof(OpTable))]
    public void FastModeAgreesToo(string op)
    {
        var row = OpTable.Get(op);
        FsCheck.Check.One(PropertyConfig.For(10), Prop.ForAll(GradProperty.Arbitrary(row), c => GradProperty.Holds(c, new() { Fast = true })));
    }
}
