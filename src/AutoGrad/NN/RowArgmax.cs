namespace AutoGrad.NN;

/// <summary>Index of the largest entry of each row of a matrix (the predicted class of each row of logits).</summary>
internal static class RowArgmax
{
    /// <summary>For [N, C]: the first index of each row's maximum (NaN never wins).</summary>
    /// <exception cref="ShapeException">Not a matrix.</exception>
    public static int[] Of(Tensor scores)
    {
        Check.Rank("argmax", "scores", scores, 2);
        int n = scores.Shape[0], c = scores.Shape[1];
        var v = scores.ToDoubleArray();
        var r = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < c; j++) if (v[i * c + j] > v[i * c + best]) best = j;
            r[i] = best;
        }
        return r;
    }
}
