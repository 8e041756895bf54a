using System.Numerics;

namespace AutoGrad.Kernels;

/// <summary>
/// 2-d convolution (cross-correlation) by im2col and the packed GEMM, one sample per work item: the
/// sample's column matrix goes into its thread's scratch slot (small enough to stay in cache) and is
/// multiplied at once. Samples run in parallel, each GEMM then on one thread; a batch of one runs its
/// GEMMs multithreaded instead. Every output element is summed in an order fixed by the shapes, so
/// results do not depend on the thread count.
/// </summary>
/// <remarks>
/// Per sample n and group g, with X_g the [Kg, L] column matrix of the group's input channels,
/// W_g the [Og, Kg] weight rows and Y_g, G_g the [Og, L] output (gradient) rows:
/// forward Y_g = W_g·X_g; input gradient col2im(W_gᵀ·G_g); weight gradient Σ_n G_g·X_gᵀ (or its transpose).
/// </remarks>
internal static unsafe class ConvGemm
{
    /// <summary>Scratch elements per slot for the column matrix of one group (none for a pointwise kernel).</summary>
    public static int ColumnScratch(in ConvGeometry g) => g.IsPointwise ? 0 : g.Kg * g.L;

    /// <summary>Scratch elements per slot of <see cref="Forward"/>: the column matrix.</summary>
    public static int ForwardSlot(in ConvGeometry g) => ColumnScratch(g);

    /// <summary>Scratch elements per slot of <see cref="WeightGrad"/>: the column matrix and room for a chunk's sum when it is summed transposed.</summary>
    private static int WeightSlot(in ConvGeometry g) => ColumnScratch(g) + g.O * g.Kg;

    /// <summary>Scratch slots a call on <paramref name="items"/> items may use.</summary>
    public static int Slots(int items) => Math.Max(1, Math.Min(Threading.Threads, items));

    /// <summary>
    /// The fixed partition of the batch for the weight gradient: each chunk sums its samples into its
    /// own partial, and the partials are added in order. A function of the shapes only (never of the
    /// thread count), and bounded so the partials stay small next to the weight.
    /// </summary>
    public static int WeightChunks(in ConvGeometry g)
    {
        int weight = Math.Max(1, g.O * g.Kg);
        return Math.Max(1, Math.Min(Math.Min(g.N, 16), (1 << 22) / weight));
    }

    /// <summary>Scratch elements <see cref="WeightGrad"/> needs with <paramref name="slots"/> slots: the column slots, then the partials of the chunks after the first.</summary>
    public static int WeightGradScratch(in ConvGeometry g, int slots) => slots * WeightSlot(g) + (WeightChunks(g) - 1) * g.O * g.Kg;

