namespace AutoGrad.Cli.Training;

/// <summary>Everything <c>autograd train</c> was asked to do, validated.</summary>
public sealed record TrainOptions
{
    public string Dataset { get; init; } = "digits";
    public string? DataDir { get; init; }
    public bool CsvHeader { get; init; }
    public string Model { get; init; } = "mlp";
    public int[] Hidden { get; init; } = [128];
    public string Activation { get; init; } = "relu";
    public double Dropout { get; init; }

    /// <summary>Output channels of the cnn's conv-ReLU-pool blocks (<c>--conv</c>).</summary>
    public int[] Conv { get; init; } = [32, 64];

    /// <summary>Batch norm after each of the cnn's convolutions (<c>--batch-norm</c>).</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Augmentations of the cnn's training batches (<c>--augment</c>): shift, flip, noise; empty for none.</summary>
    public string[] Augment { get; init; } = [];
    public double L1 { get; init; }
    public double L2 { get; init; }
    public double WeightDecay { get; init; }
    public string Optimizer { get; init; } = "adam";
    public double LearningRate { get; init; } = 0.003;
    public string Schedule { get; init; } = "cosine";
    public int BatchSize { get; init; } = 32;
    public int Epochs { get; init; } = 30;
    public double Holdout { get; init; } = 0.1;
    public double TestFraction { get; init; } = 0.2;
    public int EarlyStopping { get; init; }
    public ulong Seed { get; init; }
    public int Threads { get; init; } = Math.Min(2, Environment.ProcessorCount);
    public string? Save { get; init; }
    public string? Plot { get; init; }

    /// <summary>Stacked recurrent layers (<c>--layers</c>; rnn, lstm, gru).</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Past values per input of a time series (<c>--window</c>); null: the series' default (12 years of sunspots, 52 weeks of CO₂).</summary>
    public int? Window { get; init; }

    /// <summary>Time steps per batch of truncated backpropagation through time on text (<c>--bptt</c>).</summary>
    public int Bptt { get; init; } = 64;

    /// <summary>Maximum global L2 norm of the gradients of a recurrent model (<c>--clip</c>; 0 = off).</summary>
    public double Clip { get; init; } = 5;

    /// <summary>Run every step eagerly instead of replaying a step captured on the first full batch (same results).</summary>
    public bool EagerSteps { get; init; }

    /// <summary>Run every step eagerly in anomaly mode (<c>--detect-anomaly</c>): the first non-finite value an op produces stops training, naming the op.</summary>
    public bool DetectAnomaly { get; init; }

    /// <summary>The options given on the command line (e.g. "--hidden"), so options that do not apply can be refused instead of ignored.</summary>
    public IReadOnlySet<string> Explicit { get; init; } = new HashSet<string>();

    /// <summary>Options that only the mlp model uses.</summary>
    public static readonly string[] MlpOnly = ["--activation"];

    /// <summary>Options of the models with hidden layers (mlp, the cnn's dense head, the recurrent models).</summary>
    public static readonly string[] HiddenLayerOnly = ["--hidden", "--dropout"];

    /// <summary>Options that only the recurrent models use.</summary>
    public static readonly string[] RecurrentOnly = ["--layers", "--clip", "--window", "--bptt"];

    /// <summary>Options the recurrent models do not use (their steps always run eagerly).</summary>
    public static readonly string[] NotForRecurrent = ["--eager-steps"];

    /// <summary>Options that only the cnn uses.</summary>
    public static readonly string[] CnnOnly = ["--conv", "--batch-norm", "--augment"];

    public static readonly string[] Augmentations = ["none", "shift", "flip", "noise"];

    /// <summary>Options the perceptron does not use: it is trained by its rule, SGD with learning rate 1 one example at a time, with no penalty.</summary>
    public static readonly string[] NotForPerceptron = ["--optimizer", "--lr", "--schedule", "--batch-size", "--l1", "--l2", "--weight-decay"];

    public static readonly string[] Models = ["mlp", "cnn", "softmax", "logistic", "perceptron", "rnn", "lstm", "gru"];

