using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGrad.Kernels;

/// <summary>
/// 2-d max and average pooling over planes [H, W] (see <see cref="Pool2dGeometry"/>), and their
/// adjoints. Each call works on the planes [first, end), so callers may split the planes between
/// threads; every output element is computed by one thread in a fixed order, so results never
/// depend on the split. Arg-max indices are flat positions h·W + w within the input plane.
/// </summary>
public static class Pooling
{
    /// <summary>
    /// y = max of x over each window, padding counting as −∞; <paramref name="argmax"/> gets the
    /// position of the first maximum in row-major window order (PyTorch's choice at ties). NaN wins
    /// (its position is recorded).
    /// </summary>
    public static void MaxForward<T>(ReadOnlySpan<T> x, in Pool2dGeometry g, Span<T> y, Span<int> argmax, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        for (int p = first; p < end; p++)
        {
            var xp = x.Slice(p * hw, hw);
            var yp = y.Slice(p * ohw, ohw);
            var ip = argmax.Slice(p * ohw, ohw);
            if (g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0) Max2x2(xp, g.W, g.OH, g.OW, yp, ip);
            else MaxPlane(xp, g, yp, ip);
        }
    }

    // The common MaxPool2d(2): no window bookkeeping, and no branches (random data makes every
    // comparison a coin toss). Each window is scanned as PyTorch does, in row-major order keeping
    // the first maximum: the larger of each row's pair, then the bottom one only if strictly larger
    // (a NaN always wins, the last one as in PyTorch). Float32 runs four windows per SSE step.
    private static void Max2x2<T>(ReadOnlySpan<T> x, int w, int oh, int ow, Span<T> y, Span<int> argmax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref int ir = ref MemoryMarshal.GetReference(argmax);
        for (int r = 0; r < oh; r++)
        {
            int top = 2 * r * w, c = 0;
            ref T y0 = ref Unsafe.Add(ref yr, r * ow);
            ref int i0 = ref Unsafe.Add(ref ir, r * ow);
            if (typeof(T) == typeof(float) && Sse2.IsSupported)
                c = Max2x2Row(ref Unsafe.As<T, float>(ref xr), top, w, ow, ref Unsafe.As<T, float>(ref y0), ref i0);
            for (; c < ow; c++)
            {
                int a = top + 2 * c;
                T t0 = Unsafe.Add(ref xr, a), t1 = Unsafe.Add(ref xr, a + 1);
                T b0 = Unsafe.Add(ref xr, a + w), b1 = Unsafe.Add(ref xr, a + w + 1);
                bool right = (t1 > t0) | T.IsNaN(t1);
                T tm = right ? t1 : t0;
                int ti = right ? a + 1 : a;
                right = (b1 > b0) | T.IsNaN(b1);
                T bm = right ? b1 : b0;
                int bi = right ? a + w + 1 : a + w;
                bool bottom = (bm > tm) | T.IsNaN(bm);
                Unsafe.Add(ref y0, c) = bottom ? bm : tm;
                Unsafe.Add(ref i0, c) = bottom ? bi : ti;
            }
        }
    }

    /// <summary>
    /// Four windows at a time of one output row; returns the first column left for the scalar loop
    /// (none when the row has 4 or more: the last step overlaps the one before, writing the same
    /// values again, so no window goes through the scalar loop's branches).
    /// </summary>
    private static int Max2x2Row(ref float x, int top, int w, int ow, ref float y, ref int argmax)
    {
        if (ow < 4) return 0;
        var pairs = Vector128.Create(0, 2, 4, 6);
        for (int next = 0; next < ow; next += 4)
        {
            int c = Math.Min(next, ow - 4), a = top + 2 * c;
            var (tm, ti) = PairMax(Vector128.LoadUnsafe(ref x, (nuint)a), Vector128.LoadUnsafe(ref x, (nuint)(a + 4)), Vector128.Create(a) + pairs);
            var (bm, bi) = PairMax(Vector128.LoadUnsafe(ref x, (nuint)(a + w)), Vector128.LoadUnsafe(ref x, (nuint)(a + w + 4)), Vector128.Create(a + w) + pairs);
            var bottom = Vector128.GreaterThan(bm, tm) | ~Vector128.Equals(bm, bm);
            Vector128.ConditionalSelect(bottom, bm, tm).StoreUnsafe(ref y, (nuint)c);
            Vector128.ConditionalSelect(bottom.AsInt32(), bi, ti).StoreUnsafe(ref argmax, (nuint)c);
        }
        return ow;
    }