    /// <summary>y [N, O, OH, OW] = conv(x [N, C, H, W], w [O, Cg, KH, KW]) + b [O] (b null: no bias).</summary>
    public static void Forward<T>(in ConvGeometry g, T* x, T* w, T* b, T* y, T* scratch, int slots) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double flops = 2.0 * g.O * g.Kg * g.L;
        ParallelFor.Run(g.N, slots, flops, new ForwardBody<T>(g, x, w, b, y, scratch));
    }

    /// <summary>Scratch elements <see cref="InputGrad"/> needs with <paramref name="slots"/> slots.</summary>
    public static int InputGradScratch(in ConvGeometry g, int slots) => slots * ColumnScratch(g);

    /// <summary>dx [N, C, H, W] = the adjoint of the convolution in x applied to gy [N, O, OH, OW] (a transposed convolution).</summary>
    /// <remarks>
    /// With stride 1 this is also the correlation of gy with the flipped kernel, a gather and a GEMM with
    /// k = Og·KH·KW; measured on the benchmark's 32 → 64 channel 3 × 3 layer it took about a fifth more
    /// time than W_gᵀ·G_g (k = Og) and the vectorized scatter-add, so every stride takes this path.
    /// </remarks>
    public static void InputGrad<T>(in ConvGeometry g, T* gy, T* w, T* dx, T* scratch, int slots) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double flops = 2.0 * g.O * g.Kg * g.L;
        ParallelFor.Run(g.N, slots, flops, new InputGradBody<T>(g, gy, w, dx, scratch));
    }

    /// <summary>dw [O, Cg, KH, KW] = Σ over samples of gy_n·X_nᵀ, per group.</summary>
    public static void WeightGrad<T>(in ConvGeometry g, T* x, T* gy, T* dw, T* scratch, int slots) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int weight = g.O * g.Kg;
        if (g.N == 0)
        {
            new Span<T>(dw, weight).Clear();
            return;
        }
        int chunks = WeightChunks(g);
        T* partials = scratch + (nint)slots * WeightSlot(g);
        double flops = 2.0 * g.O * g.Kg * g.L * ((double)g.N / chunks);
        ParallelFor.Run(chunks, slots, flops, new WeightGradBody<T>(g, x, gy, dw, scratch, partials, chunks, WeightTransposed<T>(g)));
        var sum = new Span<T>(dw, weight);
        for (int c = 1; c < chunks; c++)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, new ReadOnlySpan<T>(partials + (nint)(c - 1) * weight, weight), sum);
    }

    /// <summary>cols [N, C·KH·KW, L] = im2col of every sample of x [N, C, H, W].</summary>
    public static void Unfold<T>(in ConvGeometry g, T* x, T* cols) where T : unmanaged, INumberBase<T>
    {
        double bytes = (double)g.C * g.KH * g.KW * g.L;
        ParallelFor.Run(g.N, Slots(g.N), bytes, new UnfoldBody<T>(g, x, cols));
    }

    /// <summary>x [N, C, H, W] = col2im of every sample of cols [N, C·KH·KW, L] (overlapping entries summed).</summary>
    public static void Fold<T>(in ConvGeometry g, T* cols, T* x) where T : unmanaged, INumberBase<T>
    {
        double bytes = (double)g.C * g.KH * g.KW * g.L;
        ParallelFor.Run(g.N, Slots(g.N), bytes, new FoldBody<T>(g, cols, x));
    }

    /// <summary>
    /// Whether the weight gradient is summed transposed, dW_gᵀ [Kg, Og] = Σ X_g·G_gᵀ: the same GEMM
    /// (both operands read along L) with m and n swapped, taken when that fills the microkernel's
    /// MR × NR tiles at least 8% better (a [64, 288] product wastes a sixth of its 12-row tiles, a
    /// [288, 64] one none). Narrow shapes keep the GEMM's own small paths.
    /// </summary>
    private static bool WeightTransposed<T>(in ConvGeometry g) where T : unmanaged
    {
        int m = g.Og, n = g.Kg;
        if (m <= GemmSmall.NarrowLimit || n <= GemmSmall.NarrowLimit) return false;
        var plan = GemmPlan.Create<T>(GemmDriver.Level, m, n, g.L);
        static double Fill(int size, int tile) => (double)size / ((size + tile - 1) / tile * tile);
        return Fill(n, plan.MR) * Fill(m, plan.NR) > 1.08 * Fill(m, plan.MR) * Fill(n, plan.NR);
    }

    private readonly struct ForwardBody<T>(ConvGeometry g, T* x, T* w, T* bias, T* y, T* scratch) : IParallelBody where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public void Run(int n, int slot)
        {
            int l = g.L, og = g.Og, kg = g.Kg, plane = g.H * g.W;
            T* xn = x + (nint)n * g.C * plane;
            T* yn = y + (nint)n * g.O * l;
            T* cols = scratch + (nint)slot * ForwardSlot(g);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                T* xg = xn + (nint)grp * g.Cg * plane;
                T* b = xg;
                if (!g.IsPointwise)
                {
                    Im2Col.Unfold(g, xg, g.Cg, cols);
                    b = cols;
                }
                T* yg = yn + (nint)grp * og * l;
                // With a bias the GEMM adds onto rows that start as it, which costs no pass of its own.
                if (bias != null)
                    for (int o = 0; o < og; o++) new Span<T>(yg + (nint)o * l, l).Fill(bias[grp * og + o]);
                GemmDriver.Run(false, false, og, l, kg, w + (nint)grp * og * kg, kg, b, l, yg, l, bias != null);
            }
        }
    }

    private readonly struct InputGradBody<T>(ConvGeometry g, T* gy, T* w, T* dx, T* scratch) : IParallelBody where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public void Run(int n, int slot)
        {
            int l = g.L, og = g.Og, kg = g.Kg, plane = g.H * g.W;
            T* dxn = dx + (nint)n * g.C * plane;
            T* gn = gy + (nint)n * g.O * l;
            T* cols = scratch + (nint)slot * ColumnScratch(g);
            if (!g.IsPointwise) new Span<T>(dxn, g.C * plane).Clear();
            for (int grp = 0; grp < g.Groups; grp++)
            {
                T* dxg = dxn + (nint)grp * g.Cg * plane;
                T* wg = w + (nint)grp * og * kg;
                T* gg = gn + (nint)grp * og * l;
                if (g.IsPointwise)
                {
                    GemmDriver.Run(true, false, kg, l, og, wg, kg, gg, l, dxg, l, false);
                    continue;
                }
                GemmDriver.Run(true, false, kg, l, og, wg, kg, gg, l, cols, l, false);
                Im2Col.FoldAdd(g, cols, g.Cg, dxg);
            }
        }
    }

    private readonly struct WeightGradBody<T>(ConvGeometry g, T* x, T* gy, T* dw, T* scratch, T* partials, int chunks, bool transposed) : IParallelBody
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public void Run(int chunk, int slot)
        {
            int l = g.L, og = g.Og, kg = g.Kg, plane = g.H * g.W;
            T* sum = chunk == 0 ? dw : partials + (nint)(chunk - 1) * g.O * kg;
            T* cols = scratch + (nint)slot * WeightSlot(g);
            // Summed as dWᵀ = Σ X·Gᵀ when [Kg, Og] fills the GEMM's tiles better (see WeightTransposed), and transposed once at the end.
            T* sumT = cols + ColumnScratch(g);
            int first = (int)((long)g.N * chunk / chunks), last = (int)((long)g.N * (chunk + 1) / chunks);
            for (int n = first; n < last; n++)
            {
                T* xn = x + (nint)n * g.C * plane;
                T* gn = gy + (nint)n * g.O * l;
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    T* xg = xn + (nint)grp * g.Cg * plane;
                    T* b = xg;
                    if (!g.IsPointwise)
                    {
                        Im2Col.Unfold(g, xg, g.Cg, cols);
                        b = cols;
                    }
                    T* gg = gn + (nint)grp * og * l;
                    if (transposed) GemmDriver.Run(false, true, kg, og, l, b, l, gg, l, sumT + (nint)grp * og * kg, og, n != first);
                    else GemmDriver.Run(false, true, og, kg, l, gg, l, b, l, sum + (nint)grp * og * kg, kg, n != first);
                }
            }
            if (!transposed) return;
            for (int grp = 0; grp < g.Groups; grp++)
            {
                T* src = sumT + (nint)grp * og * kg, dst = sum + (nint)grp * og * kg;
                for (int j = 0; j < kg; j++)
                    for (int i = 0; i < og; i++) dst[(nint)i * kg + j] = src[(nint)j * og + i];
            }
        }
    }

    private readonly struct UnfoldBody<T>(ConvGeometry g, T* x, T* cols) : IParallelBody where T : unmanaged, INumberBase<T>
    {
        public void Run(int n, int slot) =>
            Im2Col.Unfold(g, x + (nint)n * g.C * g.H * g.W, g.C, cols + (nint)n * g.C * g.KH * g.KW * g.L);
    }

    private readonly struct FoldBody<T>(ConvGeometry g, T* cols, T* x) : IParallelBody where T : unmanaged, INumberBase<T>
    {
        public void Run(int n, int slot)
        {
            T* xn = x + (nint)n * g.C * g.H * g.W;
            new Span<T>(xn, g.C * g.H * g.W).Clear();
            Im2Col.FoldAdd(g, cols + (nint)n * g.C * g.KH * g.KW * g.L, g.C, xn);
        }
    }
}