    /// <summary>Whether the model is recurrent (rnn, lstm, gru: trained on sequence data sets).</summary>
    public bool IsRecurrent => SequenceModel.IsRecurrent(Model);
    public static readonly string[] Activations = ["relu", "sigmoid", "tanh"];
    public static readonly string[] Schedules = ["none", "step", "exponential", "cosine"];

    /// <summary>Checks every value, naming the option, the value and what is allowed.</summary>
    /// <exception cref="UserError">A value is out of range or unknown.</exception>
    public TrainOptions Validated()
    {
        static string F(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!Models.Contains(Model)) throw new UserError($"--model must be one of {string.Join(", ", Models)}, got '{Model}'");
        if (!Activations.Contains(Activation)) throw new UserError($"--activation must be one of {string.Join(", ", Activations)}, got '{Activation}'");
        if (!AutoGrad.Optim.Optimizer.Kinds.Contains(Optimizer)) throw new UserError($"--optimizer must be one of {string.Join(", ", AutoGrad.Optim.Optimizer.Kinds)}, got '{Optimizer}'");
        if (!Schedules.Contains(Schedule)) throw new UserError($"--schedule must be one of {string.Join(", ", Schedules)}, got '{Schedule}'");
        if (Hidden.Any(h => h <= 0)) throw new UserError($"--hidden sizes must be positive integers, got '{string.Join(",", Hidden)}'");
        if (!(Dropout >= 0 && Dropout < 1)) throw new UserError($"--dropout must be in [0, 1), got {F(Dropout)}");
        if (!(L1 >= 0) || double.IsInfinity(L1)) throw new UserError($"--l1 must be a finite number >= 0, got {F(L1)}");
        if (!(L2 >= 0) || double.IsInfinity(L2)) throw new UserError($"--l2 must be a finite number >= 0, got {F(L2)}");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new UserError($"--weight-decay must be a finite number >= 0, got {F(WeightDecay)}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new UserError($"--lr must be a finite number > 0, got {F(LearningRate)}");
        if (BatchSize <= 0) throw new UserError($"--batch-size must be > 0, got {BatchSize}");
        if (Epochs <= 0) throw new UserError($"--epochs must be > 0, got {Epochs}");
        if (!(Holdout >= 0 && Holdout < 1)) throw new UserError($"--holdout must be in [0, 1), got {F(Holdout)}");
        if (EarlyStopping < 0) throw new UserError($"--early-stopping must be >= 0 (0 = off), got {EarlyStopping}");
        if (EarlyStopping > 0 && Holdout == 0) throw new UserError("--early-stopping needs a holdout set: give --holdout a fraction > 0");
        if (Threads < 1) throw new UserError($"--threads must be >= 1, got {Threads}");
        if (Plot is not null && !Plot.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)) throw new UserError($"--plot writes an SVG file: give a name ending in .svg, got '{Plot}'");
        if (Model != "mlp" && MlpOnly.FirstOrDefault(Explicit.Contains) is { } mlpOption)
            throw new UserError($"{mlpOption} applies only to --model mlp, not to --model {Model}");
        if (Model is not ("mlp" or "cnn") && !IsRecurrent && HiddenLayerOnly.FirstOrDefault(Explicit.Contains) is { } hiddenOption)
            throw new UserError($"{hiddenOption} applies only to --model mlp, cnn, rnn, lstm and gru, not to --model {Model}");
        if (!IsRecurrent && RecurrentOnly.FirstOrDefault(Explicit.Contains) is { } recurrentOption)
            throw new UserError($"{recurrentOption} applies only to --model rnn, lstm and gru, not to --model {Model}");
        if (IsRecurrent) CheckRecurrent();
        else if (SequenceSources.IsSequence(Dataset))
            throw new UserError($"--dataset {Dataset} is a {(SequenceSources.IsSeries(Dataset) ? "time series" : "text")}: train it with --model rnn, lstm or gru, not --model {Model}");
        if (Model != "cnn" && CnnOnly.FirstOrDefault(Explicit.Contains) is { } cnnOption)
            throw new UserError($"{cnnOption} applies only to --model cnn, not to --model {Model}");
        if (Conv.Length == 0 || Conv.Any(c => c <= 0)) throw new UserError($"--conv takes positive channel counts separated by commas (e.g. 32,64), got '{string.Join(",", Conv)}'");
        if (Augment.FirstOrDefault(a => !Augmentations.Contains(a)) is { } badAugment)
            throw new UserError($"--augment takes {string.Join(", ", Augmentations)} separated by commas (e.g. shift,flip), got '{badAugment}'");
        if (Model == "perceptron" && NotForPerceptron.FirstOrDefault(Explicit.Contains) is { } perceptronOption)
            throw new UserError($"{perceptronOption} does not apply to --model perceptron, which trains by the perceptron rule (SGD with learning rate 1, one example at a time, no penalty)");
        CheckDataOptions(Dataset, DataDir, CsvHeader);
        if (Save is not null) CheckWritable("--save", Save);
        if (Plot is not null) CheckWritable("--plot", Plot);
        return this;
    }

