using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    // The common MaxPool2d(2): four loads and three compares per output, no window bookkeeping.
    private static void Max2x2<T>(ReadOnlySpan<T> x, int w, int oh, int ow, Span<T> y, Span<int> argmax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref int ir = ref MemoryMarshal.GetReference(argmax);
        for (int r = 0; r < oh; r++)
        {
            int top = 2 * r * w;
            ref T y0 = ref Unsafe.Add(ref yr, r * ow);
            ref int i0 = ref Unsafe.Add(ref ir, r * ow);
            for (int c = 0; c < ow; c++)
            {
                int a = top + 2 * c;
                T best = Unsafe.Add(ref xr, a);
                int bi = a;
                T v = Unsafe.Add(ref xr, a + 1);
                if (v > best || T.IsNaN(v)) { best = v; bi = a + 1; }
                v = Unsafe.Add(ref xr, a + w);
                if (v > best || T.IsNaN(v)) { best = v; bi = a + w; }
                v = Unsafe.Add(ref xr, a + w + 1);
                if (v > best || T.IsNaN(v)) { best = v; bi = a + w + 1; }
                Unsafe.Add(ref y0, c) = best;
                Unsafe.Add(ref i0, c) = bi;
            }
        }
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
            if (tiles) ScatterTiles(gp, ip, g, xp);
            else
            {
                xp.Clear();
                for (int o = 0; o < ohw; o++) xp[ip[o]] += gp[o];
            }
        }
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
        for (int p = first; p < end; p++)
        {
            var xp = x.Slice(p * hw, hw);
            var yp = y.Slice(p * ohw, ohw);
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
