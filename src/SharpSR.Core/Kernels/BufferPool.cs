namespace SharpSR.Core.Kernels;

/// <summary>
/// Scratch float buffers for kernels, rented and returned on dispose:
/// <c>using var buf = BufferPool.Rent(n);</c>. Contents are undefined unless <paramref name="clear"/>.
/// Lengths round up to a power of two; returned arrays are kept (unlike ArrayPool.Shared, which drops
/// arrays beyond a few per size and thread), so a steady-state training step allocates no scratch.
/// </summary>
internal readonly struct BufferPool : IDisposable
{
    private const int Buckets = 32;
    private static readonly Stack<float[]>[] s_free = Enumerable.Range(0, Buckets).Select(_ => new Stack<float[]>()).ToArray();

    public float[] Array { get; }

    private BufferPool(float[] array) => Array = array;

    public static BufferPool Rent(int length, bool clear = false)
    {
        int bucket = Bucket(Math.Max(1, length));
        float[]? a = null;
        var stack = s_free[bucket];
        lock (stack)
            if (stack.Count > 0) a = stack.Pop();
        a ??= GC.AllocateUninitializedArray<float>(1 << bucket);
        if (clear) System.Array.Clear(a, 0, length);
        return new BufferPool(a);
    }

    public void Dispose()
    {
        if (Array is null) return;
        var stack = s_free[Bucket(Array.Length)];
        lock (stack) stack.Push(Array);
    }

    private static int Bucket(int length) => length <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(length - 1));
}
