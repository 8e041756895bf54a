using System.Text;

namespace AutoGrad.Data;

/// <summary>
/// A character vocabulary for character-level models: the distinct Unicode scalar values
/// (<see cref="Rune"/>s, so a Greek letter or a math symbol outside the BMP is one symbol, never
/// two UTF-16 halves) of a text, sorted by code point so the same text always gives the same
/// indices. <see cref="Encode"/> maps text to indices 0..Count−1, <see cref="Decode"/> maps back.
/// </summary>
public sealed class CharVocabulary
{
    private readonly Rune[] _symbols;
    private readonly Dictionary<int, int> _index;

    private CharVocabulary(Rune[] symbols)
    {
        _symbols = symbols;
        _index = new Dictionary<int, int>(symbols.Length);
        for (int i = 0; i < symbols.Length; i++) _index.Add(symbols[i].Value, i);
    }

    /// <summary>Number of symbols V.</summary>
    public int Count => _symbols.Length;

    /// <summary>The symbols in index order (ascending code point for <see cref="FromText"/>).</summary>
    public IReadOnlyList<Rune> Symbols => _symbols;

    /// <summary>The symbol with the given index.</summary>
    /// <exception cref="ArgumentOutOfRangeException">index is outside [0, Count).</exception>
    public Rune this[int index] => (uint)index < (uint)_symbols.Length ? _symbols[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"CharVocabulary: index {index} is outside [0, {Count})");

    /// <summary>The vocabulary of <paramref name="text"/>: its distinct characters sorted by code point.</summary>
    /// <exception cref="ArgumentException">The text is empty, or holds an unpaired UTF-16 surrogate.</exception>
    public static CharVocabulary FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new ArgumentException("CharVocabulary.FromText: the text is empty; a vocabulary needs at least one character", nameof(text));
        var seen = new HashSet<int>();
        for (int i = 0; i < text.Length;)
        {
            var r = RuneAt("CharVocabulary.FromText", text, i);
            seen.Add(r.Value);
            i += r.Utf16SequenceLength;
        }
        return new CharVocabulary(seen.Order().Select(v => new Rune(v)).ToArray());
    }

    /// <summary>
    /// A vocabulary with exactly these symbols in this order (index i is the i-th character of
    /// <paramref name="symbols"/>): rebuilds a saved vocabulary, e.g. from <see cref="ToString"/>
    /// stored in a checkpoint's metadata.
    /// </summary>
    /// <exception cref="ArgumentException">The string is empty, repeats a character, or holds an unpaired surrogate.</exception>
    public static CharVocabulary FromSymbols(string symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        if (symbols.Length == 0) throw new ArgumentException("CharVocabulary.FromSymbols: no symbols; a vocabulary needs at least one", nameof(symbols));
        var list = new List<Rune>();
        var seen = new HashSet<int>();
        for (int i = 0; i < symbols.Length;)
        {
            var r = RuneAt("CharVocabulary.FromSymbols", symbols, i);
            if (!seen.Add(r.Value))
                throw new ArgumentException($"CharVocabulary.FromSymbols: symbol {Describe(r)} appears twice (again at char index {i})", nameof(symbols));
            list.Add(r);
            i += r.Utf16SequenceLength;
        }
        return new CharVocabulary([.. list]);
    }

    /// <summary>Whether the vocabulary has <paramref name="symbol"/>.</summary>
    public bool Contains(Rune symbol) => _index.ContainsKey(symbol.Value);

    /// <summary>The index of <paramref name="symbol"/>, or −1 if it is not in the vocabulary.</summary>
    public int IndexOf(Rune symbol) => _index.TryGetValue(symbol.Value, out int i) ? i : -1;

    /// <summary>The index of every character of <paramref name="text"/>, one per Unicode scalar value.</summary>
    /// <exception cref="ArgumentException">A character is not in the vocabulary (names it and its position), or the text holds an unpaired surrogate.</exception>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<int>(text.Length);
        for (int i = 0; i < text.Length;)
        {
            var r = RuneAt("CharVocabulary.Encode", text, i);
            if (!_index.TryGetValue(r.Value, out int k))
                throw new ArgumentException(
                    $"CharVocabulary.Encode: character {Describe(r)} at char index {i} is not in the vocabulary of {Count} symbols; build the vocabulary from text that contains it", nameof(text));
            result.Add(k);
            i += r.Utf16SequenceLength;
        }
        return [.. result];
    }

    /// <summary>The text of a sequence of indices.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, Count) (names it and its position).</exception>
    public string Decode(ReadOnlySpan<int> indices)
    {
        var sb = new StringBuilder(indices.Length);
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)_symbols.Length)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"CharVocabulary.Decode: index {indices[i]} at position {i} is outside [0, {Count})");
            sb.Append(_symbols[indices[i]].ToString());
        }
        return sb.ToString();
    }

    /// <summary>All symbols in index order as one string (the argument <see cref="FromSymbols"/> takes back).</summary>
    public override string ToString() => string.Concat(_symbols.Select(r => r.ToString()));

    /// <summary>A character for messages: itself when printable, with its code point (U+000A for a newline).</summary>
    internal static string Describe(Rune r) =>
        Rune.IsControl(r) || Rune.IsWhiteSpace(r) ? $"U+{r.Value:X4}" : $"'{r}' (U+{r.Value:X4})";

    private static Rune RuneAt(string op, string text, int i)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(i), out var r, out _) != System.Buffers.OperationStatus.Done)
            throw new ArgumentException($"{op}: the text has an unpaired UTF-16 surrogate (U+{(int)text[i]:X4}) at char index {i}; it is not a Unicode character", nameof(text));
        return r;
    }
}
