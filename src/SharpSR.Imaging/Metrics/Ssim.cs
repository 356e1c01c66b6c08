namespace SharpSR.Imaging.Metrics;

/// <summary>
/// SSIM as in Wang et al. 2004's reference ssim_index.m (and BasicSR's calculate_ssim): an 11×11 Gaussian window
/// with σ = 1.5 normalised to sum 1, K1 = 0.01, K2 = 0.03, L = 255, local statistics by 'valid' filtering (the
/// map is (H−10)×(W−10)), SSIM = mean of the map. No downsampling. The window is separable, so the filtering runs
/// as two 1-D passes in double.
/// </summary>
public static class Ssim
{
    public const int WindowSize = 11;
    public const double Sigma = 1.5;
    public const double K1 = 0.01, K2 = 0.03, L = 255.0;

    /// <summary>The normalised 1-D Gaussian whose outer product with itself is the 2-D window.</summary>
    public static double[] Gaussian1D()
    {
        var g = new double[WindowSize];
        double sum = 0;
        int r = WindowSize / 2;
        for (int i = 0; i < WindowSize; i++)
        {
            double x = i - r;
            g[i] = Math.Exp(-(x * x) / (2 * Sigma * Sigma));
            sum += g[i];
        }
        for (int i = 0; i < WindowSize; i++) g[i] /= sum;
        return g;
    }

    public static double Compute(Plane a, Plane b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Psnr.CheckSameSize(a, b);
        int w = a.Width, h = a.Height;
        if (w < WindowSize || h < WindowSize)
            throw new ArgumentException($"SSIM needs at least {WindowSize}x{WindowSize} pixels, got {w}x{h}");
        const double c1 = K1 * L * K1 * L, c2 = K2 * L * K2 * L;
        var g = Gaussian1D();
        int ow = w - WindowSize + 1, oh = h - WindowSize + 1;

        var x = a.Values;
        var y = b.Values;
        var xx = new double[x.Length];
        var yy = new double[x.Length];
        var xy = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        var muX = FilterValid(x, w, h, g);
        var muY = FilterValid(y, w, h, g);
        var sXX = FilterValid(xx, w, h, g);
        var sYY = FilterValid(yy, w, h, g);
        var sXY = FilterValid(xy, w, h, g);

        double total = 0;
        for (int i = 0; i < ow * oh; i++)
        {
            double mx = muX[i], my = muY[i];
            double mx2 = mx * mx, my2 = my * my, mxy = mx * my;
            double vx = sXX[i] - mx2, vy = sYY[i] - my2, cov = sXY[i] - mxy;
            total += (2 * mxy + c1) * (2 * cov + c2) / ((mx2 + my2 + c1) * (vx + vy + c2));
        }
        return total / (ow * oh);
    }

    /// <summary>SSIM on the Y channel after removing <paramref name="shave"/> border pixels.</summary>
    public static double ComputeY(RgbImage a, RgbImage b, int shave, YVariant variant = YVariant.Exact) =>
        Compute(Plane.Y(a, variant).Shave(shave), Plane.Y(b, variant).Shave(shave));

    /// <summary>Separable 'valid' correlation: rows first, then columns.</summary>
    private static double[] FilterValid(double[] src, int w, int h, double[] g)
    {
        int k = g.Length, ow = w - k + 1, oh = h - k + 1;
        var tmp = new double[ow * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < ow; x++)
            {
                double s = 0;
                int o = y * w + x;
                for (int i = 0; i < k; i++) s += g[i] * src[o + i];
                tmp[y * ow + x] = s;
            }
        var dst = new double[ow * oh];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                double s = 0;
                for (int i = 0; i < k; i++) s += g[i] * tmp[(y + i) * ow + x];
                dst[y * ow + x] = s;
            }
        return dst;
    }
}
