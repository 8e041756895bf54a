using AutoGrad.Data;
using AutoGrad.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace AutoGrad.Tests.Data;

public class ImageTransformTests
{
    private static float[] Ramp(ImageShape s) => Enumerable.Range(1, s.Size).Select(i => (float)i).ToArray();

    /// <summary>The shift by (dy, dx) written as the definition: out[c, y, x] = in[c, y + dy, x + dx], else the fill.</summary>
    private static float[] ShiftReference(float[] img, ImageShape s, int dy, int dx, float fill)
    {
        var r = new float[img.Length];
        for (int c = 0; c < s.Channels; c++)
            for (int y = 0; y < s.Height; y++)
                for (int x = 0; x < s.Width; x++)
                {
                    int sy = y + dy, sx = x + dx;
                    bool inside = sy >= 0 && sy < s.Height && sx >= 0 && sx < s.Width;
                    r[(c * s.Height + y) * s.Width + x] = inside ? img[(c * s.Height + sy) * s.Width + sx] : fill;
                }
        return r;
    }

    [Fact]
    public void ShiftMatchesItsDefinitionProperty()
    {
        var gen = from c in Gen.Choose(1, 3)
                  from h in Gen.Choose(1, 7)
                  from w in Gen.Choose(1, 7)
                  from dy in Gen.Choose(-8, 8)
                  from dx in Gen.Choose(-8, 8)
                  select (new ImageShape(c, h, w), dy, dx);
        FsCheck.Check.One(PropertyConfig.For(200), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (s, dy, dx) = t;
            var img = Ramp(s);
            var expected = ShiftReference(img, s, dy, dx, -1);
            float[] scratch = [];
            RandomCrop.Shift(img, s, dy, dx, -1, ref scratch);
            return img.SequenceEqual(expected);
        }));
    }

    [Fact]
    public void RandomCropDrawsEveryShiftUpToThePadding()
    {
        // A single bright pixel in the middle of a 7×7 image shows where the crop moved it.
        var s = new ImageShape(1, 7, 7);
        var crop = new RandomCrop(2);
        var random = new Generator(3);
        var seen = new HashSet<(int, int)>();
        for (int i = 0; i < 2000; i++)
        {
            var img = new float[49];
            img[3 * 7 + 3] = 1;
            crop.Apply(img, s, random);
            int at = Array.IndexOf(img, 1f);
            Assert.True(at >= 0);
            Assert.Equal(1f, img.Sum());
            seen.Add((at / 7 - 3, at % 7 - 3));
        }
        Assert.Equal(25, seen.Count);
        Assert.All(seen, d => Assert.True(Math.Abs(d.Item1) <= 2 && Math.Abs(d.Item2) <= 2));
    }

    [Fact]
    public void ZeroPaddingIsTheIdentity()
    {
        var s = new ImageShape(2, 3, 4);
        var img = Ramp(s);
        new RandomCrop(0).Apply(img, s, new Generator(1));
        Assert.Equal(Ramp(s), img);
    }

    [Fact]
    public void FlipMirrorsEveryRowOfEveryChannel()
    {
        var s = new ImageShape(2, 2, 3);
        float[] img = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        new RandomHorizontalFlip(1).Apply(img, s, new Generator(1));
        Assert.Equal([3f, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10], img);
        new RandomHorizontalFlip(0).Apply(img, s, new Generator(1));
        Assert.Equal([3f, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10], img);
    }

    [Fact]
    public void FlipHappensAboutHalfTheTime()
    {
        var s = new ImageShape(1, 1, 2);
        var flip = new RandomHorizontalFlip();
        var random = new Generator(5);
        int flipped = 0;
        for (int i = 0; i < 4000; i++)
        {
            float[] img = [0, 1];
            flip.Apply(img, s, random);
            if (img[0] == 1) flipped++;
        }
        Assert.InRange(flipped, 1800, 2200);
    }

    [Fact]
    public void NoiseHasTheStandardDeviationAndIsClamped()
    {
        var s = new ImageShape(1, 100, 100);
        var img = Enumerable.Repeat(0.5f, s.Size).ToArray();
        new GaussianNoise(0.1, float.NegativeInfinity, float.PositiveInfinity).Apply(img, s, new Generator(2));
        double mean = img.Average(v => (double)v), sd = Math.Sqrt(img.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, 0.497, 0.503);
        Assert.InRange(sd, 0.097, 0.103);
        var clamped = Enumerable.Repeat(0.95f, s.Size).ToArray();
        new GaussianNoise(0.5).Apply(clamped, s, new Generator(2));
        Assert.All(clamped, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(clamped, v => v == 1f);
    }

    [Fact]
    public void ComposeAppliesInOrder()
    {
        var s = new ImageShape(1, 1, 3);
        // Flip then shift right by one (dx = -1 reads the left neighbour) is not shift then flip.
        float[] a = [1, 2, 3];
        var flipThenShift = ImageTransform.Compose(new RandomHorizontalFlip(1), new FixedShift(0, -1));
        flipThenShift.Apply(a, s, new Generator(1));
        Assert.Equal([0f, 3, 2], a);
        float[] b = [1, 2, 3];
        ImageTransform.Compose(new FixedShift(0, -1), new RandomHorizontalFlip(1)).Apply(b, s, new Generator(1));
        Assert.Equal([2f, 1, 0], b);
    }

    private sealed class FixedShift(int dy, int dx) : ImageTransform
    {
        private float[] _scratch = [];
        public override void Apply(Span<float> image, ImageShape shape, Generator random) => RandomCrop.Shift(image, shape, dy, dx, 0, ref _scratch);
    }

    [Fact]
    public void BadArgumentsAreRefusedWithTheirValues()
    {
        Assert.Contains("padding must be >= 0, got -1", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomCrop(-1)).Message);
        Assert.Contains("p must be in [0, 1], got 1.5", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomHorizontalFlip(1.5)).Message);
        Assert.Contains("std must be a finite number >= 0, got -0.1", Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoise(-0.1)).Message);
        Assert.Contains("transform 1 is null", Assert.Throws<ArgumentNullException>(() => ImageTransform.Compose(new RandomCrop(1), null!)).Message);
        var e = Assert.Throws<ArgumentException>(() => new RandomCrop(1).ApplyBatch(new float[10], 2, new ImageShape(1, 2, 3), new Generator(1)));
        Assert.Contains("a batch of 2 images of 1×2×3 needs 12 floats, the span holds 10", e.Message);
    }
}
