using System.CommandLine;
using AutoGrad.Cli.Training;
using AutoGrad.IO;
using AutoGrad.NN;

namespace AutoGrad.Cli.Commands;

/// <summary>
/// <c>autograd export --checkpoint FILE --out FILE [--format safetensors|onnx]</c>: writes a saved
/// model's weights as safetensors (PyTorch's <c>state_dict</c> names and layout, the checkpoint's
/// metadata in the header) or its inference graph as ONNX (the input standardization included, so
/// it takes raw features). See docs/interop.md.
/// </summary>
public static class ExportCommand
{
    /// <summary>The formats, as <c>--format</c> names them.</summary>
    public static readonly string[] Formats = ["safetensors", "onnx"];

    public static Command Create(TextWriter output)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint written by 'autograd train --save'", Required = true };
        var outPath = new Option<string>("--out") { Description = "File to write (replaced if it exists)", Required = true };
        var format = new Option<string?>("--format") { Description = "safetensors (the weights, PyTorch's state_dict names; every model) or onnx (the evaluation-mode graph with the input standardization; mlp, softmax, logistic and cnn) [default: from the extension of --out]" };
        var cmd = new Command("export", "Write a saved model for other tools: its weights as safetensors under PyTorch's state_dict names (torch, JAX, Hugging Face), or its inference graph as ONNX (ONNX Runtime), which takes raw features") { checkpoint, outPath, format };
        cmd.SetAction(r =>
        {
            Run(r.GetValue(checkpoint)!, r.GetValue(outPath)!, r.GetValue(format), output);
            return 0;
        });
        return cmd;
    }

    /// <summary>Exports the checkpoint; returns the format written.</summary>
    /// <exception cref="UserError">A missing or invalid checkpoint, an unknown format, or a model the format cannot hold.</exception>
    public static string Run(string path, string outPath, string? format, TextWriter output)
    {
        format ??= Path.GetExtension(outPath).ToLowerInvariant() switch
        {
            ".safetensors" => "safetensors",
            ".onnx" => "onnx",
            _ => throw new UserError($"--format is not given and '{outPath}' has neither the extension .safetensors nor .onnx; give --format {string.Join(" or ", Formats)}"),
        };
        if (!Formats.Contains(format)) throw new UserError($"--format must be one of {string.Join(", ", Formats)}, got '{format}'");
        if (!File.Exists(path)) throw new UserError($"checkpoint '{path}' not found; write one with 'autograd train --save {path}'");
        CheckpointFile file;
        try { file = Checkpoint.Read(path); }
        catch (CheckpointException e) { throw new UserError(e.Message); }

        Module network;
        string kind;
        Classifier? classifier = null;
        Data.Standardizer? standardizer = null;
        if (SequenceTraining.IsSequenceCheckpoint(file.Metadata))
        {
            var sequence = SequenceTraining.FromMetadata(file.Metadata, path);
            (network, kind) = (sequence, sequence.Kind);
        }
        else
        {
            (classifier, standardizer, _, _, _, _) = Classifier.FromMetadata(file.Metadata, path);
            (network, kind) = (classifier.Network, classifier.Kind);
        }
        try { Checkpoint.Load(path, network); }
        catch (CheckpointException e) { throw new UserError(e.Message); }

        if (format == "safetensors")
        {
            var metadata = file.Metadata.ToDictionary(m => m.Key == "format" ? "autograd-format" : m.Key, m => m.Value);
            metadata["format"] = "pt"; // what Hugging Face's loaders look for
            var state = network.StateDict();
            Safetensors.Save(outPath, state, metadata);
            string tensors = string.Join(", ", state.Take(6).Select(t => $"{t.Key} {Shapes.Format(t.Value.Shape)}")) + (state.Count > 6 ? $", ... ({state.Count - 6} more)" : "");
            output.WriteLine($"wrote {outPath}: safetensors, {state.Count} tensors of the {kind} under PyTorch's state_dict names and layout ({tensors}); the checkpoint's metadata is in the header{(standardizer is null ? "" : " (inputs are standardized with its 'mean' and 'std')")}");
            return format;
        }

        if (classifier is null || classifier.IsPerceptron)
            throw new UserError($"--format onnx exports the mlp, softmax, logistic and cnn models; '{path}' holds a {kind} (its weights export with --format safetensors)");
        int features = classifier.Sizes[0];
        try
        {
            Onnx.Export(outPath, network, [features], new Dictionary<string, string> { ["model"] = kind, ["dataset"] = file.Metadata.GetValueOrDefault("dataset") ?? "", ["classes"] = file.Metadata.GetValueOrDefault("classes") ?? "" },
                Tensor.FromArray(standardizer!.Mean.ToArray()), Tensor.FromArray(standardizer.Std.ToArray()));
        }
        catch (NotSupportedException e) { throw new UserError(e.Message); }
        string outputs = classifier.IsBinary ? "one logit per row (class 1 when > 0)" : $"{classifier.Sizes[^1]} logits per row";
        output.WriteLine($"wrote {outPath}: ONNX (IR {Onnx.IRVersion}, opset {Onnx.OpsetVersion}) of the {kind} in evaluation mode, input '{Onnx.InputName}' [batch, {features}] of raw features (standardized in the graph), output '{Onnx.OutputName}': {outputs}");
        return format;
    }
}
