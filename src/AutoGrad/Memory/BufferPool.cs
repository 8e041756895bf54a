namespace AutoGrad.Memory;

/// <summary>
/// Per-thread pool of float and double arrays by exact length. A training step asks for the same
/// lengths every time, so after the first step every op output comes from here and large arrays
/// stop reaching the large-object heap.
/// </summary>
internal static class BufferPool
{
    [ThreadStatic] private static Dictionary<int, Stack<float[]>>? t_floats;
    [ThreadStatic] private static Dictionary<int, Stack<double[]>>? t_doubles;

    public static float[] RentFloat(int length, bool zeroed)
    {
        var pool = t_floats ??= [];
        if (pool.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            var a = stack.Pop();
            if (zeroed) Array.Clear(a);
            return a;
        }
        return zeroed ? new float[length] : GC.AllocateUninitializedArray<float>(length);
    }

    public static double[] RentDouble(int length, bool zeroed)
    {
        var pool = t_doubles ??= [];
        if (pool.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            var a = stack.Pop();
            if (zeroed) Array.Clear(a);
            return a;
        }
        return zeroed ? new double[length] : GC.AllocateUninitializedArray<double>(length);
    }

    public static void Return(float[] a)
    {
        var pool = t_floats ??= [];
        if (!pool.TryGetValue(a.Length, out var stack)) pool[a.Length] = stack = new Stack<float[]>();
        stack.Push(a);
    }

    public static void Return(double[] a)
    {
        var pool = t_doubles ??= [];
        if (!pool.TryGetValue(a.Length, out var stack)) pool[a.Length] = stack = new Stack<double[]>();
        stack.Push(a);
    }

    /// <summary>Drops every pooled array of this thread (memory goes back to the GC).</summary>
    public static void Clear()
    {
        t_floats?.Clear();
        t_doubles?.Clear();
    }
}
