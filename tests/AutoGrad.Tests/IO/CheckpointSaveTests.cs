using AutoGrad.IO;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.IO;

/// <summary>Where Checkpoint.Save cannot write, and the temporary files a killed save leaves behind.</summary>
public class CheckpointSaveTests
{
    private static TinyMlp Model() => new(4, 5, 3, new Generator(1));

    private static string Temporary(string dir, string name) => Path.Combine(dir, $".{name}.{Guid.NewGuid():N}.tmp");

    [Fact]
    public void ANextSaveRemovesTheTemporaryFilesOfAKilledOne()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.ckpt");
        // What a save killed between writing and moving leaves: a half-written temporary file beside the target.
        var stale = new[] { Temporary(dir.Path, "m.ckpt"), Temporary(dir.Path, "m.ckpt") };
        foreach (var s in stale) File.WriteAllBytes(s, [0x89, 0x41, 0x47]);
        // Not ours: another target's temporary file, and names that only look alike.
        var others = new[] { Temporary(dir.Path, "other.ckpt"), dir.File(".m.ckpt.notahexguid.tmp"), dir.File(".m.ckpt." + new string('A', 32) + ".tmp"), dir.File("m.ckpt.bak") };
        foreach (var o in others) File.WriteAllText(o, "keep");

        Checkpoint.Save(path, Model());

        Assert.All(stale, s => Assert.False(File.Exists(s), s));
        Assert.All(others, o => Assert.True(File.Exists(o), o));
        Checkpoint.Load(path, Model());
    }

    [Fact]
    public void ATemporaryFileThatASaveIsStillWritingIsLeftAlone()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.ckpt");
        var busy = Temporary(dir.Path, "m.ckpt");
        // A save in progress holds its temporary file open exclusively.
        using (var writer = new FileStream(busy, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            writer.WriteByte(1);
            Checkpoint.Save(path, Model());
            Assert.True(File.Exists(busy));
        }
        Checkpoint.Save(path, Model());
        Assert.False(File.Exists(busy));
    }

    [Fact]
    public void ATargetInADirectoryThatDoesNotExistIsNamed()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "missing", "m.ckpt");
        var e = Assert.ThrowsAny<IOException>(() => Checkpoint.Save(path, Model()));
        Assert.Equal($"Checkpoint.Save: cannot write '{path}': the directory '{Path.Combine(dir.Path, "missing")}' does not exist", e.Message);
    }

    [Fact]
    public void ATargetUnderAFileIsNamed()
    {
        using var dir = new TempDirectory();
        var file = dir.File("plain");
        File.WriteAllText(file, "x");
        var path = Path.Combine(file, "m.ckpt");
        var e = Assert.ThrowsAny<IOException>(() => Checkpoint.Save(path, Model()));
        Assert.Equal($"Checkpoint.Save: cannot write '{path}': '{file}' is a file, not a directory", e.Message);
    }

    [Fact]
    public void ADirectoryAsTheTargetIsNamed()
    {
        using var dir = new TempDirectory();
        var e = Assert.ThrowsAny<IOException>(() => Checkpoint.Save(dir.Path, Model()));
        Assert.Equal($"Checkpoint.Save: cannot write '{dir.Path}': it is a directory; give a file name", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AnUnwritablePlaceIsReportedForTheTargetNotTheTemporaryFile()
    {
        // /proc refuses new files even to root (so does a directory without write permission to anyone else).
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self")) return;
        var path = "/proc/self/m.ckpt";
        var e = Assert.ThrowsAny<IOException>(() => Checkpoint.Save(path, Model()));
        Assert.StartsWith($"Checkpoint.Save: cannot write '{path}': ", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ReadingADirectorySaysItIsOne()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Read(dir.Path));
        Assert.Equal($"checkpoint '{dir.Path}': is a directory, not a checkpoint file", e.Message);
    }

    [Theory]
    [InlineData(".m.ckpt.0123456789abcdef0123456789abcdef.tmp", "m.ckpt", true)]
    [InlineData(".m.ckpt.0123456789abcdef0123456789abcde.tmp", "m.ckpt", false)]
    [InlineData(".m.ckpt.0123456789ABCDEF0123456789abcdef.tmp", "m.ckpt", false)]
    [InlineData(".x.m.ckpt.0123456789abcdef0123456789abcdef.tmp", "m.ckpt", false)]
    [InlineData(".a*.0123456789abcdef0123456789abcdef.tmp", "a*", true)]
    [InlineData(".ab.0123456789abcdef0123456789abcdef.tmp", "a*", false)]
    public void OnlyExactlyTheTemporaryNamesOfTheTargetMatch(string file, string name, bool expected) =>
        Assert.Equal(expected, Checkpoint.IsTemporaryOf(file, name));
}
