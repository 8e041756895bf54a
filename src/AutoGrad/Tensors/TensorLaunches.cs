using AutoGrad.Kernels;

namespace AutoGrad;

// The tensor's own launches: in-place writes, zero fills, and the gradient slot's lazy zeroing.
// Each in-place write bumps the storage's version, so a graph that saved the tensor notices.

public sealed partial class Tensor
{
    /// <summary>t ← 0 (a zero-filled op result or creation, again at every replay).</summary>
    internal readonly struct ClearLaunch(Tensor t) : ILaunch
    {
        public void Run()
        {
            if (t.DType == DType.Float32) t.SpanF.Clear(); else t.SpanD.Clear();
        }
    }

    /// <summary>target ← source (same shape and dtype).</summary>
    private readonly struct CopyLaunch(Tensor source, Tensor target) : ILaunch
    {
        public void Run()
        {
            target.Storage.Version++;
            if (target.DType == DType.Float32) source.SpanF.CopyTo(target.SpanF); else source.SpanD.CopyTo(target.SpanD);
        }
    }

    /// <summary>target ← value everywhere.</summary>
    private readonly struct FillLaunch(Tensor target, double value) : ILaunch
    {
        public void Run()
        {
            target.Storage.Version++;
            if (target.DType == DType.Float32) target.SpanF.Fill((float)value); else target.SpanD.Fill(value);
        }
    }

    /// <summary>target[flat] ← value.</summary>
    private readonly struct SetElementLaunch(Tensor target, int flat, double value) : ILaunch
    {
        public void Run()
        {
            target.Storage.Version++;
            target.SetFlat(flat, value);
        }
    }

    /// <summary>Clears the gradient buffer if <see cref="ZeroGrad"/> left it pending (a read of <see cref="Grad"/>).</summary>
    private readonly struct MaterializeGradLaunch(Tensor t) : ILaunch
    {
        public void Run()
        {
            if (t.GradPendingZero) t.ClearPendingGrad();
        }
    }

    /// <summary>Assigns the gradient slot.</summary>
    private readonly struct SetGradLaunch(Tensor t, Tensor? value) : ILaunch
    {
        public void Run()
        {
            t.GradPendingZero = false;
            t.StoredGrad = value;
        }
    }

    /// <summary>Marks the gradient for lazy zeroing; whether there is a buffer to mark is decided each time it runs.</summary>
    private readonly struct ZeroGradLaunch(Tensor t) : ILaunch
    {
        public void Run() => t.ZeroGradCore();
    }

    // Creation fills: each computes the whole contents, so running it again recreates them.

    /// <summary>t[i] = start + i·step.</summary>
    private readonly struct ArangeLaunch(Tensor t, double start, double step) : ILaunch
    {
        public void Run()
        {
            for (int i = 0; i < t.Numel; i++) t.SetFlat(i, start + i * step);
        }
    }

    /// <summary>t[i] evenly spaced from start to stop inclusive.</summary>
    private readonly struct LinspaceLaunch(Tensor t, double start, double stop) : ILaunch
    {
        public void Run()
        {
            int count = t.Numel;
            for (int i = 0; i < count; i++) t.SetFlat(i, count == 1 ? start : start + (stop - start) * i / (count - 1));
        }
    }

    /// <summary>The identity matrix.</summary>
    private readonly struct EyeLaunch(Tensor t) : ILaunch
    {
        public void Run()
        {
            int n = t.ShapeArray[0];
            if (t.DType == DType.Float32) t.SpanF.Clear(); else t.SpanD.Clear();
            for (int i = 0; i < n; i++) t.SetFlat(i * n + i, 1);
        }
    }

    /// <summary>t ← data (a host array of t's element type, read live at each replay).</summary>
    private readonly struct CopyArrayLaunch<T>(T[] data, Tensor t) : ILaunch where T : unmanaged
    {
        public void Run() => data.CopyTo(t.AsSpanOf<T>());
    }

    /// <summary>t ← a host matrix, row by row.</summary>
    private readonly struct CopyMatrixLaunch<T>(T[,] data, Tensor t) : ILaunch where T : unmanaged
    {
        public void Run()
        {
            int r = data.GetLength(0), c = data.GetLength(1);
            var s = t.AsSpanOf<T>();
            for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) s[i * c + j] = data[i, j];
        }
    }

    /// <summary>t ← values given as doubles, converted to t's dtype.</summary>
    private readonly struct ConvertArrayLaunch(double[] data, Tensor t) : ILaunch
    {
        public void Run()
        {
            for (int i = 0; i < data.Length; i++) t.SetFlat(i, data[i]);
        }
    }

    /// <summary>Random draws: a replay draws again from the generator, in the order the eager step would.</summary>
    private readonly struct DrawLaunch(Tensor t, Generator generator, double a, double b, bool normal) : ILaunch
    {
        public void Run()
        {
            if (t.DType == DType.Float32)
            {
                if (normal) generator.FillNormal(t.SpanF, a, b); else generator.FillUniform(t.SpanF, a, b);
            }
            else if (normal) generator.FillNormal(t.SpanD, a, b);
            else generator.FillUniform(t.SpanD, a, b);
        }
    }

    /// <summary>Row i of t gets a 1 at column labels[i], zeros elsewhere.</summary>
    private readonly struct OneHotLaunch(Tensor t, int classes) : IIndexedLaunch
    {
        public void Validate(ReadOnlySpan<int> labels) => Guard.Labels("OneHot", labels, classes);

        public void Run(ReadOnlySpan<int> labels)
        {
            if (t.DType == DType.Float32) t.SpanF.Clear(); else t.SpanD.Clear();
            for (int i = 0; i < labels.Length; i++) t.SetFlat(i * classes + labels[i], 1);
        }
    }

    /// <summary>The buffer as a span of its element type T (float or double), without the host-code check of <see cref="AsSpan{T}"/>.</summary>
    internal Span<T> AsSpanOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(SpanF) : System.Runtime.InteropServices.MemoryMarshal.Cast<double, T>(SpanD);
}

/// <summary>y = K(a, b) elementwise with broadcasting: the launch of every binary op, and of the tape's gradient sum.</summary>
internal readonly struct BinaryLaunch<K>(Tensor a, Tensor b, Tensor y) : ILaunch where K : IBinaryKernel
{
    public void Run()
    {
        if (a.DType == DType.Float32) Broadcast.Binary<K, float>(a.SpanF, a.ShapeArray, b.SpanF, b.ShapeArray, y.SpanF, y.ShapeArray);
        else Broadcast.Binary<K, double>(a.SpanD, a.ShapeArray, b.SpanD, b.ShapeArray, y.SpanD, y.ShapeArray);
    }
}