    /// <summary>The recurrent models' options: a sequence data set, one hidden size, --window for series and --bptt for text.</summary>
    private void CheckRecurrent()
    {
        static string F(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!SequenceSources.IsSequence(Dataset))
            throw new UserError($"--model {Model} needs a sequence data set: {SequenceSources.Describe()}; got '{Dataset}'");
        if (NotForRecurrent.FirstOrDefault(Explicit.Contains) is { } option)
            throw new UserError($"{option} does not apply to --model {Model}, whose steps always run eagerly");
        if (Hidden.Length != 1)
            throw new UserError($"--hidden takes one size for --model {Model} (the units of every layer; stack layers with --layers), got '{string.Join(",", Hidden)}'");
        if (Layers < 1) throw new UserError($"--layers must be >= 1, got {Layers}");
        if (!(Clip >= 0) || double.IsInfinity(Clip)) throw new UserError($"--clip must be a finite number >= 0 (0 = off), got {F(Clip)}");
        bool series = SequenceSources.IsSeries(Dataset);
        if (!series && Explicit.Contains("--window"))
            throw new UserError($"--window applies only to a time series (--dataset {string.Join(" or ", SequenceSources.Series.Select(s => s.Name))}); on text the sequence length is --bptt");
        if (series && Explicit.Contains("--bptt"))
            throw new UserError($"--bptt applies only to text (--dataset {SequenceSources.TextPrefix}FILE); on a time series the sequence length is --window");
        if (Window is int w && w < 1) throw new UserError($"--window must be >= 1, got {w}");
        if (Bptt < 1) throw new UserError($"--bptt must be >= 1, got {Bptt}");
    }

    /// <summary>--data-dir only for IDX data sets, --csv-header only for CSV files.</summary>
    /// <exception cref="UserError">One is given for a data set it does not apply to.</exception>
    public static void CheckDataOptions(string dataset, string? dataDir, bool csvHeader)
    {
        if (dataDir is not null && !DataSources.IsIdx(dataset))
            throw new UserError($"--data-dir applies only to --dataset fashion-mnist or mnist, not to '{dataset}'");
        if (csvHeader && !DataSources.IsCsv(dataset))
            throw new UserError($"--csv-header applies only to a .csv file given as --dataset, not to '{dataset}'");
    }

    /// <summary>The file's directory must exist and be writable, checked before training starts.</summary>
    /// <exception cref="UserError">It is not.</exception>
    public static void CheckWritable(string option, string path)
    {
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UserError($"{option}: '{path}' is not a valid file name");
        }
        if (Directory.Exists(full)) throw new UserError($"{option}: '{path}' is a directory; give a file name");
        string dir = Path.GetDirectoryName(full) ?? full;
        if (!Directory.Exists(dir))
            throw new UserError(File.Exists(dir)
                ? $"{option}: cannot write '{path}': '{dir}' is a file, not a directory"
                : $"{option}: cannot write '{path}': the directory '{dir}' does not exist");
        try
        {
            using (File.Create(Path.Combine(dir, $".autograd-{Guid.NewGuid():N}.tmp"), 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"{option}: cannot write '{path}': the directory '{dir}' is not writable");
        }
    }
}
