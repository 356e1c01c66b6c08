using System.Buffers;

namespace SharpSR.Core.Kernels;

/// <summary>
/// Scratch float buffers for kernels, rented from the shared pool and returned on dispose:
/// <c>using var buf = BufferPool.Rent(n);</c>. Contents are undefined unless <paramref name="clear"/>.
/// </summary>
internal readonly struct BufferPool : IDisposable
{
    public float[] Array { get; }

    private BufferPool(float[] array) => Array = array;

    public static BufferPool Rent(int length, bool clear = false)
    {
        var a = ArrayPool<float>.Shared.Rent(Math.Max(1, length));
        if (clear) System.Array.Clear(a, 0, length);
        return new BufferPool(a);
    }

    public void Dispose()
    {
        if (Array is not null) ArrayPool<float>.Shared.Return(Array);
    }
}
