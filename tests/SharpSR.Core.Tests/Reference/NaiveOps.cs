namespace SharpSR.Core.Tests.Reference;

/// <summary>
/// Float64 twins of the ops, written as plain loops over flat row-major arrays with no attempt at speed.
/// GradCheck differentiates these numerically, so they must be the definitions, not the optimisations.
/// </summary>
public static class NaiveOps
{
    public static int[] BroadcastShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var s = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            s[i] = Math.Max(da, db);
        }
        return s;
    }

    /// <summary>Flat index into a tensor of <paramref name="shape"/> for an output multi-index (right-aligned, size-1 dims read index 0).</summary>
    private static int BroadcastIndex(int[] outIdx, int[] shape)
    {
        int off = 0, lead = outIdx.Length - shape.Length;
        for (int d = 0; d < shape.Length; d++) off = off * shape[d] + (shape[d] == 1 ? 0 : outIdx[d + lead]);
        return off;
    }

    private static int[] Unravel(int flat, int[] shape)
    {
        var idx = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat /= shape[d]; }
        return idx;
    }

    public static double[] Broadcast(double[] a, int[] aShape, double[] b, int[] bShape, Func<double, double, double> f)
    {
        int[] o = BroadcastShape(aShape, bShape);
        int n = 1;
        foreach (int d in o) n *= d;
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            var idx = Unravel(i, o);
            y[i] = f(a[BroadcastIndex(idx, aShape)], b[BroadcastIndex(idx, bShape)]);
        }
        return y;
    }

    public static double[] Map(double[] x, Func<double, double> f) => x.Select(f).ToArray();

    public static double[] Softmax(double[] x, int[] shape, int axis)
    {
        int outer = 1, inner = 1, len = shape[axis];
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                double sum = 0;
                for (int l = 0; l < len; l++) sum += Math.Exp(x[(o * len + l) * inner + j]);
                for (int l = 0; l < len; l++) y[(o * len + l) * inner + j] = Math.Exp(x[(o * len + l) * inner + j]) / sum;
            }
        return y;
    }

    /// <summary>[ba|1, m, k] · [bb|1, k, n]; batch 1 is shared.</summary>
    public static double[] MatMul(double[] a, double[] b, int ba, int bb, int m, int k, int n)
    {
        int batch = Math.Max(ba, bb);
        var y = new double[batch * m * n];
        for (int t = 0; t < batch; t++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++)
                        s += a[(ba == 1 ? 0 : t) * m * k + i * k + p] * b[(bb == 1 ? 0 : t) * k * n + p * n + j];
                    y[(t * m + i) * n + j] = s;
                }
        return y;
    }

    public static double[] PixelShuffle(double[] x, int n, int cIn, int h, int w, int r)
    {
        int c = cIn / (r * r);
        var y = new double[x.Length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int yy = 0; yy < h * r; yy++)
                    for (int xx = 0; xx < w * r; xx++)
                    {
                        int src = ch * r * r + (yy % r) * r + xx % r;
                        y[((b * c + ch) * h * r + yy) * w * r + xx] = x[((b * cIn + src) * h + yy / r) * w + xx / r];
                    }
        return y;
    }

    /// <summary>Concat of tensors whose shapes differ only on <paramref name="axis"/>, by multi-index.</summary>
    public static double[] Concat(double[][] xs, int[][] shapes, int axis)
    {
        int[] o = (int[])shapes[0].Clone();
        o[axis] = shapes.Sum(s => s[axis]);
        int n = 1;
        foreach (int d in o) n *= d;
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            var idx = Unravel(i, o);
            int k = 0, pos = idx[axis];
            while (pos >= shapes[k][axis]) { pos -= shapes[k][axis]; k++; }
            idx[axis] = pos;
            int off = 0;
            for (int d = 0; d < idx.Length; d++) off = off * shapes[k][d] + idx[d];
            y[i] = xs[k][off];
        }
        return y;
    }

    /// <summary>Elements of x with index along <paramref name="axis"/> in [start, start+size).</summary>
    public static double[] Slice(double[] x, int[] shape, int axis, int start, int size)
    {
        var list = new List<double>();
        for (int i = 0; i < x.Length; i++)
        {
            int a = Unravel(i, shape)[axis];
            if (a >= start && a < start + size) list.Add(x[i]);
        }
        return list.ToArray();
    }

    public static double[] AvgPool(double[] x, int planes, int h, int w, int k, int s, int p)
    {
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        var y = new double[planes * oh * ow];
        for (int c = 0; c < planes; c++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double sum = 0;
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++)
                        {
                            int yy = i * s - p + u, xx = j * s - p + v;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) sum += x[(c * h + yy) * w + xx];
                        }
                    y[(c * oh + i) * ow + j] = sum / (k * k);
                }
        return y;
    }

    public static double[] MaxPool(double[] x, int planes, int h, int w, int k, int s, int p)
    {
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        var y = new double[planes * oh * ow];
        for (int c = 0; c < planes; c++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double best = double.NegativeInfinity;
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++)
                        {
                            int yy = i * s - p + u, xx = j * s - p + v;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) best = Math.Max(best, x[(c * h + yy) * w + xx]);
                        }
                    y[(c * oh + i) * ow + j] = best;
                }
        return y;
    }

    public static double[] AdaptiveAvgPool(double[] x, int planes, int h, int w, int oh, int ow)
    {
        var y = new double[planes * oh * ow];
        for (int c = 0; c < planes; c++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int y0 = (int)Math.Floor((double)i * h / oh), y1 = (int)Math.Ceiling((double)(i + 1) * h / oh);
                    int x0 = (int)Math.Floor((double)j * w / ow), x1 = (int)Math.Ceiling((double)(j + 1) * w / ow);
                    double sum = 0;
                    for (int yy = y0; yy < y1; yy++)
                        for (int xx = x0; xx < x1; xx++) sum += x[(c * h + yy) * w + xx];
                    y[(c * oh + i) * ow + j] = sum / ((y1 - y0) * (x1 - x0));
                }
        return y;
    }

    /// <summary>Bilinear, align_corners=False: src = max((d + 0.5)·in/out - 0.5, 0).</summary>
    public static double[] Bilinear(double[] x, int planes, int h, int w, int oh, int ow)
    {
        var y = new double[planes * oh * ow];
        for (int c = 0; c < planes; c++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double sy = Math.Max((i + 0.5) * h / oh - 0.5, 0), sx = Math.Max((j + 0.5) * w / ow - 0.5, 0);
                    int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
                    double ly = sy - y0, lx = sx - x0;
                    double v00 = x[(c * h + y0) * w + x0], v01 = x[(c * h + y0) * w + x1];
                    double v10 = x[(c * h + y1) * w + x0], v11 = x[(c * h + y1) * w + x1];
                    y[(c * oh + i) * ow + j] = (1 - ly) * ((1 - lx) * v00 + lx * v01) + ly * ((1 - lx) * v10 + lx * v11);
                }
        return y;
    }

    public static double[] Nearest(double[] x, int planes, int h, int w, int f)
    {
        var y = new double[planes * h * w * f * f];
        for (int c = 0; c < planes; c++)
            for (int i = 0; i < h * f; i++)
                for (int j = 0; j < w * f; j++)
                    y[(c * h * f + i) * w * f + j] = x[(c * h + i / f) * w + j / f];
        return y;
    }

    public static double[] ChannelMean(double[] x, int planes, int hw)
    {
        var y = new double[planes];
        for (int c = 0; c < planes; c++) y[c] = x.Skip(c * hw).Take(hw).Average();
        return y;
    }

    public static double[] ChannelStd(double[] x, int planes, int hw)
    {
        var y = new double[planes];
        for (int c = 0; c < planes; c++)
        {
            var p = x.Skip(c * hw).Take(hw).ToArray();
            double mu = p.Average();
            y[c] = Math.Sqrt(p.Sum(v => (v - mu) * (v - mu)) / hw);
        }
        return y;
    }

    /// <summary>Same-size filtering of each plane with one kernel; out-of-range reads follow the padding mode.</summary>
    public static double[] DepthwiseFilter(double[] x, int planes, int h, int w, double[,] k, PaddingMode mode)
    {
        int r = k.GetLength(0), s = k.GetLength(1);
        var y = new double[x.Length];
        for (int c = 0; c < planes; c++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                {
                    double sum = 0;
                    for (int u = 0; u < r; u++)
                        for (int v = 0; v < s; v++)
                        {
                            int yy = Border(i + u - r / 2, h, mode), xx = Border(j + v - s / 2, w, mode);
                            if (yy >= 0 && xx >= 0) sum += k[u, v] * x[(c * h + yy) * w + xx];
                        }
                    y[(c * h + i) * w + j] = sum;
                }
        return y;
    }

    private static int Border(int i, int n, PaddingMode mode)
    {
        if (i >= 0 && i < n) return i;
        return mode switch
        {
            PaddingMode.Zeros => -1,
            PaddingMode.Replicate => i < 0 ? 0 : n - 1,
            _ => i < 0 ? -i : 2 * n - 2 - i,
        };
    }
}
