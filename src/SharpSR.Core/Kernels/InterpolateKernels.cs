namespace SharpSR.Core.Kernels;

// N·C = planes, H×W = input plane, P×Q = output plane.
internal static class InterpolateKernels
{
    /// <summary>
    /// Per output index along one axis: the two source indices and their weights, PyTorch's
    /// align_corners=False rule: src = max((dst + 0.5)·in/out - 0.5, 0), i0 = ⌊src⌋, i1 = min(i0 + 1, in - 1).
    /// </summary>
    public static (int[] I0, int[] I1, float[] L0, float[] L1) LinearTaps(int input, int output)
    {
        var i0 = new int[output]; var i1 = new int[output];
        var l0 = new float[output]; var l1 = new float[output];
        float scale = (float)input / output;
        for (int d = 0; d < output; d++)
        {
            if (input == output) { i0[d] = i1[d] = d; l0[d] = 1; l1[d] = 0; continue; }
            float src = Math.Max(scale * (d + 0.5f) - 0.5f, 0f);
            int a = (int)src;
            i0[d] = a;
            i1[d] = a + (a < input - 1 ? 1 : 0);
            l1[d] = Math.Clamp(src - a, 0f, 1f);
            l0[d] = 1f - l1[d];
        }
        return (i0, i1, l0, l1);
    }

    public static void BilinearForward(float[] x, int planes, int h, int w, int p, int q, float[] y)
    {
        var (r0, r1, wr0, wr1) = LinearTaps(h, p);
        var (c0, c1, wc0, wc1) = LinearTaps(w, q);
        // By output row of every plane, not by plane: an RGB image's three planes would keep only three workers busy.
        Parallelism.For(planes * p, (long)planes * p * q, row =>
        {
            int nc = row / p, oy = row % p;
            int xb = nc * h * w, yb = nc * p * q;
            int row0 = xb + r0[oy] * w, row1 = xb + r1[oy] * w;
            float a0 = wr0[oy], a1 = wr1[oy];
            for (int ox = 0; ox < q; ox++)
            {
                int j0 = c0[ox], j1 = c1[ox];
                float b0 = wc0[ox], b1 = wc1[ox];
                y[yb + oy * q + ox] = a0 * (b0 * x[row0 + j0] + b1 * x[row0 + j1])
                                    + a1 * (b0 * x[row1 + j0] + b1 * x[row1 + j1]);
            }
        });
    }

