using System.Globalization;

namespace AutoGrad.Data;

/// <summary>
/// Loads a directory in the MNIST layout (MNIST, Fashion-MNIST, KMNIST...): the four IDX files
/// <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>,
/// <c>t10k-labels-idx1-ubyte</c>, each optionally gzipped (<c>.gz</c>); the variant names with a
/// dot (<c>train-images.idx3-ubyte</c>) are accepted too. Images become rows of
/// <c>rows·columns</c> features scaled to [0, 1] (byte/255).
/// </summary>
public static class MnistFormat
{
    /// <summary>The directory used when none is given: Debian's <c>dataset-fashion-mnist</c> package.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The environment variable naming the data directory (<c>AUTOGRAD_DATA</c>).</summary>
    public const string EnvironmentVariable = "AUTOGRAD_DATA";

    /// <summary>Fashion-MNIST's ten classes, in label order.</summary>
    public static IReadOnlyList<string> FashionClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Where MNIST itself is looked for when no directory is given, if it exists (no Debian package installs it).</summary>
    public const string DefaultMnistDirectory = "/usr/share/datasets/mnist";

    /// <summary>The four file names of the MNIST layout, in the order train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>
    /// The directory to read: <paramref name="dataDirectory"/> if given, else <c>$AUTOGRAD_DATA</c>,
    /// else <see cref="DefaultDirectory"/> (Fashion-MNIST's). For another data set use the overload
    /// that takes its default directory.
    /// </summary>
    public static string ResolveDirectory(string? dataDirectory = null) => ResolveDirectory(dataDirectory, DefaultDirectory)!;

    /// <summary>
    /// The directory to read: <paramref name="dataDirectory"/> if given, else <c>$AUTOGRAD_DATA</c>,
    /// else <paramref name="defaultDirectory"/> (which may be null: then null is returned and the
    /// caller says the directory must be given).
    /// </summary>
    public static string? ResolveDirectory(string? dataDirectory, string? defaultDirectory)
    {
        if (!string.IsNullOrWhiteSpace(dataDirectory)) return dataDirectory;
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(env) ? defaultDirectory : env;
    }

