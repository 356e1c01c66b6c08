using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    private readonly bool _owned = true;

    public PackedMap(int h, int w, int c)
    {
        if (h < 1 || w < 1 || c < 1) throw new ArgumentException($"PackedMap: invalid size {h}x{w}x{c}.");
        H = h; W = w; C = c;
        Length = LengthFor(h, w, c);
        _data = (float*)NativeMemory.AlignedAlloc((nuint)(Length * sizeof(float)), 64);
        NativeMemory.Clear(_data, (nuint)(Length * sizeof(float)));
        GC.AddMemoryPressure(Length * sizeof(float));
    }

    /// <summary>
    /// A view over memory the caller owns and keeps fixed for the view's life (<see cref="LengthFor"/> floats):
    /// nothing is cleared or freed; <see cref="ClearBorder"/> zeroes the border when the memory is reused.
    /// </summary>
    internal PackedMap(float* data, int h, int w, int c)
    {
        if (h < 1 || w < 1 || c < 1) throw new ArgumentException($"PackedMap: invalid size {h}x{w}x{c}.");
        H = h; W = w; C = c;
        Length = LengthFor(h, w, c);
        _data = data;
        _owned = false;
        GC.SuppressFinalize(this);
    }

    /// <summary>Floats a map of this size holds, border included.</summary>
    public static long LengthFor(int h, int w, int c) => checked((long)(h + 2) * (w + 2) * c);

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

    /// <summary>Zeroes the one-pixel border (the interior is left alone).</summary>
    public void ClearBorder()
    {
        // The top row and the first row's left pixel are contiguous; so are each row's right pixel and the
        // next row's left pixel; and the last row's right pixel and the bottom row.
        new Span<float>(At(-1, -1), (int)RowStride + C).Clear();
        for (int y = 0; y < H - 1; y++) new Span<float>(At(y, W), 2 * C).Clear();
        new Span<float>(At(H - 1, W), C + (int)RowStride).Clear();
    }

    /// <summary>Copies channel-planar [C,H,W] floats in.</summary>
    public void CopyFromPlanar(ReadOnlySpan<float> planar) => CopyFromPlanar(planar, C);

    /// <summary>
    /// Copies channel-planar [channels,H,W] floats into the first <paramref name="channels"/> of each pixel and
    /// zeroes the rest (a map whose channel count is padded to a multiple of 16).
    /// </summary>
    public void CopyFromPlanar(ReadOnlySpan<float> planar, int channels)
    {
        CheckChannels(channels);
        if (planar.Length < (long)channels * H * W) throw new ArgumentException("PackedMap: planar source shorter than the map.");
        fixed (float* src = planar) Transpose(src, toPacked: true, channels);
    }

    /// <summary>Copies the interior out as channel-planar [C,H,W] floats.</summary>
    public void CopyToPlanar(Span<float> planar) => CopyToPlanar(planar, C);

    /// <summary>Copies the first <paramref name="channels"/> of each pixel out as channel-planar [channels,H,W] floats.</summary>
    public void CopyToPlanar(Span<float> planar, int channels)
    {
        CheckChannels(channels);
        if (planar.Length < (long)channels * H * W) throw new ArgumentException("PackedMap: planar target shorter than the map.");
        fixed (float* dst = planar) Transpose(dst, toPacked: false, channels);
    }

    private void CheckChannels(int channels)
    {
        if (channels < 1 || channels > C) throw new ArgumentException($"PackedMap: {channels} channels of a {C}-channel map.");
    }

    // Planar <-> packed is a transposition of (channel, pixel) per row: 16x16 blocks go through registers
    // (16 loads, 64 shuffles, 16 stores), the rest element by element.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Transpose(float* planar, bool toPacked, int channels)
    {
        nint plane = (nint)H * W;
        int vectorChannels = Avx512F.IsSupported ? channels / 16 * 16 : 0;
        int vectorPixels = Avx512F.IsSupported ? W / 16 * 16 : 0;
        for (int y = 0; y < H; y++)
        {
            float* packedRow = At(y, 0);
            float* planarRow = planar + (nint)y * W;
            for (int c = 0; c < vectorChannels; c += 16)
                for (int x = 0; x < vectorPixels; x += 16)
                {
                    float* p = packedRow + (nint)x * C + c;
                    float* q = planarRow + c * plane + x;
                    if (toPacked)
                    {
                        // Sixteen planes are sixteen streams, more than the hardware prefetcher follows: ask
                        // for each plane's line four blocks ahead.
                        for (int k = 0; k < 16; k++) Sse.Prefetch0(q + k * plane + 64);
                        Transpose16x16(q, plane, p, C);
                    }
                    else Transpose16x16(p, C, q, plane);
                }
            for (int c = 0; c < channels; c++)
                for (int x = c < vectorChannels ? vectorPixels : 0; x < W; x++)
                {
                    ref float packed = ref packedRow[(nint)x * C + c];
                    ref float flat = ref planarRow[c * plane + x];
                    if (toPacked) packed = flat; else flat = packed;
                }
            if (toPacked && channels < C)   // padding channels: zero, whatever the map held before
                for (int x = 0; x < W; x++) new Span<float>(packedRow + (nint)x * C + channels, C - channels).Clear();
        }
    }

    /// <summary>dst row j, element i = src row i, element j, for 16x16 floats (strides in floats).</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static void Transpose16x16(float* src, nint srcStride, float* dst, nint dstStride)
    {
        var r = stackalloc Vector512<float>[16];
        for (int i = 0; i < 16; i += 2)
        {
            var a = Vector512.Load(src + i * srcStride);
            var b = Vector512.Load(src + (i + 1) * srcStride);
            r[i] = Avx512F.UnpackLow(a, b);        // per 128-bit lane: a0 b0 a1 b1
            r[i + 1] = Avx512F.UnpackHigh(a, b);   //                   a2 b2 a3 b3
        }
        for (int g = 0; g < 4; g++)   // rows 4g..4g+3: column k of each 128-bit lane L holds element 4L+k
        {
            Vector512<double> t0 = r[4 * g].AsDouble(), t1 = r[4 * g + 1].AsDouble(), t2 = r[4 * g + 2].AsDouble(), t3 = r[4 * g + 3].AsDouble();
            r[4 * g] = Avx512F.UnpackLow(t0, t2).AsSingle();
            r[4 * g + 1] = Avx512F.UnpackHigh(t0, t2).AsSingle();
            r[4 * g + 2] = Avx512F.UnpackLow(t1, t3).AsSingle();
            r[4 * g + 3] = Avx512F.UnpackHigh(t1, t3).AsSingle();
        }
        for (int k = 0; k < 4; k++)   // a 4x4 transposition of 128-bit lanes across the four row groups
        {
            Vector512<float> u0 = r[k], u1 = r[4 + k], u2 = r[8 + k], u3 = r[12 + k];
            var v0 = Avx512F.Shuffle4x128(u0, u1, 0x44);
            var v1 = Avx512F.Shuffle4x128(u0, u1, 0xEE);
            var v2 = Avx512F.Shuffle4x128(u2, u3, 0x44);
            var v3 = Avx512F.Shuffle4x128(u2, u3, 0xEE);
            Avx512F.Shuffle4x128(v0, v2, 0x88).Store(dst + k * dstStride);
            Avx512F.Shuffle4x128(v0, v2, 0xDD).Store(dst + (4 + k) * dstStride);
            Avx512F.Shuffle4x128(v1, v3, 0x88).Store(dst + (8 + k) * dstStride);
            Avx512F.Shuffle4x128(v1, v3, 0xDD).Store(dst + (12 + k) * dstStride);
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
        if (_data is null || !_owned) { _data = null; return; }
        NativeMemory.AlignedFree(_data);
        _data = null;
        GC.RemoveMemoryPressure(Length * sizeof(float));
    }
}
