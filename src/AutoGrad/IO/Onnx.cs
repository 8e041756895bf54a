using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using AutoGrad.Autograd;
using AutoGrad.NN;

namespace AutoGrad.IO;

/// <summary>
/// Exports a trained model's inference graph as an ONNX model (IR version 8, opset 17), for ONNX
/// Runtime and the other tools that read ONNX. The protobuf is written by this library (no
/// dependency): one graph input <c>input</c> [batch, ...exampleShape] with a symbolic batch
/// dimension, one output <c>output</c>, and the weights as initializers under their
/// <see cref="Module.StateDict"/> names in PyTorch's layout (<c>0.weight</c>, <c>0.bias</c>, …).
/// </summary>
/// <remarks>
/// <para>The graph is the model in evaluation mode, as <c>torch.onnx.export</c> makes it: dropout
/// is left out (the notes' scale-at-test form becomes a multiplication by 1 − p) and batch norm
/// normalizes with its running statistics. The model's own mode is not changed.</para>
/// <para>Supported: <see cref="Sequential"/> (nested too) of <see cref="Linear"/> (Gemm for a
/// 2-d input, else MatMul and Add), <see cref="ReLU"/>, <see cref="Tanh"/>, <see cref="Sigmoid"/>,
/// <see cref="Identity"/>, <see cref="Dropout"/>, <see cref="Flatten"/> (not of the batch
/// dimension), <see cref="Unflatten"/> (not of the batch dimension), <see cref="Conv1d"/> and
/// <see cref="Conv2d"/> (Conv with pads, strides, dilations and groups), <see cref="MaxPool2d"/>,
/// <see cref="AvgPool2d"/>, <see cref="GlobalAvgPool2d"/>, <see cref="BatchNorm1d"/> and
/// <see cref="BatchNorm2d"/> with running statistics (BatchNormalization), <see cref="LayerNorm"/>
/// (LayerNormalization) and <see cref="LastTimeStep"/> (Gather). Any other module, including a
/// custom module whose <c>Forward</c> is code, is refused with a <see cref="NotSupportedException"/>
/// that names its type and its path in the model.</para>
/// </remarks>
public static class Onnx
{
    /// <summary>The ONNX IR version written.</summary>
    public const int IRVersion = 8;

    /// <summary>The version of the default ONNX operator set the graph uses.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The name of the graph's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph's output.</summary>
    public const string OutputName = "output";

    /// <summary>The module types <see cref="Export"/> knows, as its errors list them.</summary>
    public const string SupportedModules = "Sequential, Linear, ReLU, Tanh, Sigmoid, Identity, Dropout, Flatten, Unflatten, Conv1d, Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool2d, BatchNorm1d, BatchNorm2d (with running statistics), LayerNorm, LastTimeStep";

