using System.Runtime.InteropServices;

namespace SharpSR.Core.Kernels.Packed;

/// <summary>
/// A feature map for the packed inference kernels: H×W pixels of C floats each (channels innermost,
/// so 16 channels of a pixel are one AVX-512 register), inside a one-pixel zero border so 3x3 kernels
/// never test for edges and every layer writes straight into the next one's padded input. Native,
/// 64-byte aligned memory; kernels write the interior only, so the border stays zero for the map's life.
/// </summary>
public sealed unsafe class PackedMap : IDisposable
{
    private float* _data;

    public PackedMap(int h, int w, int c)
    {
        if (h < 1 || w < 1 || c < 1) throw new ArgumentException($"PackedMap: invalid size {h}x{w}x{c}.");
        H = h; W = w; C = c;
        Length = checked((long)(h + 2) * (w + 2) * c);
        _data = (float*)NativeMemory.AlignedAlloc((nuint)(Length * sizeof(float)), 64);
        NativeMemory.Clear(_data, (nuint)(Length * sizeof(float)));
        GC.AddMemoryPressure(Length * sizeof(float));
    }

    public int H { get; }
    public int W { get; }
    public int C { get; }

    /// <summary>Floats held, border included.</summary>
    public long Length { get; }

    /// <summary>Floats from one row to the next.</summary>
    public nint RowStride => (nint)(W + 2) * C;

    /// <summary>Pixel (y, x); -1 and H / W address the zero border.</summary>
    public float* At(int y, int x)
    {
        ObjectDisposedException.ThrowIf(_data is null, this);
        return _data + ((nint)(y + 1) * (W + 2) + x + 1) * C;
    }

    public bool SameSize(PackedMap other) => other.H == H && other.W == W && other.C == C;

    /// <summary>Copies channel-planar [C,H,W] floats in (tests and inputs).</summary>
    public void CopyFromPlanar(ReadOnlySpan<float> planar)
    {
        if (planar.Length < (long)C * H * W) throw new ArgumentException("PackedMap: planar source shorter than the map.");
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                float* p = At(y, x);
                for (int c = 0; c < C; c++) p[c] = planar[(c * H + y) * W + x];
            }
    }

    /// <summary>Copies the interior out as channel-planar [C,H,W] floats.</summary>
    public void CopyToPlanar(Span<float> planar)
    {
        if (planar.Length < (long)C * H * W) throw new ArgumentException("PackedMap: planar target shorter than the map.");
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                float* p = At(y, x);
                for (int c = 0; c < C; c++) planar[(c * H + y) * W + x] = p[c];
            }
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~PackedMap() => Free();

    private void Free()
    {
        if (_data is null) return;
        NativeMemory.AlignedFree(_data);
        _data = null;
        GC.RemoveMemoryPressure(Length * sizeof(float));
    }
}
