using AutoGrad.NN;

namespace AutoGrad.Training;

/// <summary>
/// A copy of a set of parameters' values, taken into buffers allocated once, that can be written
/// back into the same tensors: what "restore the best weights" needs. Restoring writes values
/// only; the tensors keep their identity (so optimizers and graphs built on them stay attached).
/// </summary>
public sealed class ParameterSnapshot
{
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _copies;

    /// <summary>Snapshots the current values of <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">The list holds a null.</exception>
    public ParameterSnapshot(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        for (int i = 0; i < _parameters.Length; i++)
            if (_parameters[i] is null) throw new ArgumentException($"ParameterSnapshot: parameter {i} is null", nameof(parameters));
        _copies = _parameters.Select(p => p.Clone()).ToArray();
    }

    /// <summary>Snapshots the current values of a model's parameters.</summary>
    public ParameterSnapshot(Module model) : this((model ?? throw new ArgumentNullException(nameof(model))).Parameters())
    {
    }

    /// <summary>The parameters this snapshot belongs to.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>Copies the parameters' current values into the snapshot (no allocation; a tensor's shape and dtype never change).</summary>
    public void Capture()
    {
        for (int i = 0; i < _parameters.Length; i++) Copy(_parameters[i], _copies[i]);
    }

    /// <summary>Writes the snapshot's values back into the same parameter tensors (outside the tape; their version is bumped).</summary>
    public void Restore()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            _parameters[i].Storage.Version++;
            Copy(_copies[i], _parameters[i]);
        }
    }

    /// <summary>The saved value of parameter <paramref name="index"/> (a copy owned by the snapshot; do not modify).</summary>
    public Tensor Saved(int index) => _copies[index];

    private static void Copy(Tensor from, Tensor to)
    {
        if (from.DType == DType.Float32) from.SpanF.CopyTo(to.SpanF); else from.SpanD.CopyTo(to.SpanD);
    }
}
