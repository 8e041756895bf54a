using System.Text;
using AutoGrad.Data;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Data;

public class TextCorpusTests
{
    [Fact]
    public void LoadReadsUtf8AndEncodesEveryCharacter()
    {
        using var dir = new TempDirectory();
        var path = dir.File("notes.txt");
        File.WriteAllText(path, "θ ← θ − η∇E\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var c = TextCorpus.Load(path);
        Assert.Equal("notes.txt", c.Name);
        Assert.Equal("θ ← θ − η∇E\n", c.Text); // the byte-order mark is dropped
        Assert.Equal(12, c.Length);
        Assert.Equal(c.Text, c.Vocabulary.Decode(c.Tokens));
        Assert.Equal(8, c.Vocabulary.Count);
    }

    [Fact]
    public void FromFilesConcatenatesInOrder()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.txt"), "ab\n");
        File.WriteAllText(dir.File("b.txt"), "cd");
        var c = TextCorpus.FromFiles([dir.File("a.txt"), dir.File("b.txt")]);
        Assert.Equal("ab\ncd", c.Text);
        Assert.Equal("a.txt+b.txt", c.Name);
        Assert.Contains("no files", Assert.Throws<ArgumentException>(() => TextCorpus.FromFiles([])).Message);
    }

    [Fact]
    public void TheLectureNotesAreAValidCorpusWhenPresent()
    {
        // The notes are read from ../shared/seeds beside the repository, not shipped in the library
        // (third-party course material without a licence to redistribute); skip where they are absent.
        var seeds = Path.Combine(RepositoryFiles.Root, "..", "shared", "seeds");
        if (!Directory.Exists(seeds)) return;
        var c = TextCorpus.FromFiles(Directory.GetFiles(seeds, "*.txt").Order(StringComparer.Ordinal));
        Assert.InRange(c.Length, 100_000, 200_000);
        Assert.True(c.Vocabulary.Contains(new Rune('η')));
        Assert.Equal(c.Text, c.Vocabulary.Decode(c.Tokens));
    }

    [Fact]
    public void SplitHoldsOutTheEndOfTheText()
    {
        var c = TextCorpus.FromText(string.Concat(Enumerable.Repeat("abcdefghij", 10)));
        var (train, held) = c.Split(0.1);
        Assert.Equal(90, train.Length);
        Assert.Equal(10, held.Length);
        Assert.Equal(c.Tokens, train.Concat(held));
        Assert.Equal("abcdefghij", c.Vocabulary.Decode(held));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TextCorpus.FromText("abc").Split(0.1));
        Assert.Contains("TextCorpus.Split: heldOutFraction 0.1 of 3 characters of 'text' leaves 3 for training and 0 held out", e.Message);
        Assert.Contains("heldOutFraction must be in [0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => c.Split(1)).Message);
    }

    [Fact]
    public void EmptyAndNonUtf8FilesAreRefusedWithTheFileAndByteOffset()
    {
        using var dir = new TempDirectory();
        var empty = dir.File("empty.txt");
        File.WriteAllBytes(empty, []);
        var e = Assert.Throws<InvalidDataException>(() => TextCorpus.Load(empty));
        Assert.Contains($"TextCorpus: file '{empty}' is empty", e.Message);
        var bom = dir.File("bom.txt");
        File.WriteAllBytes(bom, [0xEF, 0xBB, 0xBF]);
        Assert.Contains("is empty (only a byte-order mark)", Assert.Throws<InvalidDataException>(() => TextCorpus.Load(bom)).Message);

        var latin1 = dir.File("latin1.txt");
        File.WriteAllBytes(latin1, [(byte)'a', (byte)'\n', (byte)'c', 0xE9, (byte)'t', (byte)'e']); // "a\ncéte" in Latin-1
        var bad = Assert.Throws<InvalidDataException>(() => TextCorpus.Load(latin1));
        Assert.Contains($"file '{latin1}' is not valid UTF-8: byte 0xE9 at byte offset 3 (line 2)", bad.Message);

        var late = dir.File("late.txt");
        var bytes = Encoding.UTF8.GetBytes(new string('x', 5000) + "η").Concat(new byte[] { 0xC3, 0x28 }).ToArray();
        Assert.Contains("byte 0xC3 at byte offset 5002 (line 1)", Assert.Throws<InvalidDataException>(() => TextCorpus.Load(Write(late, bytes))).Message);

        Assert.Throws<FileNotFoundException>(() => TextCorpus.Load(dir.File("missing.txt")));
        Assert.Contains("text 'text' is empty", Assert.Throws<ArgumentException>(() => TextCorpus.FromText("")).Message);
    }

    private static string Write(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
