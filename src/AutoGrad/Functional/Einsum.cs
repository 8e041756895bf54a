using System.Runtime.CompilerServices;
using AutoGrad.Autograd;

namespace AutoGrad;

public sealed partial class Tensor
{
    /// <summary>
    /// Einstein summation over one or two operands (torch.einsum), e.g. "ij,jk->ik" (matmul),
    /// "bij,bjk->bik" (batched), "i,j->ij" (outer), "ii->" (trace), "ii->i" (diagonal), "ij->ji",
    /// "ij->", "i,i->i" (elementwise) and "i,i->" (dot). Letters a–z and A–Z name dimensions;
    /// without "->" the output is the letters that occur once, in alphabetical order, as in PyTorch.
    /// A letter repeated in one operand takes its diagonal; letters missing from the output are
    /// summed. Two operands run as one batched <see cref="Matmul(Tensor, Tensor, string, int)"/>,
    /// so the gradient is the composition's. Not supported (with a clear error): ellipsis "...",
    /// more than two operands.
    /// </summary>
    /// <exception cref="ArgumentException">The equation is malformed or uses something unsupported; the message names the equation and the problem.</exception>
    /// <exception cref="ShapeException">An operand's rank differs from its subscripts, or one letter has two sizes.</exception>
    public static Tensor Einsum(string equation, Tensor[] operands, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(operands);
        var (inputs, output) = ParseEinsum(equation, operands.Length);
        var sizes = new Dictionary<char, (int Size, int Operand, int Dim)>();
        for (int k = 0; k < operands.Length; k++)
        {
            if (operands[k].Rank != inputs[k].Length) throw ShapeErrors.EinsumRank(equation, k, operands[k].ShapeArray, inputs[k]);
            for (int d = 0; d < inputs[k].Length; d++)
            {
                char c = inputs[k][d];
                int n = operands[k].ShapeArray[d];
                if (sizes.TryGetValue(c, out var seen) && seen.Size != n)
                    throw ShapeErrors.EinsumSize(equation, c, seen.Operand, seen.Dim, seen.Size, k, d, n);
                sizes.TryAdd(c, (n, k, d));
            }
        }
        if (operands.Length == 2) Guard.SameDType("einsum", operands[0], operands[1]);

        using var _ = SourceSite.Enter("einsum", file, line);
        var terms = new (Tensor T, string L)[operands.Length];
        for (int k = 0; k < operands.Length; k++)
        {
            var (t, l) = Diagonals(operands[k], inputs[k]);
            // Letters only this operand has, and the output lacks, are summed at once.
            string other = operands.Length == 2 ? inputs[1 - k] : "";
            var summed = Enumerable.Range(0, l.Length).Where(d => !output.Contains(l[d]) && !other.Contains(l[d])).ToArray();
            if (summed.Length > 0) (t, l) = (t.Sum(summed), new string(l.Where(c => output.Contains(c) || other.Contains(c)).ToArray()));
            terms[k] = (t, l);
        }
        if (operands.Length == 1) return PermuteTo(terms[0].T, terms[0].L, output);

        var (a, la) = terms[0];
        var (b, lb) = terms[1];
        string batch = new(output.Where(c => la.Contains(c) && lb.Contains(c)).ToArray());
        string contract = new(la.Where(c => lb.Contains(c) && !output.Contains(c)).ToArray());
        string left = new(la.Where(c => !lb.Contains(c)).ToArray());
        string right = new(lb.Where(c => !la.Contains(c)).ToArray());
        int Size(string letters) => letters.Aggregate(1, (p, c) => p * sizes[c].Size);
        var am = PermuteTo(a, la, batch + left + contract).Reshape([Size(batch), Size(left), Size(contract)]);
        var bm = PermuteTo(b, lb, batch + contract + right).Reshape([Size(batch), Size(contract), Size(right)]);
        string produced = batch + left + right;
        var y = Matmul(am, bm).Reshape(produced.Select(c => sizes[c].Size).ToArray());
        return PermuteTo(y, produced, output);
    }

    /// <summary>Einstein summation of one operand; see <see cref="Einsum(string, Tensor[], string, int)"/>.</summary>
    public static Tensor Einsum(string equation, Tensor a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Einsum(equation, [a], file, line);

    /// <summary>Einstein summation of two operands; see <see cref="Einsum(string, Tensor[], string, int)"/>.</summary>
    public static Tensor Einsum(string equation, Tensor a, Tensor b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Einsum(equation, [a, b], file, line);

    private static (string[] Inputs, string Output) ParseEinsum(string equation, int operandCount)
    {
        string Fail(string what) => throw new ArgumentException($"einsum: equation \"{equation}\": {what}", nameof(equation));
        string eq = equation.Replace(" ", "");
        if (eq.Contains("...")) Fail("ellipsis (...) is not supported; name every dimension with a letter");
        int arrow = eq.IndexOf("->", StringComparison.Ordinal);
        if (arrow >= 0 && eq.IndexOf("->", arrow + 2, StringComparison.Ordinal) >= 0) Fail("more than one \"->\"");
        string lhs = arrow >= 0 ? eq[..arrow] : eq;
        foreach (char c in lhs)
            if (c != ',' && !char.IsAsciiLetter(c)) Fail($"'{c}' is not a subscript; use letters a–z, A–Z, ',' between operands and \"->\" before the output");
        var inputs = lhs.Split(',');
        if (inputs.Length > 2) Fail($"{inputs.Length} operands; einsum supports one or two");
        if (inputs.Length != operandCount) Fail($"{inputs.Length} operand subscript(s) but {operandCount} tensor(s) given");
        string output;
        if (arrow >= 0)
        {
            output = eq[(arrow + 2)..];
            foreach (char c in output)
            {
                if (!char.IsAsciiLetter(c)) Fail($"'{c}' in the output is not a subscript letter");
                if (!lhs.Contains(c)) Fail($"output index '{c}' does not occur in any operand");
                if (output.IndexOf(c) != output.LastIndexOf(c)) Fail($"output index '{c}' occurs more than once");
            }
        }
        else output = new string(lhs.Where(char.IsAsciiLetter).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).Order().ToArray());
        return (inputs, output);
    }

    /// <summary>Takes the diagonal for each letter repeated in one operand's subscripts, until every letter is distinct.</summary>
    private static (Tensor, string) Diagonals(Tensor t, string letters)
    {
        for (int p = 0; p < letters.Length; p++)
        {
            int q = letters.IndexOf(letters[p], p + 1);
            if (q < 0) continue;
            int n = t.ShapeArray[p];
            var maskShape = new int[t.Rank];
            Array.Fill(maskShape, 1);
            (maskShape[p], maskShape[q]) = (n, n);
            var eye = new double[n * n];
            for (int i = 0; i < n; i++) eye[i * n + i] = 1;
            var mask = FromArray(eye, n * n).Reshape(maskShape).To(t.DType);
            t = Where(mask, t, 0.0).Sum(q);
            letters = letters.Remove(q, 1);
            p--;   // the letter at p may repeat a third time
        }
        return (t, letters);
    }

    /// <summary>t, whose dimensions are named by <paramref name="from"/>, permuted into the order of <paramref name="to"/> (same letters).</summary>
    private static Tensor PermuteTo(Tensor t, string from, string to)
    {
        var perm = to.Select(c => from.IndexOf(c)).ToArray();
        return perm.Select((v, i) => v == i).All(x => x) ? t : t.Permute(perm);
    }
}