    /// <summary>
    /// Loads the training and test sets of <paramref name="directory"/>. Class names default to
    /// "0", "1", ... for as many classes as the labels use.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the four files is missing; the message lists the names looked for.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or images and labels disagree; the message says what was expected.</exception>
    public static (Dataset Train, Dataset Test) Load(string directory, IReadOnlyList<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"MNIST-format data: no directory '{directory}'; {Expected}");
        var (trainX, trainY, shape) = ReadPair(Find(directory, "train-images", "idx3"), Find(directory, "train-labels", "idx1"));
        var (testX, testY, testShape) = ReadPair(Find(directory, "t10k-images", "idx3"), Find(directory, "t10k-labels", "idx1"));
        if (shape != testShape)
            throw new InvalidDataException($"MNIST-format data in '{directory}': training images are {shape.Rows}×{shape.Cols} but test images are {testShape.Rows}×{testShape.Cols}; both sets must have the same image size");
        int k = Math.Max(trainY.DefaultIfEmpty(-1).Max(), testY.DefaultIfEmpty(-1).Max()) + 1;
        if (classNames is not null)
        {
            if (k > classNames.Count)
                throw new InvalidDataException($"MNIST-format data in '{directory}': a label is {k - 1} but only {classNames.Count} class names were given");
            k = classNames.Count;
        }
        var names = classNames ?? Enumerable.Range(0, k).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        int d = shape.Rows * shape.Cols;
        var image = new ImageShape(1, shape.Rows, shape.Cols);
        return (new Dataset(Wrap(trainX, trainY.Length, d), trainY, k, names, image),
                new Dataset(Wrap(testX, testY.Length, d), testY, k, names, image));
    }

    /// <summary>Loads Fashion-MNIST from <paramref name="directory"/>, with its class names.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist (the message says how to install the data).</exception>
    /// <exception cref="FileNotFoundException">A file is missing (the message says how to install the data).</exception>
    /// <exception cref="InvalidDataException">A file is malformed.</exception>
    public static (Dataset Train, Dataset Test) LoadFashionMnist(string directory)
    {
        try
        {
            return Load(directory, FashionClassNames);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DirectoryNotFoundException($"{e.Message}. {FashionInstallHint}", e);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{e.Message}. {FashionInstallHint}", e.FileName, e);
        }
    }

    /// <summary>How to install Fashion-MNIST on Debian or Ubuntu, in one sentence.</summary>
    public const string FashionInstallHint = "On Debian or Ubuntu, 'apt-get install dataset-fashion-mnist' installs Fashion-MNIST in " + DefaultDirectory;

    /// <summary>Reads one images file (rank 3, unsigned bytes) and its labels file (rank 1, unsigned bytes) into a data set.</summary>
    /// <exception cref="InvalidDataException">A file is malformed, or the counts differ.</exception>
    public static Dataset LoadPair(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null)
    {
        var (x, y, shape) = ReadPair(imagesPath, labelsPath);
        int k = classNames?.Count ?? y.DefaultIfEmpty(-1).Max() + 1;
        if (classNames is not null && y.Length > 0 && y.Max() >= k)
            throw new InvalidDataException($"{labelsPath}: a label is {y.Max()} but only {k} class names were given");
        return new Dataset(Wrap(x, y.Length, shape.Rows * shape.Cols), y, k, classNames, new ImageShape(1, shape.Rows, shape.Cols));
    }

    private static (float[] X, int[] Y, (int Rows, int Cols) Shape) ReadPair(string imagesPath, string labelsPath)
    {
        var images = IdxFile.Read(imagesPath);
        if (images.DataType != IdxDataType.UInt8 || images.Dimensions.Count != 3)
            throw new InvalidDataException($"{imagesPath}: wrong magic number {Magic(images)} for an images file; expected 0x00000803 (unsigned bytes, 3 dimensions: count, rows, columns)");
        if (images.Dimensions[0] == 0)
            throw new InvalidDataException($"{imagesPath}: holds 0 images; expected at least one");
        if (images.Dimensions[1] == 0 || images.Dimensions[2] == 0)
            throw new InvalidDataException($"{imagesPath}: images of {images.Dimensions[1]}×{images.Dimensions[2]} pixels; expected at least one row and one column");
        var labels = IdxFile.Read(labelsPath);
        if (labels.DataType != IdxDataType.UInt8 || labels.Dimensions.Count != 1)
            throw new InvalidDataException($"{labelsPath}: wrong magic number {Magic(labels)} for a labels file; expected 0x00000801 (unsigned bytes, 1 dimension: the count)");
        if (images.Dimensions[0] != labels.Dimensions[0])
            throw new InvalidDataException($"{imagesPath} holds {images.Dimensions[0]} images but {labelsPath} holds {labels.Dimensions[0]} labels; expected one label per image");
        return (images.ToFloatArray(1.0 / 255), labels.ToInt32Array(), (images.Dimensions[1], images.Dimensions[2]));
    }

    private static string Magic(IdxFile f) => $"0x0000{(byte)f.DataType:X2}{f.Dimensions.Count:X2}";

    // 60,000 Fashion-MNIST images are 188 MB as float32: take ownership of the array instead of copying it.
    private static Tensor Wrap(float[] x, int rows, int cols) => new([rows, cols], DType.Float32, new Storage(x));

    private static string Find(string directory, string stem, string kind)
    {
        string[] names = [$"{stem}-{kind}-ubyte", $"{stem}-{kind}-ubyte.gz", $"{stem}.{kind}-ubyte", $"{stem}.{kind}-ubyte.gz"];
        foreach (var n in names)
        {
            var p = Path.Combine(directory, n);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"MNIST-format data: '{directory}' has no {names[0]} (nor {string.Join(", ", names[1..])}); {Expected}", Path.Combine(directory, names[0]));
    }

    /// <summary>What a directory in the MNIST layout holds, in one sentence (for error messages).</summary>
    public const string Expected =
        "expected a directory with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally gzipped (.gz)";
}
