using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpSR.Core.Kernels;

// N = batch, C = output channels, r = factor, H×W = input plane, (H·r)×(W·r) = output plane.
// out[n, c, y·r + i, x·r + j] = in[n, c·r² + i·r + j, y, x]
// Work goes by output row: row y·r + i interleaves row y of the r planes i·r + 0 .. i·r + r-1, written
// in order. Factor 2 (every x2 and x4 upsampler) interleaves pairs of vectors with one AVX-512 permute.
internal static unsafe class PixelShuffleKernels
{
    /// <summary>Scatters the r² input planes of each output channel into one interleaved plane.</summary>
    public static void Forward(float[] x, int n, int c, int h, int w, int r, float[] y) => Run(x, n, c, h, w, r, y, shuffle: true);

    /// <summary>The inverse permutation (pixel unshuffle): the backward of <see cref="Forward"/>.</summary>
    public static void Backward(float[] dy, int n, int c, int h, int w, int r, float[] dx) => Run(dy, n, c, h, w, r, dx, shuffle: false);

    private static void Run(float[] src, int n, int c, int h, int w, int r, float[] dst, bool shuffle)
    {
        long total = (long)n * c * r * r * h * w;
        if (total == 0) return;
        if (src.Length < total || dst.Length < total) throw new ArgumentException("PixelShuffle: buffers shorter than the shape.");
        int rows = n * c * h * r;   // output rows
        int rowsPerItem = Math.Max(1, 16384 / Math.Max(1, w * r));
        int items = (rows + rowsPerItem - 1) / rowsPerItem;
        fixed (float* ps = src, pd = dst)
        {
            nint a = (nint)ps, b = (nint)pd;
            Parallelism.For(items, total, item =>
            {
                for (int row = item * rowsPerItem, end = Math.Min(rows, row + rowsPerItem); row < end; row++)
                {
                    int i = row % r, yy = row / r % h, nc = row / (r * h);
                    float* wide = (shuffle ? (float*)b : (float*)a) + (long)row * w * r;              // the interleaved row
                    float* planes = (shuffle ? (float*)a : (float*)b) + ((long)(nc * r + i) * r * h + yy) * w;   // row yy of plane i·r + 0
                    long planeStride = (long)h * w;
                    if (shuffle) Interleave(planes, planeStride, wide, w, r);
                    else Deinterleave(wide, planes, planeStride, w, r);
                }
            });
        }
    }

    private static readonly Vector512<int> s_lo = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> s_hi = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    private static readonly Vector512<int> s_even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> s_odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);

    /// <summary>wide[x·r + j] = planes[j·stride + x] for x &lt; w, j &lt; r.</summary>
    private static void Interleave(float* planes, long stride, float* wide, int w, int r)
    {
        int x = 0;
        if (r == 2 && Avx512F.IsSupported)
        {
            float* p0 = planes, p1 = planes + stride;
            for (; x + 16 <= w; x += 16)
            {
                var v0 = Vector512.Load(p0 + x).AsInt32();
                var v1 = Vector512.Load(p1 + x).AsInt32();
                Avx512F.PermuteVar16x32x2(v0, s_lo, v1).AsSingle().Store(wide + 2 * x);
                Avx512F.PermuteVar16x32x2(v0, s_hi, v1).AsSingle().Store(wide + 2 * x + 16);
            }
        }
        for (; x < w; x++)
            for (int j = 0; j < r; j++) wide[x * r + j] = planes[j * stride + x];
    }

    /// <summary>planes[j·stride + x] = wide[x·r + j]: the inverse of <see cref="Interleave"/>.</summary>
    private static void Deinterleave(float* wide, float* planes, long stride, int w, int r)
    {
        int x = 0;
        if (r == 2 && Avx512F.IsSupported)
        {
            float* p0 = planes, p1 = planes + stride;
            for (; x + 16 <= w; x += 16)
            {
                var lo = Vector512.Load(wide + 2 * x).AsInt32();
                var hi = Vector512.Load(wide + 2 * x + 16).AsInt32();
                Avx512F.PermuteVar16x32x2(lo, s_even, hi).AsSingle().Store(p0 + x);
                Avx512F.PermuteVar16x32x2(lo, s_odd, hi).AsSingle().Store(p1 + x);
            }
        }
        for (; x < w; x++)
            for (int j = 0; j < r; j++) planes[j * stride + x] = wide[x * r + j];
    }
}
