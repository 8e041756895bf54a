using System.Runtime.CompilerServices;
using AutoGrad.Autograd;
using AutoGrad.NN;

namespace AutoGrad.Training;

/// <summary>
/// An ensemble of n trained models whose predictions are averaged. Seed 004 (L136-217): with
/// member errors εᵢ = ŷᵢ − y of variance v = E[εᵢ²] and covariance c = E[εᵢεⱼ] (i ≠ j), the
/// averaged prediction has expected squared error <c>v/n + (n − 1)c/n</c>: v/n for uncorrelated
/// members, no gain when c = v.
/// </summary>
/// <remarks>
/// <see cref="Forward"/> averages the members' raw outputs (regression, or members that output
/// probabilities); <see cref="PredictProbabilities"/> averages the softmax of each member's logits,
/// the usual way to combine classifiers. Both are compositions of tensor ops (differentiable);
/// wrap inference in <c>Tape.NoGrad()</c>. The members are registered as sub-modules "0", "1", ...
/// so a checkpoint of the ensemble holds every member.
/// </remarks>
public sealed class Ensemble : Module
{
    private readonly Module[] _members;

    /// <summary>Creates an ensemble of the given members.</summary>
    /// <exception cref="ArgumentException">No members, or a null one.</exception>
    public Ensemble(IEnumerable<Module> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        _members = members.ToArray();
        if (_members.Length == 0) throw new ArgumentException("Ensemble: needs at least one member", nameof(members));
        for (int i = 0; i < _members.Length; i++)
            RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _members[i] ?? throw new ArgumentException($"Ensemble: member {i} is null", nameof(members)));
    }

    /// <summary>The members, in order.</summary>
    public IReadOnlyList<Module> Members => _members;

    /// <summary>The mean of the members' outputs: <c>(1/n) Σᵢ fᵢ(x)</c>.</summary>
    /// <exception cref="ShapeException">Members' outputs differ in shape.</exception>
    public override Tensor Forward(Tensor input) => Average(input, probabilities: false, -1, "", 0);

    /// <summary>The mean of the members' class probabilities: <c>(1/n) Σᵢ softmax(fᵢ(x))</c> along <paramref name="axis"/>.</summary>
    /// <exception cref="ShapeException">Members' outputs differ in shape.</exception>
    public Tensor PredictProbabilities(Tensor input, int axis = -1, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Average(input, probabilities: true, axis, file, line);

    private Tensor Average(Tensor input, bool probabilities, int axis, string file, int line)
    {
        using var _ = SourceSite.Enter(probabilities ? "ensemble_probabilities" : "ensemble", file, line);
        Tensor? sum = null;
        foreach (var m in _members)
        {
            var y = m.Forward(input);
            if (probabilities) y = y.Softmax(axis);
            if (sum is not null) Guard.SameShape("Ensemble", sum, y);
            sum = sum is null ? y : sum + y;
        }
        return sum! / _members.Length;
    }
}
