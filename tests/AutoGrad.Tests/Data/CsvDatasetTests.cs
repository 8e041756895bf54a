using System.IO.Compression;
using AutoGrad.Data;
using AutoGrad.Tests.Support;

namespace AutoGrad.Tests.Data;

public class CsvDatasetTests
{
    private static string Write(TempDirectory dir, string name, string text)
    {
        var path = dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ReadsFeaturesThenIntegerLabels()
    {
        using var dir = new TempDirectory();
        var d = CsvDataset.Load(Write(dir, "a.csv", "1.5,2,0\n-3,4e-1,2\n\n0,0,1\n"));
        Assert.Equal(3, d.Count);
        Assert.Equal(2, d.FeatureCount);
        Assert.Equal([1.5f, 2f, -3f, 0.4f, 0f, 0f], d.Features.ToFloatArray());
        Assert.Equal([0, 2, 1], d.Labels);
        Assert.Equal(3, d.ClassCount);
    }

    [Fact]
    public void ReadsAHeaderAndNamedLabelsInSortedOrder()
    {
        using var dir = new TempDirectory();
        var d = CsvDataset.Load(Write(dir, "iris.csv", "sepal;petal;species\n 5.1 ; 1.4 ; setosa\n7.0;4.7;versicolor\n6.3;6.0;virginica\n5.0;1.5;setosa\n"), hasHeader: true, separator: ';');
        Assert.Equal(["setosa", "versicolor", "virginica"], d.ClassNames);
        Assert.Equal([0, 1, 2, 0], d.Labels);
        Assert.Equal(5.1f, d.Features[0, 0]);
    }

    [Fact]
    public void GivenClassNamesFixTheMapping()
    {
        using var dir = new TempDirectory();
        var d = CsvDataset.Load(Write(dir, "t.csv", "1,b\n2,a\n3,1\n"), classNames: ["b", "a", "c"]);
        Assert.Equal([0, 1, 1], d.Labels);
        Assert.Equal(3, d.ClassCount);
        var e = Assert.Throws<InvalidDataException>(() => CsvDataset.Load(Write(dir, "u.csv", "1,b\n2,z\n"), classNames: ["a", "b"]));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("'z'", e.Message);
    }

    [Fact]
    public void ReadsGzippedFiles()
    {
        using var dir = new TempDirectory();
        var path = dir.File("d.csv.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        using (var w = new StreamWriter(gz)) w.Write("1,2,1\n3,4,0\n");
        var d = CsvDataset.Load(path);
        Assert.Equal([1f, 2f, 3f, 4f], d.Features.ToFloatArray());
    }

    [Theory]
    [InlineData("1,2,0\n3,4\n", "line 2", "found 2 fields, expected 3")]
    [InlineData("1,2,0\n3,x,1\n", "line 2", "field 2 (feature 2) is 'x', not a number")]
    [InlineData("1,2,0\n\n3,,1\n", "line 3", "field 2 (feature 2) is empty")]
    [InlineData("1,2,0\n3,4,\n", "line 2", "the label (field 3) is empty")]
    [InlineData("1,NaN,0\n", "line 1", "not a finite")]
    [InlineData("1,1e60,0\n", "line 1", "not a finite")]
    [InlineData("42\n", "line 1", "at least one feature")]
    [InlineData("", "no data rows", "feature1")]
    [InlineData("\n\n", "no data rows", "")]
    public void MalformedFilesAreRefusedNamingFileLineAndProblem(string text, string where, string what)
    {
        using var dir = new TempDirectory();
        var path = Write(dir, "bad.csv", text);
        var e = Assert.Throws<InvalidDataException>(() => CsvDataset.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(where, e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void AHeaderWithoutRowsOrOfTheWrongWidthIsRefused()
    {
        using var dir = new TempDirectory();
        Assert.Contains("after the header", Assert.Throws<InvalidDataException>(() => CsvDataset.Load(Write(dir, "h.csv", "a,b,label\n"), hasHeader: true)).Message);
        var e = Assert.Throws<InvalidDataException>(() => CsvDataset.Load(Write(dir, "w.csv", "a,b,label\n1,2\n"), hasHeader: true));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("as on line 1", e.Message);
    }

    [Fact]
    public void TabsAndSpacesWorkAsSeparatorsButLineBreaksDoNot()
    {
        var d = CsvDataset.Read(new StringReader("1\t2\t0\n3\t4\t1\n"), "tabs", separator: '\t');
        Assert.Equal([1f, 2f, 3f, 4f], d.Features.ToFloatArray());
        Assert.Equal(2, CsvDataset.Read(new StringReader("1 2 0\n"), "spaces", separator: ' ').FeatureCount);
        Assert.Equal("separator", Assert.Throws<ArgumentException>(() => CsvDataset.Read(new StringReader("1"), "x", separator: '\n')).ParamName);
    }

    [Fact]
    public void AMissingFileIsReported()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CsvDataset.Load("/nonexistent/data.csv"));
        Assert.Contains("/nonexistent/data.csv", e.Message);
    }

    [Fact]
    public void ACorruptGzipIsReportedWithTheFileName()
    {
        using var dir = new TempDirectory();
        var path = dir.File("broken.csv.gz");
        File.WriteAllBytes(path, [0x1F, 0x8B, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        var e = Assert.Throws<InvalidDataException>(() => CsvDataset.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-1")]
    [InlineData("1e3")]
    public void NumericLabelsMustBeNonNegativeIntegers(string bad)
    {
        var e = Assert.Throws<InvalidDataException>(() => CsvDataset.Read(new StringReader($"1,0\n2,1\n3,{bad}\n"), "d.csv"));
        Assert.Equal($"d.csv, line 3: label '{bad}' is not a non-negative integer; labels are class indices 0, 1, 2, ...", e.Message);
    }

    [Fact]
    public void IntegerLabelsModeRefusesNames()
    {
        Assert.Equal(["cat", "dog"], CsvDataset.Read(new StringReader("1,cat\n2,dog\n"), "d.csv").ClassNames);
        var e = Assert.Throws<InvalidDataException>(() => CsvDataset.Read(new StringReader("1,0\n2,cat\n"), "d.csv", integerLabels: true));
        Assert.Equal("d.csv, line 2: label 'cat' is not a non-negative integer; labels are class indices 0, 1, 2, ...", e.Message);
    }

    [Fact]
    public void AbsurdClassCountsAreRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => CsvDataset.Read(new StringReader("1,0\n2,10000\n"), "d.csv"));
        Assert.Equal("d.csv, line 2: label 10000 would make 10001 classes; labels are class indices 0, 1, ..., at most 9999", e.Message);
        var huge = Assert.Throws<InvalidDataException>(() => CsvDataset.Read(new StringReader("1,0\n2,99999999999\n"), "d.csv"));
        Assert.Equal("d.csv, line 2: label '99999999999' is too large; labels are class indices 0, 1, ..., at most 9999", huge.Message);
        Assert.Equal(10000, CsvDataset.Read(new StringReader("1,0\n2,9999\n"), "d.csv").ClassCount);
    }
}
