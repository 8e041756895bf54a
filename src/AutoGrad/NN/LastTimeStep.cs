namespace AutoGrad.NN;

/// <summary>
/// The sequence-to-one head's first half: [B, T, F] to the last step's features [B, F], so a
/// <see cref="Linear"/> after it reads one summary per sequence (<c>output[:, -1]</c> in PyTorch).
/// For a bidirectional layer the reverse direction's last step is t = 0; to read both directions'
/// final states use the <see cref="RecurrentState"/> instead.
/// </summary>
public sealed class LastTimeStep : Module
{
    /// <inheritdoc/>
    /// <exception cref="ShapeException">The input is not [B, T, F] with T ≥ 1.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 3 || input.Shape[1] == 0)
            throw ShapeErrors.WrongShape("LastTimeStep", "the input", input.ShapeArray, "a batch of sequences",
                input.Rank != 3 ? ShapeErrors.Ranks(input.Rank, 3) : "with no time steps", "[batch, time ≥ 1, features]");
        return input.Select(1, input.Shape[1] - 1);
    }

    /// <inheritdoc/>
    public override string ToString() => "LastTimeStep()";
}
