namespace SharpSR.Core.Kernels;

// N·C = planes, H×W = input plane, P×Q = output plane, k = window, s = stride, p = padding.
// Every kernel runs plane by plane (planes in parallel when the tensor is large).
internal static class PoolKernels
{
    public static int OutSize(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;

    /// <summary>Average over k×k windows; padding counts as zeros in the divisor k² (count_include_pad).</summary>
    public static void AvgForward(float[] x, int planes, int h, int w, int k, int s, int pad, float[] y)
    {
        int p = OutSize(h, k, s, pad), q = OutSize(w, k, s, pad);
        float inv = 1f / (k * k);
        Parallelism.For(planes, (long)planes * h * w, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            for (int oy = 0; oy < p; oy++)
            {
                int y0 = Math.Max(oy * s - pad, 0), y1 = Math.Min(oy * s - pad + k, h);
                for (int ox = 0; ox < q; ox++)
                {
                    int x0 = Math.Max(ox * s - pad, 0), x1 = Math.Min(ox * s - pad + k, w);
                    float sum = 0;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) sum += x[xb + iy * w + ix];
                    y[yb + oy * q + ox] = sum * inv;
                }
            }
        });
    }

    public static void AvgBackward(float[] dy, int planes, int h, int w, int k, int s, int pad, float[] dx)
    {
        int p = OutSize(h, k, s, pad), q = OutSize(w, k, s, pad);
        float inv = 1f / (k * k);
        Parallelism.For(planes, (long)planes * h * w, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            Array.Clear(dx, xb, h * w);
            for (int oy = 0; oy < p; oy++)
            {
                int y0 = Math.Max(oy * s - pad, 0), y1 = Math.Min(oy * s - pad + k, h);
                for (int ox = 0; ox < q; ox++)
                {
                    int x0 = Math.Max(ox * s - pad, 0), x1 = Math.Min(ox * s - pad + k, w);
                    float g = dy[yb + oy * q + ox] * inv;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) dx[xb + iy * w + ix] += g;
                }
            }
        });
    }

    /// <summary>Bin i of an adaptive pool over n inputs into o outputs: [floor(i·n/o), ceil((i+1)·n/o)).</summary>
    public static (int Start, int End) AdaptiveBin(int i, int n, int o) =>
        ((int)((long)i * n / o), (int)(((long)(i + 1) * n + o - 1) / o));

    public static void AdaptiveAvgForward(float[] x, int planes, int h, int w, int p, int q, float[] y)
    {
        Parallelism.For(planes, (long)planes * h * w, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            for (int oy = 0; oy < p; oy++)
            {
                var (y0, y1) = AdaptiveBin(oy, h, p);
                for (int ox = 0; ox < q; ox++)
                {
                    var (x0, x1) = AdaptiveBin(ox, w, q);
                    float sum = 0;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) sum += x[xb + iy * w + ix];
                    y[yb + oy * q + ox] = sum / ((y1 - y0) * (x1 - x0));
                }
            }
        });
    }

    public static void AdaptiveAvgBackward(float[] dy, int planes, int h, int w, int p, int q, float[] dx)
    {
        Parallelism.For(planes, (long)planes * h * w, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            Array.Clear(dx, xb, h * w);
            for (int oy = 0; oy < p; oy++)
            {
                var (y0, y1) = AdaptiveBin(oy, h, p);
                for (int ox = 0; ox < q; ox++)
                {
                    var (x0, x1) = AdaptiveBin(ox, w, q);
                    float g = dy[yb + oy * q + ox] / ((y1 - y0) * (x1 - x0));
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) dx[xb + iy * w + ix] += g;
                }
            }
        });
    }

    /// <summary>
    /// Max over k×k windows (padding never wins); <paramref name="argmax"/> gets the in-plane index of the
    /// first maximum in row-major window order, which is where PyTorch sends the gradient on ties.
    /// </summary>
    public static void MaxForward(float[] x, int planes, int h, int w, int k, int s, int pad, float[] y, int[] argmax)
    {
        int p = OutSize(h, k, s, pad), q = OutSize(w, k, s, pad);
        Parallelism.For(planes, (long)planes * h * w, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            for (int oy = 0; oy < p; oy++)
            {
                int y0 = Math.Max(oy * s - pad, 0), y1 = Math.Min(oy * s - pad + k, h);
                for (int ox = 0; ox < q; ox++)
                {
                    int x0 = Math.Max(ox * s - pad, 0), x1 = Math.Min(ox * s - pad + k, w);
                    float best = float.NegativeInfinity;
                    int at = y0 * w + x0;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++)
                        {
                            float v = x[xb + iy * w + ix];
                            if (v > best || float.IsNaN(v)) { best = v; at = iy * w + ix; }
                        }
                    y[yb + oy * q + ox] = best;
                    argmax[yb + oy * q + ox] = at;
                }
            }
        });
    }

    /// <summary>
    /// The same maxima without argmax: each input row's window maxima along x, then the maxima of k of those rows, about
    /// 2k comparisons per output instead of k². NaN wins as in <see cref="MaxForward"/>.
    /// </summary>
    public static void MaxForwardSeparable(float[] x, int planes, int h, int w, int k, int s, int pad, float[] y)
    {
        int p = OutSize(h, k, s, pad), q = OutSize(w, k, s, pad);
        Parallelism.For(planes, (long)planes * h * w, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            var rows = new float[h * q];
            for (int iy = 0; iy < h; iy++)
                for (int ox = 0; ox < q; ox++)
                {
                    int x0 = Math.Max(ox * s - pad, 0), x1 = Math.Min(ox * s - pad + k, w);
                    float best = float.NegativeInfinity;
                    for (int ix = x0; ix < x1; ix++) best = Math.Max(best, x[xb + iy * w + ix]);
                    rows[iy * q + ox] = best;
                }
            for (int oy = 0; oy < p; oy++)
            {
                int y0 = Math.Max(oy * s - pad, 0), y1 = Math.Min(oy * s - pad + k, h);
                for (int ox = 0; ox < q; ox++)
                {
                    float best = float.NegativeInfinity;
                    for (int iy = y0; iy < y1; iy++) best = Math.Max(best, rows[iy * q + ox]);
                    y[yb + oy * q + ox] = best;
                }
            }
        });
    }

    public static void MaxBackward(float[] dy, int[] argmax, int planes, int h, int w, int p, int q, float[] dx)
    {
        Parallelism.For(planes, (long)planes * h * w, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            Array.Clear(dx, xb, h * w);
            for (int i = 0; i < p * q; i++) dx[xb + argmax[yb + i]] += dy[yb + i];
        });
    }
}