    /// <summary>Of the pairs (v[2k], v[2k+1]) of the 8 values lo:hi, the larger (the right one only if strictly larger or NaN) and its position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Max, Vector128<int> At) PairMax(Vector128<float> lo, Vector128<float> hi, Vector128<int> left)
    {
        var even = Sse.Shuffle(lo, hi, 0b10_00_10_00);
        var odd = Sse.Shuffle(lo, hi, 0b11_01_11_01);
        var right = Vector128.GreaterThan(odd, even) | ~Vector128.Equals(odd, odd);
        // The mask is −1 where the right one wins: subtracting it moves those positions by one.
        return (Vector128.ConditionalSelect(right, odd, even), left - right.AsInt32());
    }

    private static void MaxPlane<T>(ReadOnlySpan<T> x, in Pool2dGeometry g, Span<T> y, Span<int> argmax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int o = 0;
        for (int r = 0; r < g.OH; r++)
        {
            int hs = r * g.SH - g.PH, h0 = Math.Max(hs, 0), h1 = Math.Min(hs + g.KH, g.H);
            for (int c = 0; c < g.OW; c++, o++)
            {
                int ws = c * g.SW - g.PW, w0 = Math.Max(ws, 0), w1 = Math.Min(ws + g.KW, g.W);
                T best = T.NegativeInfinity;
                int bi = h0 * g.W + w0;
                for (int h = h0; h < h1; h++)
                {
                    var row = x.Slice(h * g.W, g.W);
                    for (int w = w0; w < w1; w++)
                    {
                        T v = row[w];
                        if (v > best || T.IsNaN(v)) { best = v; bi = h * g.W + w; }
                    }
                }
                y[o] = best;
                argmax[o] = bi;
            }
        }
    }