    public static void BilinearBackward(float[] dy, int planes, int h, int w, int p, int q, float[] dx)
    {
        var (r0, r1, wr0, wr1) = LinearTaps(h, p);
        var (c0, c1, wc0, wc1) = LinearTaps(w, q);
        Parallelism.For(planes, (long)planes * p * q, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            Array.Clear(dx, xb, h * w);
            for (int oy = 0; oy < p; oy++)
            {
                int row0 = xb + r0[oy] * w, row1 = xb + r1[oy] * w;
                float a0 = wr0[oy], a1 = wr1[oy];
                for (int ox = 0; ox < q; ox++)
                {
                    int j0 = c0[ox], j1 = c1[ox];
                    float b0 = wc0[ox], b1 = wc1[ox], g = dy[yb + oy * q + ox];
                    dx[row0 + j0] += a0 * b0 * g;
                    dx[row0 + j1] += a0 * b1 * g;
                    dx[row1 + j0] += a1 * b0 * g;
                    dx[row1 + j1] += a1 * b1 * g;
                }
            }
        });
    }

    /// <summary>
    /// Per output index along one axis: four source indices (clamped to the border) and their Keys-cubic
    /// weights (a = -0.75), PyTorch's bicubic rule: src = (dst + 0.5)·in/out - 0.5, taps ⌊src⌋-1 .. ⌊src⌋+2.
    /// </summary>
    public static (int[] Index, float[] Weight) CubicTaps(int input, int output)
    {
        const double a = -0.75;
        var index = new int[output * 4];
        var weight = new float[output * 4];
        double scale = (double)input / output;
        for (int d = 0; d < output; d++)
        {
            double src = scale * (d + 0.5) - 0.5;
            int i0 = (int)Math.Floor(src);
            double t = src - i0;
            double[] ws = [Cubic2(t + 1), Cubic1(t), Cubic1(1 - t), Cubic2(2 - t)];
            for (int k = 0; k < 4; k++)
            {
                index[d * 4 + k] = Math.Clamp(i0 - 1 + k, 0, input - 1);
                weight[d * 4 + k] = (float)ws[k];
            }
        }
        return (index, weight);

        static double Cubic1(double x) => ((a + 2) * x - (a + 3)) * x * x + 1;            // |x| <= 1
        static double Cubic2(double x) => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;      // 1 < |x| < 2
    }

    public static void BicubicForward(float[] x, int planes, int h, int w, int p, int q, float[] y)
    {
        var (ri, rw) = CubicTaps(h, p);
        var (ci, cw) = CubicTaps(w, q);
        Parallelism.For(planes, (long)planes * p * q * 16, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            for (int oy = 0; oy < p; oy++)
                for (int ox = 0; ox < q; ox++)
                {
                    float s = 0;
                    for (int i = 0; i < 4; i++)
                    {
                        int row = xb + ri[oy * 4 + i] * w;
                        float rowSum = 0;
                        for (int j = 0; j < 4; j++) rowSum += cw[ox * 4 + j] * x[row + ci[ox * 4 + j]];
                        s += rw[oy * 4 + i] * rowSum;
                    }
                    y[yb + oy * q + ox] = s;
                }
        });
    }

    public static void BicubicBackward(float[] dy, int planes, int h, int w, int p, int q, float[] dx)
    {
        var (ri, rw) = CubicTaps(h, p);
        var (ci, cw) = CubicTaps(w, q);
        Parallelism.For(planes, (long)planes * p * q * 16, nc =>
        {
            int xb = nc * h * w, yb = nc * p * q;
            Array.Clear(dx, xb, h * w);
            for (int oy = 0; oy < p; oy++)
                for (int ox = 0; ox < q; ox++)
                {
                    float g = dy[yb + oy * q + ox];
                    for (int i = 0; i < 4; i++)
                    {
                        int row = xb + ri[oy * 4 + i] * w;
                        float gi = rw[oy * 4 + i] * g;
                        for (int j = 0; j < 4; j++) dx[row + ci[ox * 4 + j]] += gi * cw[ox * 4 + j];
                    }
                }
        });
    }

    /// <summary>out[y, x] = in[y / f, x / f]: each input pixel repeated f×f times.</summary>
    public static void NearestForward(float[] x, int planes, int h, int w, int f, float[] y)
    {
        int q = w * f;
        Parallelism.For(planes, (long)planes * h * w * f * f, nc =>
        {
            int xb = nc * h * w, yb = nc * h * w * f * f;
            for (int iy = 0; iy < h; iy++)
            {
                var row = y.AsSpan(yb + iy * f * q, q);
                for (int ix = 0; ix < w; ix++) row.Slice(ix * f, f).Fill(x[xb + iy * w + ix]);
                for (int r = 1; r < f; r++) row.CopyTo(y.AsSpan(yb + (iy * f + r) * q, q));
            }
        });
    }

    /// <summary>dx[y, x] = Σ of dy over the f×f block that pixel was copied to.</summary>
    public static void NearestBackward(float[] dy, int planes, int h, int w, int f, float[] dx)
    {
        int q = w * f;
        Parallelism.For(planes, (long)planes * h * w * f * f, nc =>
        {
            int xb = nc * h * w, yb = nc * h * w * f * f;
            for (int iy = 0; iy < h; iy++)
                for (int ix = 0; ix < w; ix++)
                {
                    float s = 0;
                    for (int r = 0; r < f; r++)
                    {
                        int o = yb + (iy * f + r) * q + ix * f;
                        for (int c = 0; c < f; c++) s += dy[o + c];
                    }
                    dx[xb + iy * w + ix] = s;
                }
        });
    }
}
