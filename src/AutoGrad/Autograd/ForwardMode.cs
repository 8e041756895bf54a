namespace AutoGrad.Autograd;

/// <summary>
/// Forward-mode differentiation (dual numbers over tensors). Open a <see cref="DualLevel"/>, make
/// dual inputs with <see cref="DualLevel.Dual"/>, and every op run on them carries a tangent
/// along: the op's <see cref="Node.Jvp"/> rule, beside its reverse rule in the op's file,
/// computes the output's tangent from the inputs' tangents. Nothing is recorded on the tape for
/// it; when the inputs also require grad the op is recorded as usual, and the tangent
/// computations are ordinary ops, so reverse over forward works, and backward rules run on dual
/// tensors, so forward over reverse (a Hessian-vector product) works.
/// </summary>
/// <remarks>
/// Nesting: a tensor holds one tangent per open level. An op's tangent at level L is computed with
/// level L and every level opened after it hidden, so it carries only the tangents of outer
/// levels (the ε_L² term is dropped, as dual numbers require) and two levels never mix.
/// </remarks>
public static class ForwardMode
{
    // Levels open anywhere: zero keeps every op to one static read.
    internal static int s_open;

    // Levels with an id at or above this are invisible to the ops running on this thread (0: none hidden).
    [ThreadStatic] private static int t_ceiling;

    /// <summary>Opens a new (inner) level; dispose it to close it.</summary>
    public static DualLevel Level() => new();

    /// <summary>True when some level is open (any thread): only then can a tensor carry a tangent.</summary>
    internal static bool AnyOpen
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref s_open) != 0;
    }

    /// <summary>Whether a tangent at <paramref name="level"/> is seen by ops on this thread now.</summary>
    internal static bool IsLive(DualLevel level) => level.IsOpen && (t_ceiling == 0 || level.Id < t_ceiling);

    /// <summary>True when <paramref name="t"/> carries a tangent that ops see now.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool HasTangent(Tensor t) => AnyOpen && t.Tangents is { } e && AnyLive(e);

    private static bool AnyLive(TangentEntry? e)
    {
        for (; e is not null; e = e.Next) if (IsLive(e.Level)) return true;
        return false;
    }

    /// <summary>
    /// True when a forward-mode rule reading <paramref name="a"/> and <paramref name="b"/> may run as one
    /// fused kernel instead of recorded ops: the tape does not record them, and neither carries a
    /// tangent of an outer level (which the ops would have to carry along).
    /// </summary>
    internal static bool Plain(Tensor a, Tensor b) =>
        !((a.RequiresGrad || b.RequiresGrad) && Tape.IsRecording) && !HasTangent(a) && !HasTangent(b);

    /// <summary>Hides <paramref name="level"/> and every level opened after it from the ops run until the scope is disposed.</summary>
    internal static CeilingScope Hide(DualLevel level)
    {
        int saved = t_ceiling;
        if (t_ceiling == 0 || level.Id < t_ceiling) t_ceiling = level.Id;
        return new CeilingScope(saved);
    }

    internal readonly struct CeilingScope(int saved) : IDisposable
    {
        public void Dispose() => t_ceiling = saved;
    }

    /// <summary>
    /// Gives <paramref name="output"/>, just computed by <paramref name="node"/>'s forward, a tangent at
    /// every live level its inputs have one at, from the node's JVP rule: innermost levels last, so each
    /// rule sees the output's tangents at the outer levels.
    /// </summary>
    internal static void Propagate(Node node, Tensor output)
    {
        // The distinct live levels of the inputs, oldest first (usually one).
        DualLevel? first = null;
        List<DualLevel>? more = null;
        for (int i = 0; i < node.InputCount; i++)
            for (var e = node.Input(i).Tangents; e is not null; e = e.Next)
            {
                if (!IsLive(e.Level) || ReferenceEquals(e.Level, first) || more?.Contains(e.Level) == true) continue;
                if (first is null) first = e.Level;
                else (more ??= []).Add(e.Level);
            }
        if (first is null) return;
        if (more is null) { PropagateAt(node, output, first); return; }
        more.Add(first);
        more.Sort((a, b) => a.Id.CompareTo(b.Id));
        foreach (var level in more) PropagateAt(node, output, level);
    }

    private static void PropagateAt(Node node, Tensor output, DualLevel level)
    {
        var tangents = new Tensor?[node.InputCount];
        for (int i = 0; i < tangents.Length; i++) tangents[i] = node.Input(i).TangentAt(level);
        Tensor? t;
        using (Hide(level)) t = node.RunJvp(output, tangents);
        if (t is null) return;
        if (t.DType != output.DType || !Shapes.Equal(t.ShapeArray, output.ShapeArray))
            throw new AutogradException(
                $"forward mode: the JVP rule of '{node.Name}' returned a tangent {t.DType.Name()} {Shapes.Format(t.ShapeArray)} for an output {Node.Describe(output)}; a tangent must match its primal's shape and dtype");
        output.SetTangent(level, t);
    }

    /// <summary>Gives <paramref name="to"/> the live tangents of <paramref name="from"/> (a detached leaf keeps its input's tangents).</summary>
    internal static void CopyTangents(Tensor from, Tensor to)
    {
        for (var e = from.Tangents; e is not null; e = e.Next)
            if (IsLive(e.Level)) to.SetTangent(e.Level, e.Value);
    }
}

/// <summary>One tangent of a tensor: the level it belongs to and its value; a short list, newest first.</summary>
internal sealed class TangentEntry(DualLevel level, Tensor value, TangentEntry? next)
{
    public readonly DualLevel Level = level;
    public readonly Tensor Value = value;
    public readonly TangentEntry? Next = next;
}
