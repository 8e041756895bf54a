using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AutoGrad.NN;
using AutoGrad.Optim;

namespace AutoGrad.IO;

/// <summary>
/// Saves and loads a model's named parameters and buffers (state such as batch norm's running
/// statistics), optionally an optimizer's state and free-form metadata, in a versioned little-endian binary format with a SHA-256 checksum (described byte
/// by byte in docs/checkpoints.md). Saving is atomic: the file is written to a temporary file in
/// the same directory, flushed to disk, then moved over the target, so a crash never leaves a
/// half-written checkpoint. Loading validates the whole file and its fit to the model and
/// optimizer before writing into any parameter: a truncated, corrupted or mismatched file is
/// refused with a <see cref="CheckpointException"/> and nothing is changed.
/// </summary>
public static class Checkpoint
{
    /// <summary>The 8 magic bytes that open every checkpoint: 0x89 'A' 'G' 'C' 'K' 'P' 'T' 0x0A.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'A', (byte)'G', (byte)'C', (byte)'K', (byte)'P', (byte)'T', 0x0A];

    /// <summary>The format version this library writes. It reads this one and version 1 (written before buffers existed: a file with no buffers).</summary>
    public const int FormatVersion = 2;

    private const int PrefixSize = 24; // magic (8) + version (4) + header length (4) + file length (8)
    private const int ChecksumSize = 32;
    private const int MaxRank = 32;

