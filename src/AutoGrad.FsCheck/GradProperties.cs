using AutoGrad.Checking;
using FsCheck;
using FsCheck.Fluent;
using FsGen = FsCheck.FSharp.Gen;

namespace AutoGrad.FsCheck;

/// <summary>
/// The <see cref="GradProperty"/> property test as FsCheck values: an <see cref="Arbitrary{T}"/>
/// of cases and a <see cref="Property"/> that gradient-checks a function on them. FsCheck runs it
/// (number of tests, size, replay seed, parallelism, reporting), so a custom op or loss gets the
/// same property test as the library's own ops, from any test framework.
/// </summary>
/// <remarks>
/// <para>Cases are drawn by <see cref="GradProperty.Draw"/> from a seed taken from FsCheck's random
/// source, so FsCheck's replay seed (<c>Config.WithReplay</c>) draws the same cases. FsCheck's
/// size scales the dimension sizes: at size 0 every named dimension is at
/// <see cref="GradPropertyOptions.MinDim"/>, at size 100 (FsCheck's default end size) they range
/// up to <see cref="GradPropertyOptions.MaxDim"/>. Values are drawn from each spec's whole domain
/// at every size.</para>
/// <para>Shrinking tries <see cref="GradProperty.ShrinkCandidates"/>, the candidates of the
/// built-in shrinker, in its order. <see cref="For"/> keeps, like the built-in runner, only a
/// candidate that fails the same way (<see cref="GradPropertyOutcome.FailsLike"/>) and stops after
/// <see cref="GradPropertyOptions.MaxShrinkTries"/> evaluated candidates.</para>
/// </remarks>
/// <example>
/// <code>
/// using AutoGrad.Debugging;
/// using AutoGrad.FsCheck;
/// using FsCheck.Fluent;
///
/// [Fact]
/// public void HuberLossHasTheRightGradient() =>
///     GradProperties.For(xs => Huber(xs[0], xs[1]),
///         [InputSpec.Of("n, d"), InputSpec.Of("n, d").Constant().Named("target")])
///         .QuickCheckThrowOnFailure();
/// </code>
/// </example>
public static class GradProperties
{
    /// <summary>
    /// An FsCheck arbitrary of cases for <paramref name="specs"/>: random shapes and values in the
    /// stated domains, shrunk with the library's candidates. For a property of your own; to
    /// gradient-check a function, <see cref="For"/> does the rest.
    /// </summary>
    /// <param name="specs">One spec per input of the function.</param>
    /// <param name="options">Dimension sizes; null: defaults (1 to 4).</param>
    /// <exception cref="ArgumentNullException">specs is null.</exception>
    /// <exception cref="ArgumentException">No spec, a null spec, a spec with a bad shape or domain, or no differentiable input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static Arbitrary<GradPropertyCase> Cases(InputSpec[] specs, GradPropertyOptions? options = null)
    {
        var opts = options ?? new GradPropertyOptions();
        GradProperty.Validate(specs, opts);
        return Arb.From(Generator([.. specs], opts), c => GradProperty.ShrinkCandidates(c, opts));
    }

    /// <summary>
    /// The property "<paramref name="f"/>'s gradient agrees with float64 central differences" over
    /// random cases of <paramref name="specs"/>. Run it with FsCheck, e.g.
    /// <c>.QuickCheckThrowOnFailure()</c> or <c>Check.One(config, property)</c>; a failure reports
    /// the shrunk case (each input's shape and values), the gradient check's failure (input,
    /// element, numeric and analytic values) or the exception f threw, and FsCheck's replay seed.
    /// </summary>
    /// <param name="f">The function to check; it must work on float64 inputs.</param>
    /// <param name="specs">One spec per input of f.</param>
    /// <param name="options">Dimension sizes, shrinking budget and gradcheck tolerances; null: defaults.</param>
    /// <exception cref="ArgumentNullException">f or specs is null.</exception>
    /// <exception cref="ArgumentException">No spec, a null spec, a spec with a bad shape or domain, or no differentiable input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static Property For(Func<Tensor[], Tensor> f, InputSpec[] specs, GradPropertyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        var opts = options ?? new GradPropertyOptions();
        GradProperty.Validate(specs, opts);
        var arbitrary = Arb.From(
            Generator([.. specs], opts).Select(c => new CheckedCase(c, f, opts, opts.MaxShrinkTries)),
            c => c.Shrink());
        return Prop.ForAll(arbitrary, c => c.Outcome.Passed.Label(c.Outcome.Failure ?? "passed"));
    }

    /// <summary>A case from a seed drawn by FsCheck, with dimensions scaled by FsCheck's size.</summary>
    private static Gen<GradPropertyCase> Generator(InputSpec[] specs, GradPropertyOptions options) =>
        Gen.Sized(size =>
        {
            var sized = ForSize(options, size);
            return FsGen.Choose64(0, long.MaxValue).Select(seed => GradProperty.Draw(specs, (ulong)seed, sized));
        });

    /// <summary>The options with MaxDim scaled by FsCheck's size: MinDim at size 0, MaxDim from size 100 on.</summary>
    internal static GradPropertyOptions ForSize(GradPropertyOptions options, int size)
    {
        int span = options.MaxDim - options.MinDim;
        int grown = (int)Math.Ceiling(span * Math.Clamp(size, 0, 100) / 100.0);
        return options with { MaxDim = options.MinDim + grown };
    }
}
