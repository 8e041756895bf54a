using System.Text;
using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class CharVocabularyTests
{
    [Fact]
    public void SymbolsAreTheDistinctRunesSortedByCodePoint()
    {
        // η (U+03B7), ∂ (U+2202) and 𝑥 (U+1D465, two UTF-16 units) are one symbol each.
        var v = CharVocabulary.FromText("∂η/∂𝑥 = ba\n");
        Assert.Equal("\n /=abη∂𝑥", v.ToString());
        Assert.Equal(9, v.Count);
        Assert.Equal(new Rune(0x1D465), v[8]);
        var codes = v.Symbols.Select(r => r.Value).ToArray();
        Assert.Equal(codes.Order(), codes);
    }

    [Fact]
    public void EncodeAndDecodeRoundTrip()
    {
        const string text = "softmax σ(z)ₖ → ∂E/∂𝑤";
        var v = CharVocabulary.FromText(text);
        var ids = v.Encode(text);
        Assert.Equal(text.EnumerateRunes().Count(), ids.Length);
        Assert.Equal(text, v.Decode(ids));
        Assert.Equal(v.IndexOf(new Rune('σ')), ids[8]);
        Assert.Equal(-1, v.IndexOf(new Rune('Q')));
        Assert.True(v.Contains(new Rune('→')));
        var again = CharVocabulary.FromSymbols(v.ToString());
        Assert.Equal(ids, again.Encode(text));
    }

    [Fact]
    public void UnknownCharactersAndBadIndicesAreNamed()
    {
        var v = CharVocabulary.FromText("abc");
        var e = Assert.Throws<ArgumentException>(() => v.Encode("abz"));
        Assert.Contains("CharVocabulary.Encode: character 'z' (U+007A) at char index 2 is not in the vocabulary of 3 symbols", e.Message);
        Assert.Contains("U+000A at char index 1", Assert.Throws<ArgumentException>(() => v.Encode("a\n")).Message);
        var d = Assert.Throws<ArgumentOutOfRangeException>(() => v.Decode([0, 3]));
        Assert.Contains("CharVocabulary.Decode: index 3 at position 1 is outside [0, 3)", d.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => v[-1]);
        Assert.Contains("unpaired UTF-16 surrogate (U+D835) at char index 1", Assert.Throws<ArgumentException>(() => CharVocabulary.FromText("a\uD835b")).Message);
        Assert.Contains("the text is empty", Assert.Throws<ArgumentException>(() => CharVocabulary.FromText("")).Message);
        Assert.Contains("symbol 'a' (U+0061) appears twice", Assert.Throws<ArgumentException>(() => CharVocabulary.FromSymbols("aba")).Message);
    }
}
