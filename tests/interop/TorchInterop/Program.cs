// The AutoGrad side of the PyTorch round trip that .ci/run drives (docs/interop.md):
//
//   dotnet run --project tests/interop/TorchInterop -- export DIR   trains an MLP and a CNN with batch norm on the digits, builds an LSTM and
//                                                                   a GRU model, and writes their weights (autograd_<model>.safetensors) and
//                                                                   their evaluation-mode outputs on test inputs (autograd_outputs.safetensors)
//   python3 tests/interop/torch_roundtrip.py DIR                      loads them into the equivalent torch.nn models and compares the outputs,
//                                                                   then writes freshly initialized torch models (torch_<model>.safetensors)
//                                                                   and their outputs (torch_outputs.safetensors)
//   dotnet run --project tests/interop/TorchInterop -- import DIR   loads torch's weights into our models and compares the outputs with torch's
//
// Each check of the import prints one [ok] or [FAILED] line; the exit code is the number of failures.
using AutoGrad;
using AutoGrad.Autograd;
using AutoGrad.Data;
using AutoGrad.IO;
using AutoGrad.Losses;
using AutoGrad.NN;
using AutoGrad.Optim;

if (args.Length != 2 || args[0] is not ("export" or "import"))
{
    Console.Error.WriteLine("usage: TorchInterop export|import DIR");
    return 2;
}
string dir = args[1];
Directory.CreateDirectory(dir);
int failures = 0;
void Check(string claim, bool holds)
{
    Console.WriteLine($"[{(holds ? "ok" : "FAILED")}] {claim}");
    if (!holds) failures++;
}

// The four models, each as torch_roundtrip.py builds its twin (the same layers, so the same state_dict names).
var models = new (string Name, Func<ulong, Sequential> Build)[]
{
    ("mlp", seed => Mlp.Create([64, 32, 16, 10], Activation.ReLU, new Generator(seed), dropout: 0.1)),
    ("cnn", seed => Cnn.Create(1, 8, 8, [4, 8], [16], 10, new Generator(seed), batchNorm: true, dropout: 0.2)),
    ("lstm", seed => new Sequential(new Lstm(3, 5, new Generator(seed), layers: 2, bidirectional: true), new LastTimeStep(), new Linear(10, 2, new Generator(seed + 1)))),
    ("gru", seed => new Sequential(new Gru(3, 4, new Generator(seed)), new LastTimeStep(), new Linear(4, 2, new Generator(seed + 1)))),
};

var digits = EmbeddedDatasets.Digits();
var pixels = digits.Features / 16.0;
Tensor Input(string name) => name switch
{
    "mlp" => pixels.Slice(0, 0, 200),
    "cnn" => pixels.Slice(0, 0, 200).Reshape([200, 1, 8, 8]),
    _ => Tensor.Randn(new Generator(77), 6, 7, 3),
};

Tensor Evaluate(Module model, Tensor input)
{
    model.Eval();
    using (Tape.NoGrad()) return model.Forward(input);
}

if (args[0] == "export")
{
    var outputs = new OrderedDictionary<string, Tensor>();
    foreach (var (name, build) in models)
    {
        var model = build(1);
        if (name is "mlp" or "cnn")
        {
            // Trained a little, so the weights and batch norm's running statistics are not their initial values.
            var images = name == "cnn" ? pixels.Reshape([digits.Count, 1, 8, 8]) : pixels;
            var opt = new Adam(model, 0.01);
            var gen = new Generator(2);
            for (int step = 0; step < 60; step++)
            {
                var rows = gen.Permutation(digits.Count).Take(64).ToArray();
                opt.ZeroGrad();
                Loss.SoftmaxCrossEntropy(model.Forward(images.IndexSelect(0, rows)), rows.Select(r => digits.Labels[r]).ToArray()).Backward();
                opt.Step();
            }
        }
        var input = Input(name);
        outputs[$"{name}.input"] = input;
        outputs[$"{name}.output"] = Evaluate(model, input);
        var path = Path.Combine(dir, $"autograd_{name}.safetensors");
        Safetensors.Save(path, model, new Dictionary<string, string> { ["model"] = name, ["written-by"] = "AutoGrad" });
        Console.WriteLine($"wrote {path}: {model.StateDict().Count} tensors ({string.Join(", ", model.StateDict().Keys.Take(4))}, ...)");
    }
    Safetensors.Save(Path.Combine(dir, "autograd_outputs.safetensors"), outputs);
    return failures;
}

// import: PyTorch's weights into our models.
var torchOutputs = Safetensors.Load(Path.Combine(dir, "torch_outputs.safetensors"));
foreach (var (name, build) in models)
{
    var path = Path.Combine(dir, $"torch_{name}.safetensors");
    var file = Safetensors.Read(path);
    var model = build(99);
    try
    {
        model.LoadStateDict(file.Tensors);
    }
    catch (ArgumentException e)
    {
        Check($"AutoGrad loads torch's {name} ({path}): {e.Message}", false);
        continue;
    }
    var expected = torchOutputs[$"{name}.output"].ToFloatArray();
    var actual = Evaluate(model, torchOutputs[$"{name}.input"]).ToFloatArray();
    double scale = Math.Max(1, expected.Max(v => Math.Abs(v)));
    double worst = expected.Zip(actual, (a, b) => (double)Math.Abs(a - b)).Max();
    string ignored = string.Join(", ", file.FileDTypes.Where(d => d.Value == "I64").Select(d => d.Key));
    Check($"AutoGrad loads torch's {name} (strict; {file.Tensors.Count} tensors{(ignored.Length > 0 ? $", ignoring {ignored}" : "")}) and gives torch's outputs on {expected.Length} values: max |difference| {worst:0.00e+00} (tolerance {1e-5 * scale:0.0e+00})",
        worst <= 1e-5 * scale && expected.Length == actual.Length);
}
return failures;