    /// <summary>
    /// Saves <c>model.NamedParameters()</c>, <c>model.NamedBuffers()</c>, and the optimizer's
    /// <see cref="Optimizer.State"/> if given, to <paramref name="path"/> atomically.
    /// </summary>
    /// <param name="path">Target file; replaced if it exists.</param>
    /// <param name="model">The model whose parameters are saved.</param>
    /// <param name="optimizer">An optimizer over (some of) the model's parameters, or null.</param>
    /// <param name="metadata">Optional strings stored with the model (e.g. "hidden" = "256,128"), to rebuild it before loading.</param>
    /// <param name="schedule">A learning-rate schedule of the optimizer, or null: its state goes with the optimizer's (as hyperparameters "schedule:kind.name").</param>
    /// <exception cref="ArgumentException">The optimizer optimizes a tensor that is not one of the model's parameters, or a schedule is given without its optimizer.</exception>
    /// <exception cref="IOException">The file cannot be written: the path is a directory, its directory does not exist or is not writable, the disk is full (the message names the target; the target is left as it was).</exception>
    public static void Save(string path, Module model, Optimizer? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null, IScheduleState? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (schedule is not null && optimizer is null)
            throw new ArgumentException("Checkpoint.Save: a schedule's state is kept with its optimizer's; pass the optimizer too", nameof(schedule));
        var named = model.NamedParameters().ToList();
        if (optimizer is not null)
        {
            var own = new HashSet<Tensor>(named.Select(p => p.Parameter), ReferenceEqualityComparer.Instance);
            for (int i = 0; i < optimizer.Parameters.Count; i++)
                if (!own.Contains(optimizer.Parameters[i]))
                    throw new ArgumentException($"Checkpoint.Save: optimizer parameter {i} ({optimizer.Parameters[i].Name ?? "unnamed"} {Shapes.Format(optimizer.Parameters[i].Shape)}) is not a parameter of the model, so its state could not be restored with the model", nameof(optimizer));
        }
        var state = optimizer?.State();
        if (schedule is not null) state = WithSchedule(state!, schedule);
        Save(path, named.Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter)), state, metadata,
            model.NamedBuffers().Select(b => new KeyValuePair<string, Tensor>(b.Name, b.Buffer)));
    }

    private const string SchedulePrefix = "schedule:";

    /// <summary>The optimizer state with the schedule's state added as hyperparameters "schedule:kind.name".</summary>
    private static OptimizerState WithSchedule(OptimizerState state, IScheduleState schedule)
    {
        var hyper = state.Hyperparameters.Where(h => !h.Key.StartsWith(SchedulePrefix, StringComparison.Ordinal)).ToList();
        foreach (var (k, v) in schedule.State()) hyper.Add(new($"{SchedulePrefix}{schedule.Kind}.{k}", v));
        return new OptimizerState(state.Kind, state.Step, state.ParameterCount, hyper, state.Tensors);
    }

    /// <summary>Saves named tensors, named buffers and an optimizer state (all but the first optional) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException">A name is empty or repeated (among the parameters and buffers together), or a metadata key is empty or repeated.</exception>
    /// <exception cref="IOException">The file cannot be written: the path is a directory, its directory does not exist or is not writable, the disk is full (the message names the target; the target is left as it was).</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> parameters, OptimizerState? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null,
        IEnumerable<KeyValuePair<string, Tensor>>? buffers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        var tensors = parameters.ToList();
        var bufferList = buffers?.ToList() ?? [];
        CheckNames("parameter", tensors.Select(t => t.Key), nameof(parameters));
        CheckNames("buffer", bufferList.Select(t => t.Key), nameof(buffers));
        foreach (var (name, t) in tensors) if (t is null) throw new ArgumentException($"Checkpoint.Save: parameter '{name}' is null", nameof(parameters));
        foreach (var (name, t) in bufferList) if (t is null) throw new ArgumentException($"Checkpoint.Save: buffer '{name}' is null", nameof(buffers));
        var parameterNames = tensors.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in bufferList)
            if (parameterNames.Contains(name)) throw new ArgumentException($"Checkpoint.Save: '{name}' is both a parameter and a buffer", nameof(buffers));
        var meta = metadata?.ToList() ?? [];
        CheckNames("metadata key", meta.Select(m => m.Key), nameof(metadata));
        if (optimizer is not null) CheckNames("optimizer state tensor", optimizer.Tensors.Keys, nameof(optimizer));

        var header = BuildHeader(tensors, bufferList, optimizer, meta);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        CheckTarget(path, full, dir);
        RemoveStaleTemporaries(dir, Path.GetFileName(full));
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                long dataLength = tensors.Concat(bufferList).Sum(t => (long)t.Value.Numel * t.Value.DType.Size())
                    + (optimizer?.Tensors.Values.Sum(t => (long)t.Numel * t.DType.Size()) ?? 0);
                Span<byte> prefix = stackalloc byte[PrefixSize];
                Magic.CopyTo(prefix);
                BinaryPrimitives.WriteUInt32LittleEndian(prefix[8..], FormatVersion);
                BinaryPrimitives.WriteUInt32LittleEndian(prefix[12..], (uint)header.Length);
                BinaryPrimitives.WriteInt64LittleEndian(prefix[16..], PrefixSize + header.Length + dataLength + ChecksumSize);
                Write(fs, hash, prefix);
                Write(fs, hash, header);
                foreach (var (_, t) in tensors) WriteData(fs, hash, t);
                foreach (var (_, t) in bufferList) WriteData(fs, hash, t);
                if (optimizer is not null) foreach (var (_, t) in optimizer.Tensors) WriteData(fs, hash, t);
                fs.Write(hash.GetHashAndReset());
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            // The temporary file is an implementation detail: the error names the target.
            if (e is UnauthorizedAccessException)
                throw new IOException($"Checkpoint.Save: cannot write '{path}': permission denied: the directory '{dir}' is not writable", e);
            if (e is IOException)
                throw new IOException($"Checkpoint.Save: cannot write '{path}': {Reason(e, tmp, full, dir)}", e);
            throw;
        }
    }

    /// <summary>The target must be a file name in an existing directory; checked before anything is written.</summary>
    private static void CheckTarget(string path, string full, string dir)
    {
        if (Directory.Exists(full)) throw new IOException($"Checkpoint.Save: cannot write '{path}': it is a directory; give a file name");
        if (Directory.Exists(dir)) return;
        throw new IOException(File.Exists(dir)
            ? $"Checkpoint.Save: cannot write '{path}': '{dir}' is a file, not a directory"
            : $"Checkpoint.Save: cannot write '{path}': the directory '{dir}' does not exist");
    }

    /// <summary>
    /// An I/O error's reason without the temporary file's name: .NET's "Read-only file system :
    /// '/d/.m.ckpt.0f3a....tmp'" becomes "Read-only file system"; a file system that will not
    /// create the file (as /proc) "the directory '/d' does not accept new files".
    /// </summary>
    private static string Reason(Exception e, string tmp, string full, string dir)
    {
        if (e is FileNotFoundException or DirectoryNotFoundException) return $"the directory '{dir}' does not accept new files";
        string m = e.Message;
        int i = m.IndexOf($" : '{tmp}'", StringComparison.Ordinal);
        return (i > 0 ? m[..i] : m.Replace(tmp, full, StringComparison.Ordinal)).TrimEnd('.');
    }

    /// <summary>
    /// Deletes the temporary files a save to this target left behind when its process was killed
    /// (".name.&lt;32 hex digits&gt;.tmp" beside it). A temporary file another save is still writing is
    /// locked (opened with <see cref="FileShare.None"/>) and is left alone.
    /// </summary>
    private static void RemoveStaleTemporaries(string dir, string name)
    {
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(dir, $".{name}.*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var file in candidates)
        {
            if (!IsTemporaryOf(Path.GetFileName(file), name)) continue;
            try
            {
                using (new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use by a save that is running, or not ours to delete.
            }
        }
    }

    /// <summary>Whether <paramref name="file"/> is exactly ".{name}.{32 hex digits}.tmp" (a name with * or ? must not match others).</summary>
    internal static bool IsTemporaryOf(string file, string name)
    {
        string prefix = "." + name + ".";
        if (file.Length != prefix.Length + 32 + 4 || !file.StartsWith(prefix, StringComparison.Ordinal) || !file.EndsWith(".tmp", StringComparison.Ordinal)) return false;
        foreach (char c in file.AsSpan(prefix.Length, 32))
            if (!char.IsAsciiHexDigitLower(c)) return false;
        return true;
    }

    /// <summary>
    /// Reads and validates a checkpoint (magic, version, header, size, checksum) without touching
    /// any model.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointException">The file is not a valid checkpoint (or the path is a directory); the message says why.</exception>
    public static CheckpointFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new CheckpointException(path, "is a directory, not a checkpoint file");
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
        var info = new FileInfo(path);
        if (info.Length > Array.MaxLength)
            throw new CheckpointException(path, $"is {info.Length} bytes; checkpoints up to {Array.MaxLength} bytes are supported");
        return Parse(path, File.ReadAllBytes(path));
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="model"/> (and <paramref name="optimizer"/>, if
    /// given). Validates the file, then that its parameter names and its buffer names are exactly
    /// the model's with the same shapes and dtypes, and that its optimizer state fits the
    /// optimizer; only then copies the values into the existing tensors. Returns the file's
    /// contents (e.g. its metadata).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointException">The file is invalid or does not fit; nothing was changed.</exception>
    public static CheckpointFile Load(string path, Module model, Optimizer? optimizer = null) => Load(path, model, optimizer, null);

    /// <summary>
    /// <see cref="Load(string, Module, Optimizer?)"/>, and the state of <paramref name="schedule"/>
    /// (saved with <c>Save(..., schedule: s)</c>), checked first like the rest.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointException">The file is invalid, does not fit, or holds no state for a schedule of this kind; nothing was changed.</exception>
    public static CheckpointFile Load(string path, Module model, Optimizer? optimizer, IScheduleState? schedule)
    {
        if (schedule is not null && optimizer is null)
            throw new ArgumentException("Checkpoint.Load: a schedule's state is kept with its optimizer's; pass the optimizer too", nameof(schedule));
        ArgumentNullException.ThrowIfNull(model);
        var file = Read(path);
        var parameters = model.NamedParameters().ToList();
        var buffers = model.NamedBuffers().Select(b => (b.Name, Parameter: b.Buffer)).ToList();
        var problems = new List<string>();
        Match("parameter", parameters, file.Parameters, problems);
        Match("buffer", buffers, file.Buffers, problems);
        if (problems.Count > 0)
        {
            var shown = problems.Take(10).ToList();
            if (problems.Count > 10) shown.Add($"... and {problems.Count - 10} more");
            string counts = buffers.Count == 0 && file.Buffers.Count == 0
                ? $"{parameters.Count} parameters; file: {file.Parameters.Count}"
                : $"{parameters.Count} parameters and {buffers.Count} buffers; file: {file.Parameters.Count} and {file.Buffers.Count}";
            throw new CheckpointException(path, $"does not match the model ({model.GetType().Name}, {counts}): " + string.Join("; ", shown));
        }

        Action? applyOptimizer = null;
        if (optimizer is not null)
        {
            if (file.Optimizer is null)
                throw new CheckpointException(path, $"holds no optimizer state, but a '{optimizer.Kind}' optimizer was given to restore");
            try
            {
                applyOptimizer = optimizer.PrepareLoad(file.Optimizer);
            }
            catch (ArgumentException e)
            {
                throw new CheckpointException(path, $"its optimizer state does not fit the given optimizer: {e.Message}", e);
            }
        }

        Action? applySchedule = null;
        if (schedule is not null)
        {
            string prefix = $"{SchedulePrefix}{schedule.Kind}.";
            var saved = file.Optimizer!.Hyperparameters.Where(h => h.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(h => h.Key[prefix.Length..], h => h.Value, StringComparer.Ordinal);
            if (saved.Count == 0)
            {
                var kinds = file.Optimizer.Hyperparameters.Keys.Where(k => k.StartsWith(SchedulePrefix, StringComparison.Ordinal))
                    .Select(k => k[SchedulePrefix.Length..k.IndexOf('.')]).Distinct().ToList();
                throw new CheckpointException(path, $"holds no state for a '{schedule.Kind}' schedule ({(kinds.Count == 0 ? "it holds no schedule" : "it holds: " + string.Join(", ", kinds))})");
            }
            // Validate on a copy of the schedule's own state first, so a bad state changes nothing.
            var before = schedule.State();
            try { schedule.LoadState(saved); }
            catch (ArgumentException e) { throw new CheckpointException(path, $"its schedule state does not fit the given schedule: {e.Message}", e); }
            schedule.LoadState(before);
            applySchedule = () => schedule.LoadState(saved);
        }

        foreach (var (name, p) in parameters) CopyInto(file.Parameters[name], p);
        foreach (var (name, b) in buffers) CopyInto(file.Buffers[name], b);
        applyOptimizer?.Invoke();
        applySchedule?.Invoke();
        return file;
    }

    /// <summary>Lists how the file's tensors of one kind (parameters or buffers) differ from the model's: names, shapes, dtypes.</summary>
    private static void Match(string what, List<(string Name, Tensor Parameter)> model, IReadOnlyDictionary<string, Tensor> file, List<string> problems)
    {
        var modelNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, p) in model)
        {
            modelNames.Add(name);
            if (!file.TryGetValue(name, out var t))
                problems.Add($"the model's {what} '{name}' ({p.DType.Name()} {Shapes.Format(p.Shape)}) is missing from the file");
            else if (t.DType != p.DType || !Shapes.Equal(t.Shape, p.Shape))
                problems.Add($"{what} '{name}' is {t.DType.Name()} {Shapes.Format(t.Shape)} in the file but {p.DType.Name()} {Shapes.Format(p.Shape)} in the model");
        }
        foreach (var name in file.Keys)
            if (!modelNames.Contains(name)) problems.Add($"the file has a {what} '{name}' that the model does not have");
    }

    private static void CopyInto(Tensor source, Tensor target)
    {
        target.Storage.Version++;
        if (target.DType == DType.Float32) source.SpanF.CopyTo(target.SpanF); else source.SpanD.CopyTo(target.SpanD);
    }

    private static void CheckNames(string what, IEnumerable<string> names, string argument)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in names)
        {
            if (string.IsNullOrEmpty(n)) throw new ArgumentException($"Checkpoint.Save: a {what} name is empty", argument);
            if (!seen.Add(n)) throw new ArgumentException($"Checkpoint.Save: {what} '{n}' appears twice", argument);
        }
    }

    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> tensors, List<KeyValuePair<string, Tensor>> buffers, OptimizerState? optimizer, List<KeyValuePair<string, string>> meta)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8);
        // BinaryWriter writes little-endian on every platform.
        w.Write((uint)meta.Count);
        foreach (var (k, v) in meta)
        {
            WriteString(w, k);
            WriteString(w, v ?? "");
        }
        w.Write((uint)tensors.Count);
        foreach (var (name, t) in tensors) WriteEntry(w, name, t);
        w.Write((uint)buffers.Count);
        foreach (var (name, t) in buffers) WriteEntry(w, name, t);
        w.Write((byte)(optimizer is null ? 0 : 1));
        if (optimizer is not null)
        {
            WriteString(w, optimizer.Kind);
            w.Write(optimizer.Step);
            w.Write((uint)optimizer.ParameterCount);
            w.Write((uint)optimizer.Hyperparameters.Count);
            foreach (var (k, v) in optimizer.Hyperparameters)
            {
                WriteString(w, k);
                w.Write(v);
            }
            w.Write((uint)optimizer.Tensors.Count);
            foreach (var (name, t) in optimizer.Tensors) WriteEntry(w, name, t);
        }
        w.Flush();
        return ms.ToArray();
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((uint)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteEntry(BinaryWriter w, string name, Tensor t)
    {
        if (t.Rank > MaxRank) throw new ArgumentException($"Checkpoint.Save: tensor '{name}' has rank {t.Rank}; at most {MaxRank} is supported");
        WriteString(w, name);
        w.Write((byte)(t.DType == DType.Float32 ? 0 : 1));
        w.Write((byte)t.Rank);
        foreach (var d in t.Shape) w.Write((uint)d);
    }

    private static void Write(Stream s, IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        s.Write(bytes);
        hash.AppendData(bytes);
    }

    private static void WriteData(Stream s, IncrementalHash hash, Tensor t)
    {
        if (BitConverter.IsLittleEndian)
        {
            Write(s, hash, t.DType == DType.Float32 ? MemoryMarshal.AsBytes(t.SpanF) : MemoryMarshal.AsBytes(t.SpanD));
            return;
        }
        Span<byte> b = stackalloc byte[8];
        for (int i = 0; i < t.Numel; i++)
        {
            if (t.DType == DType.Float32) { BinaryPrimitives.WriteSingleLittleEndian(b, t.SpanF[i]); Write(s, hash, b[..4]); }
            else { BinaryPrimitives.WriteDoubleLittleEndian(b, t.SpanD[i]); Write(s, hash, b); }
        }
    }

    private readonly record struct Entry(string Name, DType DType, int[] Shape);

    private static CheckpointFile Parse(string path, byte[] bytes)
    {
        int n = bytes.Length;
        var magic = Magic;
        int m = Math.Min(n, magic.Length);
        if (!bytes.AsSpan(0, m).SequenceEqual(magic[..m]))
            throw new CheckpointException(path, $"is not an AutoGrad checkpoint: it starts with {Hex(bytes.AsSpan(0, m))}, expected the magic bytes {Hex(magic)}");
        if (n < PrefixSize)
            throw new CheckpointException(path, $"is truncated: {n} bytes, but the fixed part before the header alone has {PrefixSize}");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version is not (1 or FormatVersion))
            throw new CheckpointException(path, version > FormatVersion
                ? $"has format version {version}, written by a newer AutoGrad; this one reads versions 1 and {FormatVersion}"
                : $"has format version {version}; this AutoGrad reads versions 1 and {FormatVersion}");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        long declared = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        if (n < declared)
            throw new CheckpointException(path, $"is truncated: it records a length of {declared} bytes, but only {n} are there");
        if (n > declared)
            throw new CheckpointException(path, $"has {n - declared} unexpected bytes after the {declared} it records (or its length field is corrupted)");
        // The checksum comes before the header is trusted: a damaged header is reported as damage, not as nonsense.
        var stored = bytes.AsSpan(n - ChecksumSize, ChecksumSize);
        var actual = SHA256.HashData(bytes.AsSpan(0, n - ChecksumSize));
        if (!stored.SequenceEqual(actual))
            throw new CheckpointException(path, $"is corrupted: the SHA-256 of its contents is {Convert.ToHexStringLower(actual)} but the file records {Convert.ToHexStringLower(stored)}");
        if (headerLength > (uint)(n - PrefixSize - ChecksumSize))
            throw new CheckpointException(path, $"is malformed: its header is declared as {headerLength} bytes, but the file has only {n} bytes in all");

        var reader = new HeaderReader(path, bytes.AsSpan(PrefixSize, (int)headerLength));
        var meta = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        uint metaCount = reader.Count("metadata entries");
        for (uint i = 0; i < metaCount; i++)
        {
            var k = reader.String("metadata key");
            var v = reader.String("metadata value");
            if (!meta.TryAdd(k, v)) throw reader.Error($"metadata key '{k}' appears twice");
        }
        var entries = new List<Entry>();
        uint paramCount = reader.Count("parameters");
        for (uint i = 0; i < paramCount; i++) entries.Add(reader.Entry());
        int parameterEntries = entries.Count;
        // Version 1 has no buffer section.
        uint bufferCount = version >= 2 ? reader.Count("buffers") : 0;
        for (uint i = 0; i < bufferCount; i++) entries.Add(reader.Entry());
        int modelEntries = entries.Count;
        byte hasOpt = reader.Byte("optimizer flag");
        string? kind = null;
        long step = 0;
        uint optParams = 0;
        var hyper = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        if (hasOpt > 1) throw reader.Error($"optimizer flag is {hasOpt}, expected 0 or 1");
        if (hasOpt == 1)
        {
            kind = reader.String("optimizer kind");
            step = reader.Int64("optimizer step");
            optParams = reader.Count("optimizer parameters");
            uint hyperCount = reader.Count("hyperparameters");
            for (uint i = 0; i < hyperCount; i++)
            {
                var k = reader.String("hyperparameter name");
                var v = reader.Double("hyperparameter value");
                if (!hyper.TryAdd(k, v)) throw reader.Error($"hyperparameter '{k}' appears twice");
            }
            uint stateCount = reader.Count("optimizer state tensors");
            for (uint i = 0; i < stateCount; i++) entries.Add(reader.Entry());
        }
        if (!reader.AtEnd) throw reader.Error($"{reader.Remaining} unexpected bytes after the last field");
        CheckUnique(path, entries.Take(modelEntries), "parameter or buffer");
        CheckUnique(path, entries.Skip(modelEntries), "optimizer state tensor");

        long dataLength = 0;
        foreach (var e in entries) dataLength += (long)Shapes.Numel(e.Shape) * e.DType.Size();
        long expected = PrefixSize + headerLength + dataLength + ChecksumSize;
        if (n != expected)
            throw new CheckpointException(path, $"is malformed: its header describes {entries.Count} tensors making {expected} bytes in all, but the file has {n}");

        int offset = PrefixSize + (int)headerLength;
        var tensors = new List<Tensor>(entries.Count);
        foreach (var e in entries)
        {
            var t = Tensor.Zeros(e.DType, e.Shape);
            int len = t.Numel * e.DType.Size();
            var src = bytes.AsSpan(offset, len);
            if (BitConverter.IsLittleEndian)
                src.CopyTo(e.DType == DType.Float32 ? MemoryMarshal.AsBytes(t.SpanF) : MemoryMarshal.AsBytes(t.SpanD));
            else if (e.DType == DType.Float32)
                for (int i = 0; i < t.Numel; i++) t.SpanF[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
            else
                for (int i = 0; i < t.Numel; i++) t.SpanD[i] = BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
            t.Name = e.Name;
            tensors.Add(t);
            offset += len;
        }
        var parameters = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < parameterEntries; i++) parameters.Add(entries[i].Name, tensors[i]);
        var bufferTensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = parameterEntries; i < modelEntries; i++) bufferTensors.Add(entries[i].Name, tensors[i]);
        OptimizerState? state = null;
        if (kind is not null)
        {
            try
            {
                state = new OptimizerState(kind, step, checked((int)optParams), hyper,
                    entries.Skip(modelEntries).Select((e, i) => new KeyValuePair<string, Tensor>(e.Name, tensors[modelEntries + i])));
            }
            catch (Exception e) when (e is ArgumentException or OverflowException)
            {
                throw new CheckpointException(path, $"has an invalid optimizer state: {e.Message}", e);
            }
        }
        return new CheckpointFile(path, (int)version, meta, parameters, bufferTensors, state);
    }

    private static void CheckUnique(string path, IEnumerable<Entry> entries, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries)
            if (!seen.Add(e.Name)) throw new CheckpointException(path, $"is malformed: {what} '{e.Name}' appears twice");
    }

    private static string Hex(ReadOnlySpan<byte> b) => b.IsEmpty ? "nothing" : string.Join(" ", b.ToArray().Select(x => $"0x{x:X2}"));

    /// <summary>Bounds-checked reads from the header; every failure names the file and the offset.</summary>
    private ref struct HeaderReader(string path, ReadOnlySpan<byte> header)
    {
        private readonly ReadOnlySpan<byte> _h = header;
        private int _pos;

        public readonly bool AtEnd => _pos == _h.Length;

        public readonly int Remaining => _h.Length - _pos;

        public readonly CheckpointException Error(string what) =>
            new(path, $"has a malformed header (corrupted or not written by AutoGrad) at header byte {_pos}: {what}");

        private ReadOnlySpan<byte> Take(int count, string what)
        {
            if (count < 0 || count > _h.Length - _pos)
                throw Error($"{what} needs {count} bytes but only {_h.Length - _pos} remain in the {_h.Length}-byte header");
            var s = _h.Slice(_pos, count);
            _pos += count;
            return s;
        }

        public byte Byte(string what) => Take(1, what)[0];

        public uint UInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

        public long Int64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

        public double Double(string what) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what));

        /// <summary>A count of items, each of which takes at least 4 header bytes, so a corrupted count cannot make us allocate.</summary>
        public uint Count(string what)
        {
            uint c = UInt32($"the number of {what}");
            if (c > (uint)Remaining / 4) throw Error($"the number of {what} is {c}, more than the {Remaining} remaining header bytes can describe");
            return c;
        }

        public string String(string what)
        {
            uint len = UInt32($"the length of a {what}");
            if (len > (uint)Remaining) throw Error($"a {what} is declared as {len} bytes but only {Remaining} remain");
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take((int)len, what));
            }
            catch (DecoderFallbackException)
            {
                throw Error($"a {what} is not valid UTF-8");
            }
        }

        public Entry Entry()
        {
            string name = String("tensor name");
            if (name.Length == 0) throw Error("a tensor name is empty");
            byte dt = Byte($"the dtype of '{name}'");
            if (dt > 1) throw Error($"tensor '{name}' has dtype code {dt}; expected 0 (float32) or 1 (float64)");
            byte rank = Byte($"the rank of '{name}'");
            if (rank > MaxRank) throw Error($"tensor '{name}' has rank {rank}; at most {MaxRank} is supported");
            var shape = new int[rank];
            long numel = 1;
            for (int i = 0; i < rank; i++)
            {
                uint d = UInt32($"dimension {i} of '{name}'");
                if (d > int.MaxValue) throw Error($"dimension {i} of '{name}' is {d}");
                shape[i] = (int)d;
                numel *= d;
                if (numel > Array.MaxLength) throw Error($"tensor '{name}' of shape {Shapes.Format(shape.AsSpan(0, i + 1))}... has more than {Array.MaxLength} elements");
            }
            return new Entry(name, dt == 0 ? DType.Float32 : DType.Float64, shape);
        }
    }
}