    /// <summary>Exports <paramref name="model"/> to <paramref name="path"/> atomically (a temporary file in the same directory, then moved over the target).</summary>
    /// <param name="path">Target file, conventionally <c>.onnx</c>; replaced if it exists.</param>
    /// <param name="model">The model; its evaluation-mode forward is exported.</param>
    /// <param name="exampleShape">The shape of one example, without the batch dimension: [64] for an MLP on 64 features, [1, 28, 28] for a CNN on images.</param>
    /// <param name="metadata">Strings stored in the model's <c>metadata_props</c>, or null.</param>
    /// <param name="inputMean">With <paramref name="inputStd"/>: the graph first computes (input − mean)/std, so it takes raw
    /// features where the model was trained on standardized ones (e.g. a <c>Standardizer</c>'s statistics). Each broadcasts to the example shape.</param>
    /// <param name="inputStd">The standard deviations (finite, &gt; 0) that go with <paramref name="inputMean"/>.</param>
    /// <exception cref="NotSupportedException">A module of the model has no ONNX form here; the message names its type and path.</exception>
    /// <exception cref="ShapeException">The model does not accept inputs of [batch, ...exampleShape], or the mean or std does not broadcast to the example shape.</exception>
    /// <exception cref="ArgumentException">The example shape is empty or has a dimension below 1, the model has parameters of two dtypes, only one of mean and std is given, or a std is not finite and positive.</exception>
    /// <exception cref="IOException">The file cannot be written (the target is left as it was).</exception>
    public static void Export(string path, Module model, int[] exampleShape, IReadOnlyDictionary<string, string>? metadata = null, Tensor? inputMean = null, Tensor? inputStd = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToBytes(model, exampleShape, metadata, inputMean, inputStd);
        var full = Path.GetFullPath(path);
        var tmp = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>The bytes of the ONNX model that <see cref="Export"/> writes (e.g. for <c>new InferenceSession(bytes)</c>); the arguments are <see cref="Export"/>'s.</summary>
    /// <exception cref="NotSupportedException">A module of the model has no ONNX form here; the message names its type and path.</exception>
    /// <exception cref="ShapeException">The model does not accept inputs of [batch, ...exampleShape], or the mean or std does not broadcast to the example shape.</exception>
    /// <exception cref="ArgumentException">The example shape is empty or has a dimension below 1, the model has parameters of two dtypes, only one of mean and std is given, or a std is not finite and positive.</exception>
    public static byte[] ToBytes(Module model, int[] exampleShape, IReadOnlyDictionary<string, string>? metadata = null, Tensor? inputMean = null, Tensor? inputStd = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(exampleShape);
        if (exampleShape.Length == 0)
            throw new ArgumentException("Onnx.Export: exampleShape is empty; give the shape of one example without the batch dimension, e.g. [64] or [1, 28, 28]", nameof(exampleShape));
        for (int i = 0; i < exampleShape.Length; i++)
            if (exampleShape[i] < 1)
                throw new ArgumentException($"Onnx.Export: exampleShape[{i}] is {exampleShape[i]} (shape {Shapes.Format(exampleShape)}); every dimension must be >= 1", nameof(exampleShape));
        var dtypes = model.Parameters().Concat(model.Buffers()).Select(p => p.DType).Distinct().ToList();
        if (dtypes.Count > 1)
            throw new ArgumentException($"Onnx.Export: the model mixes {string.Join(" and ", dtypes.Select(d => d.Name()))} parameters; an ONNX graph has one input type", nameof(model));
        var dtype = dtypes.Count == 1 ? dtypes[0] : DType.Float32;
        if ((inputMean is null) != (inputStd is null))
            throw new ArgumentException($"Onnx.Export: {(inputMean is null ? "inputStd" : "inputMean")} is given without {(inputMean is null ? "inputMean" : "inputStd")}; standardizing the input needs both", inputMean is null ? nameof(inputStd) : nameof(inputMean));
        foreach (var (t, name) in new[] { (inputMean, "inputMean"), (inputStd, "inputStd") })
            if (t is not null && !Shapes.BroadcastsTo(t.Shape, exampleShape))
                throw ShapeErrors.DoesNotBroadcastTo("Onnx.Export", name, t.ShapeArray, "the example shape", exampleShape);
        if (inputStd is not null)
        {
            var std = inputStd.ToDoubleArray();
            for (int i = 0; i < std.Length; i++)
                if (!(double.IsFinite(std[i]) && std[i] > 0))
                    throw new ArgumentException($"Onnx.Export: inputStd element {i} is {std[i]}; every standard deviation must be finite and > 0", nameof(inputStd));
        }

        // The shapes between layers come from running each layer on a batch of one, in evaluation
        // mode (so batch norm's running statistics are not touched); the modes are put back after.
        var modes = model.Modules().Select(m => (Module: m, m.IsTraining)).ToList();
        model.Eval();
        try
        {
            var g = new Graph(dtype);
            using (Tape.NoGrad())
            {
                var input = new Value(InputName, [1, .. exampleShape]);
                if (inputMean is not null && inputStd is not null)
                {
                    var centered = g.Node("Sub", "/standardize/Sub", [InputName, g.Weight("", "input_mean", inputMean.To(dtype))]);
                    input = input with { Name = g.Node("Div", "/standardize/Div", [centered, g.Weight("", "input_std", inputStd.To(dtype))]) };
                }
                var output = g.Emit(model, "", input);
                g.Node("Identity", "/output", [output.Name], [OutputName]);
                return g.Model(model, exampleShape, output.Shape, metadata);
            }
        }
        finally
        {
            foreach (var (m, training) in modes) m.Train(training);
        }
    }

    /// <summary>A value of the graph: its name and its shape with a batch of one.</summary>
    private readonly record struct Value(string Name, int[] Shape);

    /// <summary>Nodes and initializers of the graph being built.</summary>
    private sealed class Graph(DType dtype)
    {
        // onnx.proto's numbers: TensorProto.DataType and AttributeProto.AttributeType.
        private const int Float = 1, Int64 = 7, Double = 11;
        private const int AttrFloat = 1, AttrInt = 2, AttrInts = 7;

        private readonly List<ProtoWriter> _nodes = [];
        private readonly List<ProtoWriter> _initializers = [];
        private readonly Dictionary<Tensor, string> _initialized = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private int ElemType => dtype == DType.Float32 ? Float : Double;

        public Value Emit(Module m, string path, Value x)
        {
            if (m is Sequential seq)
            {
                int i = 0;
                foreach (var child in seq) x = Emit(child, Join(path, (i++).ToString(CultureInfo.InvariantCulture)), x);
                return x;
            }
            if (m is not (Identity or ReLU or Tanh or Sigmoid or Dropout or Linear or Conv2d or Conv1d or MaxPool2d or AvgPool2d or GlobalAvgPool2d
                or BatchNorm or LayerNorm or Flatten or Unflatten or LastTimeStep))
                throw Unsupported(m, path, m is RecurrentLayer or RecurrentCell
                    ? "recurrent layers are not exported to ONNX (their weights export to safetensors under PyTorch's names)"
                    : "it has no ONNX form here (a custom module's Forward is code the exporter cannot read; build the model as a Sequential of supported layers)");
            if (m is BatchNorm { RunningMean: null })
                throw Unsupported(m, path, "without running statistics (trackRunningStats: false) it normalizes with each batch's own statistics, which an inference graph does not compute");
            int[] outShape = m.Forward(Tensor.Zeros(dtype, x.Shape)).ShapeArray;
            string node = "/" + path.Replace('.', '/');
            switch (m)
            {
                case Identity:
                    return x;
                case ReLU:
                    return Unary("Relu", node, x, outShape);
                case Tanh:
                    return Unary("Tanh", node, x, outShape);
                case Sigmoid:
                    return Unary("Sigmoid", node, x, outShape);
                case Dropout d:
                    if (d.Mode == DropoutMode.ScaleAtTest && d.P != 0)
                        return new(Node("Mul", node + "/Mul", [x.Name, Scalar($"{path}.keep_probability", d.KeepProbability)]), outShape);
                    return x;
                case Linear lin:
                    if (x.Shape.Length == 2)
                    {
                        string[] inputs = lin.Bias is null ? [x.Name, Weight(path, "weight", lin.Weight, transpose: true)]
                            : [x.Name, Weight(path, "weight", lin.Weight, transpose: true), Weight(path, "bias", lin.Bias)];
                        return new(Node("Gemm", node + "/Gemm", inputs, attributes: [IntAttr("transB", 1)]), outShape);
                    }
                    var y = Node("MatMul", node + "/MatMul", [x.Name, Weight(path, "weight_in_out", lin.Weight)]);
                    return new(lin.Bias is null ? y : Node("Add", node + "/Add", [y, Weight(path, "bias", lin.Bias)]), outShape);
                case Conv2d c:
                    return Conv(node, path, x, outShape, c.Weight, c.Bias, [c.KernelSize.H, c.KernelSize.W], [c.Stride.H, c.Stride.W],
                        [c.Padding.H, c.Padding.W, c.Padding.H, c.Padding.W], [c.Dilation.H, c.Dilation.W], c.Groups);
                case Conv1d c:
                    return Conv(node, path, x, outShape, c.Weight, c.Bias, [c.KernelSize], [c.Stride], [c.Padding, c.Padding], [c.Dilation], c.Groups);
                case MaxPool2d p:
                    return new(Node("MaxPool", node + "/MaxPool", [x.Name], attributes:
                        [IntsAttr("kernel_shape", p.KernelSize.Height, p.KernelSize.Width), IntsAttr("strides", p.Stride.Height, p.Stride.Width),
                         IntsAttr("pads", p.Padding.Height, p.Padding.Width, p.Padding.Height, p.Padding.Width)]), outShape);
                case AvgPool2d p:
                    return new(Node("AveragePool", node + "/AveragePool", [x.Name], attributes:
                        [IntsAttr("kernel_shape", p.KernelSize.Height, p.KernelSize.Width), IntsAttr("strides", p.Stride.Height, p.Stride.Width),
                         IntsAttr("pads", p.Padding.Height, p.Padding.Width, p.Padding.Height, p.Padding.Width), IntAttr("count_include_pad", p.CountIncludePad ? 1 : 0)]), outShape);
                case GlobalAvgPool2d:
                    return Unary("GlobalAveragePool", node, x, outShape);
                case BatchNorm bn:
                    return new(Node("BatchNormalization", node + "/BatchNormalization",
                        [x.Name, bn.Weight is null ? Constant($"{path}.weight", bn.NumFeatures, 1) : Weight(path, "weight", bn.Weight),
                         bn.Bias is null ? Constant($"{path}.bias", bn.NumFeatures, 0) : Weight(path, "bias", bn.Bias),
                         Weight(path, "running_mean", bn.RunningMean!), Weight(path, "running_var", bn.RunningVar!)],
                        attributes: [FloatAttr("epsilon", (float)bn.Eps)]), outShape);
                case LayerNorm ln:
                {
                    int k = ln.NormalizedShape.Length;
                    var scale = ln.Weight is null ? Constant($"{path}.weight", ln.NormalizedShape.ToArray(), 1) : Weight(path, "weight", ln.Weight);
                    string[] inputs = ln.Bias is null ? [x.Name, scale] : [x.Name, scale, Weight(path, "bias", ln.Bias)];
                    return new(Node("LayerNormalization", node + "/LayerNormalization", inputs, attributes: [IntAttr("axis", -k), FloatAttr("epsilon", (float)ln.Eps)]), outShape);
                }
                case Flatten f:
                {
                    int rank = x.Shape.Length;
                    int s = f.StartDim < 0 ? f.StartDim + rank : f.StartDim, e = f.EndDim < 0 ? f.EndDim + rank : f.EndDim;
                    if (s == 0 && e > 0)
                        throw Unsupported(m, path, "it merges the batch dimension (startDim 0) into the features; the graph's batch dimension must stay first");
                    if (s >= e) return x;
                    if (e == rank - 1) return new(Node("Flatten", node + "/Flatten", [x.Name], attributes: [IntAttr("axis", s)]), outShape);
                    return Reshape(node, path, x, outShape, copyLeading: s);
                }
                case Unflatten u:
                {
                    int d = u.Dim < 0 ? u.Dim + x.Shape.Length : u.Dim;
                    if (d == 0) throw Unsupported(m, path, "it splits the batch dimension; the graph's batch dimension must stay first");
                    return Reshape(node, path, x, outShape, copyLeading: d);
                }
                case LastTimeStep:
                {
                    var index = Initializer($"{path}.last_step", [], Int64, Int64s([x.Shape[1] - 1]));
                    return new(Node("Gather", node + "/Gather", [x.Name, index], attributes: [IntAttr("axis", 1)]), outShape);
                }
                default:
                    throw new InvalidOperationException($"internal: Onnx.Export accepted {m.GetType().Name} but has no case for it");
            }
        }

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        private static NotSupportedException Unsupported(Module m, string path, string why) =>
            new($"Onnx.Export: cannot export the {m.GetType().Name} at {(path.Length == 0 ? "the top of the model" : $"'{path}'")}: {why}. Supported modules: {SupportedModules}");

        private Value Unary(string op, string node, Value x, int[] outShape) => new(Node(op, $"{node}/{op}", [x.Name]), outShape);

        private Value Conv(string node, string path, Value x, int[] outShape, Tensor weight, Tensor? bias, long[] kernel, long[] strides, long[] pads, long[] dilations, int groups)
        {
            string[] inputs = bias is null ? [x.Name, Weight(path, "weight", weight)] : [x.Name, Weight(path, "weight", weight), Weight(path, "bias", bias)];
            return new(Node("Conv", node + "/Conv", inputs, attributes:
                [IntsAttr("kernel_shape", kernel), IntsAttr("strides", strides), IntsAttr("pads", pads), IntsAttr("dilations", dilations), IntAttr("group", groups)]), outShape);
        }

        /// <summary>A Reshape to <paramref name="outShape"/> that copies the first <paramref name="copyLeading"/> dimensions (the batch among them) from the input.</summary>
        private Value Reshape(string node, string path, Value x, int[] outShape, int copyLeading)
        {
            var target = outShape.Select((d, i) => i < copyLeading ? 0L : d).ToArray();
            var shape = Initializer($"{path}.shape", [target.Length], Int64, Int64s(target));
            return new(Node("Reshape", node + "/Reshape", [x.Name, shape]), outShape);
        }

        /// <summary>Adds a node; returns its (first) output's name.</summary>
        public string Node(string op, string name, string[] inputs, string[]? outputs = null, ProtoWriter[]? attributes = null)
        {
            name = Unique(name);
            outputs ??= [name + "_output_0"];
            var n = new ProtoWriter();
            foreach (var i in inputs) n.String(1, i);
            foreach (var o in outputs) n.String(2, o);
            n.String(3, name).String(4, op);
            foreach (var a in attributes ?? []) n.Message(5, a);
            _nodes.Add(n);
            return outputs[0];
        }

        private string Unique(string name)
        {
            string candidate = name;
            for (int i = 1; !_names.Add(candidate); i++) candidate = $"{name}_{i}";
            return candidate;
        }

        /// <summary>A parameter or buffer as an initializer named by its state-dict key (once per tensor, so tied weights stay tied).</summary>
        public string Weight(string path, string name, Tensor t, bool transpose = false)
        {
            if (_initialized.TryGetValue(t, out var known) && !transpose) return known;
            var value = transpose ? t.T : t;
            string key = Join(path, name);
            var raw = dtype == DType.Float32 ? MemoryMarshal.AsBytes(value.ToFloatArray().AsSpan()).ToArray() : MemoryMarshal.AsBytes(value.ToDoubleArray().AsSpan()).ToArray();
            if (!BitConverter.IsLittleEndian) Reverse(raw, dtype.Size());
            string added = Initializer(key, value.ShapeArray, ElemType, raw);
            if (!transpose) _initialized[t] = added;
            return added;
        }

        private string Scalar(string name, double value) => Constant(name, [], value);

        private string Constant(string name, int size, double value) => Constant(name, [size], value);

        private string Constant(string name, int[] shape, double value)
        {
            int n = Shapes.Numel(shape);
            byte[] raw = dtype == DType.Float32
                ? MemoryMarshal.AsBytes(Enumerable.Repeat((float)value, n).ToArray().AsSpan()).ToArray()
                : MemoryMarshal.AsBytes(Enumerable.Repeat(value, n).ToArray().AsSpan()).ToArray();
            if (!BitConverter.IsLittleEndian) Reverse(raw, dtype.Size());
            return Initializer(name, shape, ElemType, raw);
        }

        private static byte[] Int64s(long[] values)
        {
            var raw = new byte[8 * values.Length];
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(8 * i), values[i]);
            return raw;
        }

        private static void Reverse(byte[] raw, int size)
        {
            for (int i = 0; i < raw.Length; i += size) Array.Reverse(raw, i, size);
        }

        private string Initializer(string name, int[] shape, int type, byte[] raw)
        {
            name = Unique(name);
            var t = new ProtoWriter();
            foreach (int d in shape) t.Int(1, d);
            t.Int(2, type).String(8, name).Bytes(9, raw);
            _initializers.Add(t);
            return name;
        }

        private static ProtoWriter IntAttr(string name, long value) => new ProtoWriter().String(1, name).Int(3, value).Int(20, AttrInt);

        private static ProtoWriter FloatAttr(string name, float value) => new ProtoWriter().String(1, name).Float(2, value).Int(20, AttrFloat);

        private static ProtoWriter IntsAttr(string name, params long[] values)
        {
            var a = new ProtoWriter().String(1, name);
            foreach (long v in values) a.Int(8, v);
            return a.Int(20, AttrInts);
        }

        private ProtoWriter ValueInfo(string name, int[] shape)
        {
            var dims = new ProtoWriter();
            for (int i = 0; i < shape.Length; i++)
                dims.Message(1, i == 0 ? new ProtoWriter().String(2, "batch") : new ProtoWriter().Int(1, shape[i]));
            var tensorType = new ProtoWriter().Int(1, ElemType).Message(2, dims);
            return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
        }

        public byte[] Model(Module model, int[] exampleShape, int[] outputShape, IReadOnlyDictionary<string, string>? metadata)
        {
            var graph = new ProtoWriter();
            foreach (var n in _nodes) graph.Message(1, n);
            graph.String(2, model.GetType().Name);
            foreach (var t in _initializers) graph.Message(5, t);
            graph.String(10, model.ToString() ?? model.GetType().Name);
            graph.Message(11, ValueInfo(InputName, [1, .. exampleShape]));
            graph.Message(12, ValueInfo(OutputName, outputShape));

            var m = new ProtoWriter().Int(1, IRVersion).String(2, "AutoGrad")
                .String(3, typeof(Onnx).Assembly.GetName().Version?.ToString() ?? "0")
                .Message(7, graph)
                .Message(8, new ProtoWriter().String(1, "").Int(2, OpsetVersion));
            if (metadata is not null)
                foreach (var (k, v) in metadata)
                {
                    if (string.IsNullOrEmpty(k)) throw new ArgumentException("Onnx.Export: a metadata key is empty", nameof(metadata));
                    m.Message(14, new ProtoWriter().String(1, k).String(2, v ?? ""));
                }
            return m.ToArray();
        }
    }
}
