namespace AutoGrad.Data;

/// <summary>One fold of k-fold cross-validation: the rows to train on and the rows held out for validation.</summary>
/// <param name="Index">The fold's number, 0 to k−1.</param>
/// <param name="Train">Row indices to train on (every row not in <paramref name="Validation"/>).</param>
/// <param name="Validation">Row indices held out in this fold.</param>
public sealed record Fold(int Index, int[] Train, int[] Validation);
