using System.Buffers;
using System.Text;

namespace AutoGrad.Data;

/// <summary>
/// A text for a character-level language model: the text, its <see cref="CharVocabulary"/> and the
/// text encoded as indices (<see cref="Tokens"/>, one per Unicode scalar value). Files are read as
/// strict UTF-8: an empty file, or bytes that are not UTF-8, are refused with the file and the byte
/// offset, never silently replaced. <see cref="Split"/> holds out the end of the text for
/// evaluation; <see cref="StreamBatcher"/> cuts tokens into batches for truncated BPTT.
/// </summary>
/// <remarks>
/// The vocabulary is built over the whole text, held-out part included, so every held-out
/// character can be encoded (as char-rnn and PyTorch's word_language_model do); only the set of
/// symbols is shared, not their statistics.
/// </remarks>
public sealed class TextCorpus
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A name for messages (the file name, for a loaded file).</summary>
    public string Name { get; }

    /// <summary>The text.</summary>
    public string Text { get; }

    /// <summary>The distinct characters of the text, sorted by code point.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>The text as vocabulary indices, one per character (Unicode scalar value).</summary>
    public int[] Tokens { get; }

    /// <summary>Number of characters (Unicode scalar values; can be fewer than <c>Text.Length</c>, which counts UTF-16 units).</summary>
    public int Length => Tokens.Length;

    private TextCorpus(string name, string text)
    {
        Name = name;
        Text = text;
        Vocabulary = CharVocabulary.FromText(text);
        Tokens = Vocabulary.Encode(text);
    }

    /// <summary>A corpus of a text in memory.</summary>
    /// <exception cref="ArgumentException">The text is empty or holds an unpaired surrogate.</exception>
    public static TextCorpus FromText(string text, string name = "text")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(name);
        if (text.Length == 0) throw new ArgumentException($"TextCorpus.FromText: text '{name}' is empty; a corpus needs at least one character", nameof(text));
        return new TextCorpus(name, text);
    }

    /// <summary>A corpus of one UTF-8 file (a leading byte-order mark is dropped).</summary>
    /// <exception cref="InvalidDataException">The file is empty or not valid UTF-8 (names the file and the byte offset).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static TextCorpus Load(string path) => new(Path.GetFileName(path), ReadUtf8(path));

    /// <summary>
    /// A corpus of several UTF-8 files, their texts concatenated in the given order as they are (no
    /// separator added), e.g. the lecture notes: <c>Directory.GetFiles(dir, "*.txt").Order(StringComparer.Ordinal)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No paths.</exception>
    /// <exception cref="InvalidDataException">A file is empty or not valid UTF-8 (names it and the byte offset).</exception>
    public static TextCorpus FromFiles(IEnumerable<string> paths, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var list = paths.ToList();
        if (list.Count == 0) throw new ArgumentException("TextCorpus.FromFiles: no files given", nameof(paths));
        var text = string.Concat(list.Select(ReadUtf8));
        return new TextCorpus(name ?? string.Join("+", list.Select(Path.GetFileName)), text);
    }

    /// <summary>Reads a file as strict UTF-8: a leading byte-order mark is dropped, and an empty file or an invalid byte is an error.</summary>
    /// <exception cref="InvalidDataException">The file is empty, or a byte sequence is not UTF-8 (names the file, the byte offset of the first bad byte and its line).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static string ReadUtf8(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith(Encoding.UTF8.Preamble)) span = span[3..];
        if (span.Length == 0)
            throw new InvalidDataException($"TextCorpus: file '{path}' is empty{(bytes.Length > 0 ? " (only a byte-order mark)" : "")}; a text corpus needs at least one character");
        try
        {
            return Strict.GetString(span);
        }
        catch (DecoderFallbackException)
        {
            int offset = bytes.Length - span.Length + FirstInvalidByte(span);
            int line = 1 + bytes.AsSpan(0, offset).Count((byte)'\n');
            throw new InvalidDataException(
                $"TextCorpus: file '{path}' is not valid UTF-8: byte 0x{bytes[offset]:X2} at byte offset {offset} (line {line}) does not begin a valid UTF-8 sequence; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)");
        }
    }

    /// <summary>
    /// The tokens split in two at a point: the first part for training, the last
    /// <paramref name="heldOutFraction"/> (rounded to whole characters) held out for evaluation
    /// (e.g. bits per character). Not shuffled: a language model is evaluated on text it has not seen, in order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is outside (0, 1), or leaves either part with fewer than 2 characters (an input and its target).</exception>
    public (int[] Train, int[] HeldOut) Split(double heldOutFraction = 0.1)
    {
        Guard.InRange("TextCorpus.Split", nameof(heldOutFraction), heldOutFraction, 0, 1, maxExclusive: true);
        int held = (int)Math.Round(Length * heldOutFraction);
        if (held < 2 || Length - held < 2)
            throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction,
                $"TextCorpus.Split: heldOutFraction {heldOutFraction} of {Length} characters of '{Name}' leaves {Length - held} for training and {held} held out; each part needs at least 2 (an input and its target)");
        return (Tokens[..(Length - held)], Tokens[(Length - held)..]);
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out _, out int consumed) != OperationStatus.Done) return i;
            i += consumed;
        }
        return 0; // not reached: the decoder refused the same bytes
    }
}
