using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

/// <summary>Data sets whose rows are images, and loaders that give them as NCHW batches, augmented or not.</summary>
public class ImageDataTests
{
    /// <summary>n images of 1×2×3 whose pixels are 10·i + p, so a batch tells which rows it holds.</summary>
    private static Dataset Images(int n)
    {
        var x = new float[n * 6];
        for (int i = 0; i < n; i++) for (int p = 0; p < 6; p++) x[i * 6 + p] = 10 * i + p;
        return new Dataset(Tensor.FromArray(x, n, 6), Enumerable.Range(0, n).Select(i => i % 2).ToArray(), 2, imageShape: new ImageShape(1, 2, 3));
    }

    [Fact]
    public void TheDigitsAreEightByEightGreyImages()
    {
        var d = EmbeddedDatasets.Digits();
        Assert.Equal(new ImageShape(1, 8, 8), d.ImageShape);
        Assert.Equal([1797, 1, 8, 8], d.Images().Shape.ToArray());
        Assert.Equal(d.Features.ToFloatArray(), d.Images().ToFloatArray());
        Assert.Null(EmbeddedDatasets.Iris().ImageShape);
    }

    [Fact]
    public void SubsetsAndStandardizingKeepTheImageShape()
    {
        var d = Images(5);
        Assert.Equal(d.ImageShape, d.Subset([4, 1]).ImageShape);
        Assert.Equal(d.ImageShape, Standardizer.Fit(d.Features).Transform(d).ImageShape);
    }

    [Fact]
    public void ImageLoadersGiveNchwViewsOfTheRows()
    {
        var loader = new DataLoader(Images(5), 2) { Images = true };
        var shapes = new List<int[]>();
        var values = new List<float>();
        foreach (var (x, _) in loader)
        {
            shapes.Add(x.Shape.ToArray());
            values.AddRange(x.ToFloatArray());
        }
        Assert.Equal([[2, 1, 2, 3], [2, 1, 2, 3], [1, 1, 2, 3]], shapes);
        Assert.Equal(Images(5).Features.ToFloatArray(), values);
    }

    [Fact]
    public void AugmentedEpochsAreSeededAndAllocateNothing()
    {
        List<float[]> Epoch(DataLoader l)
        {
            var r = new List<float[]>();
            foreach (var (x, _) in l) r.Add(x.ToFloatArray());
            return r;
        }
        DataLoader Make() => new(Images(7), 3, new Generator(9)) { Images = true, Augment = ImageTransform.Compose(new RandomCrop(1), new RandomHorizontalFlip()) };
        var a = Make();
        var b = Make();
        var first = Epoch(a);
        Assert.Equal(first, Epoch(b));
        var plain = Epoch(new DataLoader(Images(7), 3, new Generator(9)) { Images = true });
        Assert.NotEqual(plain, first);
        // The shuffle is the same with and without augmentation: the augmentation has its own stream.
        Assert.Equal(plain.Select(p => p.Length), first.Select(p => p.Length));

        foreach (var _ in a) { }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int e = 0; e < 3; e++) foreach (var _ in a) { }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        a.Augment = null;
        Assert.Equal(Epoch(new DataLoader(Images(7), 3, new Generator(9)) { Images = true }).Count, Epoch(a).Count);
    }

    [Fact]
    public void TheShuffleDoesNotChangeWhenAugmentationIsAdded()
    {
        var plain = new DataLoader(Images(20), 4, new Generator(4));
        var augmented = new DataLoader(Images(20), 4, new Generator(4)) { Augment = new GaussianNoise(0.01, float.NegativeInfinity, float.PositiveInfinity) };
        foreach (var _ in plain) { }
        foreach (var _ in augmented) { }
        Assert.Equal(plain.Order.ToArray(), augmented.Order.ToArray());
    }

    [Fact]
    public void ImagesAndAugmentationNeedAnImageShapeAndAGenerator()
    {
        var rows = EmbeddedDatasets.Iris();
        Assert.Contains("have no image shape", Assert.Throws<InvalidOperationException>(() => new DataLoader(rows, 4) { Images = true }).Message);
        Assert.Contains("have no image shape to augment", Assert.Throws<InvalidOperationException>(() => new DataLoader(rows, 4, new Generator(1)) { Augment = new RandomCrop(1) }).Message);
        Assert.Contains("create the loader with a Generator", Assert.Throws<InvalidOperationException>(() => new DataLoader(Images(3), 4) { Augment = new RandomCrop(1) }).Message);
        Assert.Contains("no image shape", Assert.Throws<InvalidOperationException>(() => rows.Images()).Message);
        var e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Zeros(2, 6), [0, 1], imageShape: new ImageShape(1, 2, 2)));
        Assert.Contains("image shape 1×2×2 (C×H×W) holds 4 features but the rows have 6", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.WithImageShape(new ImageShape(0, 2, 2)));
    }
}
