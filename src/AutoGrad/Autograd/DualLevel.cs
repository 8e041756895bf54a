namespace AutoGrad.Autograd;

/// <summary>
/// A level of forward-mode differentiation, open until disposed (PyTorch's <c>dual_level</c>,
/// with nesting). <see cref="Dual"/> pairs a primal with a tangent at this level; every op applied
/// to a dual tensor computes the output's tangent J·v from its forward-mode rule as it runs, with
/// no tape. Levels nest: a level opened inside another is a different perturbation, and a tangent
/// of one never mixes with a tangent of the other (d/dx [x · d/dy (x + y)] is 1, not 2).
/// </summary>
/// <example>
/// <code>
/// using var level = ForwardMode.Level();
/// var x = level.Dual(x0, v);        // x0 + ε·v
/// var y = f(x);                     // runs f once, computing f(x0) and J·v together
/// var jv = level.Tangent(y);        // J·v (zeros when y does not depend on x)
/// </code>
/// </example>
public sealed class DualLevel : IDisposable
{
    private static int s_next;

    /// <summary>Creation order: a level opened later (an inner level) has a larger id.</summary>
    internal readonly int Id;

    internal bool IsOpen { get; private set; } = true;

    internal DualLevel()
    {
        Id = Interlocked.Increment(ref s_next);
        Interlocked.Increment(ref ForwardMode.s_open);
    }

    /// <summary>
    /// The dual tensor primal + ε·tangent at this level: a new handle on the primal's storage (the
    /// primal itself is not changed), connected to the primal's graph when it has one. The tangent
    /// may itself be dual at an outer level.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ.</exception>
    /// <exception cref="ObjectDisposedException">The level was disposed.</exception>
    public Tensor Dual(Tensor primal, Tensor tangent)
    {
        ArgumentNullException.ThrowIfNull(primal);
        ArgumentNullException.ThrowIfNull(tangent);
        ThrowIfClosed();
        Guard.SameShape("ForwardMode.Dual (tangent)", primal, tangent);
        Guard.SameDType("ForwardMode.Dual (tangent)", primal, tangent);
        var dual = Primal(primal);
        dual.SetTangent(this, tangent);
        return dual;
    }

    /// <summary>The tangent of <paramref name="t"/> at this level (J·v of the op chain that produced it), or null when it has none (zero).</summary>
    public Tensor? TangentOrNull(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        ThrowIfClosed();
        return t.TangentAt(this);
    }

    /// <summary>The tangent of <paramref name="t"/> at this level; zeros of its shape when it has none.</summary>
    public Tensor Tangent(Tensor t) => TangentOrNull(t) ?? Tensor.ZerosLike(t);

    /// <summary>
    /// <paramref name="t"/> without its tangent at this level (its tangents at outer levels kept):
    /// a new handle on the same storage, connected to <paramref name="t"/>'s graph.
    /// </summary>
    public Tensor Primal(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        ThrowIfClosed();
        using (ForwardMode.Hide(this)) return AliasNode.Apply(t);
    }

    /// <summary>Closes the level: tangents at it are dropped from every tensor that still holds one (they read as zero).</summary>
    public void Dispose()
    {
        if (!IsOpen) return;
        IsOpen = false;
        Interlocked.Decrement(ref ForwardMode.s_open);
    }

    private void ThrowIfClosed()
    {
        if (!IsOpen) throw new ObjectDisposedException(nameof(DualLevel), $"forward mode: dual level {Id} was disposed; open a new one with ForwardMode.Level()");
    }

    /// <inheritdoc/>
    public override string ToString() => $"dual level {Id}{(IsOpen ? "" : " (closed)")}";
}