    /// <summary>The adjoint of picking by arg-max: dx = 0 except dx[argmax[o]] += dy[o] (max pooling's backward).</summary>
    public static void MaxScatter<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, in Pool2dGeometry g, Span<T> dx, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        bool tiles = g.Tiles;
        for (int p = first; p < end; p++)
        {
            var gp = dy.Slice(p * ohw, ohw);
            var ip = argmax.Slice(p * ohw, ohw);
            var xp = dx.Slice(p * hw, hw);
            if (tiles && g.KH == 2 && g.KW == 2) Scatter2x2(gp, ip, g.W, g.OH, g.OW, xp);
            else if (tiles) ScatterTiles(gp, ip, g, xp);
            else
            {
                xp.Clear();
                for (int o = 0; o < ohw; o++) xp[ip[o]] += gp[o];
            }
        }
    }

    // MaxPool2d(2)'s backward on a plane it tiles: each window's four elements written once, the
    // arg-max one with its gradient, the others with 0 (four windows per SSE step for float32).
    private static void Scatter2x2<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, int w, int oh, int ow, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T gr = ref MemoryMarshal.GetReference(dy);
        ref int ir = ref MemoryMarshal.GetReference(argmax);
        ref T xr = ref MemoryMarshal.GetReference(dx);
        for (int r = 0; r < oh; r++)
        {
            int top = 2 * r * w, c = 0;
            ref T g0 = ref Unsafe.Add(ref gr, r * ow);
            ref int i0 = ref Unsafe.Add(ref ir, r * ow);
            if (typeof(T) == typeof(float) && Sse2.IsSupported)
                c = Scatter2x2Row(ref Unsafe.As<T, float>(ref g0), ref i0, top, w, ow, ref Unsafe.As<T, float>(ref xr));
            for (; c < ow; c++)
            {
                int a = top + 2 * c, at = Unsafe.Add(ref i0, c);
                T v = Unsafe.Add(ref g0, c);
                Unsafe.Add(ref xr, a) = at == a ? v : T.Zero;
                Unsafe.Add(ref xr, a + 1) = at == a + 1 ? v : T.Zero;
                Unsafe.Add(ref xr, a + w) = at == a + w ? v : T.Zero;
                Unsafe.Add(ref xr, a + w + 1) = at == a + w + 1 ? v : T.Zero;
            }
        }
    }

    /// <summary>Four windows at a time of one output row, the last step overlapping as in <see cref="Max2x2Row"/>; returns the first column left for the scalar loop.</summary>
    private static int Scatter2x2Row(ref float g, ref int argmax, int top, int w, int ow, ref float x)
    {
        if (ow < 4) return 0;
        var lanes = Vector128.Create(0, 1, 2, 3);
        for (int next = 0; next < ow; next += 4)
        {
            int c = Math.Min(next, ow - 4), a = top + 2 * c;
            var v = Vector128.LoadUnsafe(ref g, (nuint)c);
            var at = Vector128.LoadUnsafe(ref argmax, (nuint)c);
            // Each window's gradient and arg-max twice, as its pair of columns.
            Vector128<float> vLo = Sse.UnpackLow(v, v), vHi = Sse.UnpackHigh(v, v);
            Vector128<int> atLo = Sse2.UnpackLow(at, at), atHi = Sse2.UnpackHigh(at, at);
            var pos = Vector128.Create(a) + lanes;
            var four = Vector128.Create(4);
            var bottom = Vector128.Create(w);
            Vector128.ConditionalSelect(Vector128.Equals(atLo, pos).AsSingle(), vLo, Vector128<float>.Zero).StoreUnsafe(ref x, (nuint)a);
            Vector128.ConditionalSelect(Vector128.Equals(atHi, pos + four).AsSingle(), vHi, Vector128<float>.Zero).StoreUnsafe(ref x, (nuint)(a + 4));
            Vector128.ConditionalSelect(Vector128.Equals(atLo, pos + bottom).AsSingle(), vLo, Vector128<float>.Zero).StoreUnsafe(ref x, (nuint)(a + w));
            Vector128.ConditionalSelect(Vector128.Equals(atHi, pos + bottom + four).AsSingle(), vHi, Vector128<float>.Zero).StoreUnsafe(ref x, (nuint)(a + w + 4));
        }
        return ow;
    }

    // Windows that tile the plane write every element once, so no clearing pass is needed.
    private static void ScatterTiles<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, in Pool2dGeometry g, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xr = ref MemoryMarshal.GetReference(dx);
        int o = 0;
        for (int r = 0; r < g.OH; r++)
            for (int c = 0; c < g.OW; c++, o++)
            {
                int top = r * g.KH * g.W + c * g.KW, at = argmax[o];
                T v = dy[o];
                for (int h = 0; h < g.KH; h++)
                {
                    int row = top + h * g.W;
                    for (int w = 0; w < g.KW; w++) Unsafe.Add(ref xr, row + w) = row + w == at ? v : T.Zero;
                }
            }
    }

    /// <summary>y[o] = x[argmax[o]] in each plane: picking by saved arg-max positions (the adjoint of <see cref="MaxScatter"/>).</summary>
    public static void MaxGather<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> argmax, in Pool2dGeometry g, Span<T> y, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        for (int p = first; p < end; p++)
        {
            var xp = x.Slice(p * hw, hw);
            var ip = argmax.Slice(p * ohw, ohw);
            var yp = y.Slice(p * ohw, ohw);
            for (int o = 0; o < ohw; o++) yp[o] = xp[ip[o]];
        }
    }

    /// <summary>
    /// y = mean of x over each window: the sum divided by kH·kW when <paramref name="countIncludePad"/>
    /// (padding counts as zeros), else by the number of elements of the window inside the plane.
    /// </summary>
    public static void AvgForward<T>(ReadOnlySpan<T> x, in Pool2dGeometry g, bool countIncludePad, Span<T> y, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        bool quads = g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0;
        T four = T.CreateTruncating(4);
        for (int p = first; p < end; p++)
        {
            var xp = x.Slice(p * hw, hw);
            var yp = y.Slice(p * ohw, ohw);
            if (quads)
            {
                // AvgPool2d(2): each window's four elements summed in row-major order, as the general loop does.
                for (int r = 0; r < g.OH; r++)
                    for (int c = 0; c < g.OW; c++)
                    {
                        int a = 2 * r * g.W + 2 * c;
                        yp[r * g.OW + c] = (xp[a] + xp[a + 1] + xp[a + g.W] + xp[a + g.W + 1]) / four;
                    }
                continue;
            }
            int o = 0;
            for (int r = 0; r < g.OH; r++)
            {
                int hs = r * g.SH - g.PH, h0 = Math.Max(hs, 0), h1 = Math.Min(hs + g.KH, g.H);
                for (int c = 0; c < g.OW; c++, o++)
                {
                    int ws = c * g.SW - g.PW, w0 = Math.Max(ws, 0), w1 = Math.Min(ws + g.KW, g.W);
                    T s = T.Zero;
                    for (int h = h0; h < h1; h++)
                    {
                        var row = xp.Slice(h * g.W, g.W);
                        for (int w = w0; w < w1; w++) s += row[w];
                    }
                    yp[o] = s / T.CreateTruncating(Divisor(g, countIncludePad, h0, h1, w0, w1));
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="AvgForward"/>: dx = 0, then every window element gets dy[o] / divisor(o).</summary>
    public static void AvgBackward<T>(ReadOnlySpan<T> dy, in Pool2dGeometry g, bool countIncludePad, Span<T> dx, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hw = g.H * g.W, ohw = g.OH * g.OW;
        if (g.Tiles)
        {
            // Each element is in exactly one window, whose divisor is kH·kW: one write per element, no clearing.
            T n = T.CreateTruncating(g.KH * g.KW);
            for (int p = first; p < end; p++)
            {
                var gp = dy.Slice(p * ohw, ohw);
                var xp = dx.Slice(p * hw, hw);
                if (g.KH == 2 && g.KW == 2)
                {
                    for (int r = 0; r < g.OH; r++)
                        for (int c = 0; c < g.OW; c++)
                        {
                            int a = 2 * r * g.W + 2 * c;
                            T v = gp[r * g.OW + c] / n;
                            xp[a] = xp[a + 1] = xp[a + g.W] = xp[a + g.W + 1] = v;
                        }
                    continue;
                }
                for (int h = 0; h < g.H; h++)
                {
                    var row = xp.Slice(h * g.W, g.W);
                    var src = gp.Slice(h / g.KH * g.OW, g.OW);
                    for (int w = 0; w < g.W; w++) row[w] = src[w / g.KW] / n;
                }
            }
            return;
        }
        for (int p = first; p < end; p++)
        {
            var gp = dy.Slice(p * ohw, ohw);
            var xp = dx.Slice(p * hw, hw);
            xp.Clear();
            int o = 0;
            for (int r = 0; r < g.OH; r++)
            {
                int hs = r * g.SH - g.PH, h0 = Math.Max(hs, 0), h1 = Math.Min(hs + g.KH, g.H);
                for (int c = 0; c < g.OW; c++, o++)
                {
                    int ws = c * g.SW - g.PW, w0 = Math.Max(ws, 0), w1 = Math.Min(ws + g.KW, g.W);
                    T v = gp[o] / T.CreateTruncating(Divisor(g, countIncludePad, h0, h1, w0, w1));
                    for (int h = h0; h < h1; h++)
                    {
                        var row = xp.Slice(h * g.W, g.W);
                        for (int w = w0; w < w1; w++) row[w] += v;
                    }
                }
            }
        }
    }

    // In floor mode a window never reaches past the padding, so including it always counts kH·kW.
    private static int Divisor(in Pool2dGeometry g, bool countIncludePad, int h0, int h1, int w0, int w1) =>
        countIncludePad ? g.KH * g.KW : (h1 - h0) * (w1 - w0);
}
