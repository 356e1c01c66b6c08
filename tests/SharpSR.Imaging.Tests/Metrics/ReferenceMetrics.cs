namespace SharpSR.Imaging.Tests.Metrics;

/// <summary>Plain double-precision twins of the metrics: direct 2-D window sums, no separability, no sharing.</summary>
internal static class ReferenceMetrics
{
    public static double[,] Y(RgbImage img, bool rounded)
    {
        var y = new double[img.Height, img.Width];
        for (int r = 0; r < img.Height; r++)
            for (int c = 0; c < img.Width; c++)
            {
                if (img.Channels < 3)
                {
                    y[r, c] = img[c, r, 0];
                    continue;
                }
                double v = 16 + (65.481 * img[c, r, 0] + 128.553 * img[c, r, 1] + 24.966 * img[c, r, 2]) / 255;
                y[r, c] = rounded ? Math.Floor(v + 0.5) : v;
            }
        return y;
    }

    public static double[,] Shave(double[,] p, int s)
    {
        int h = p.GetLength(0) - 2 * s, w = p.GetLength(1) - 2 * s;
        var o = new double[h, w];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++) o[r, c] = p[r + s, c + s];
        return o;
    }

    public static double Psnr(double[,] a, double[,] b)
    {
        double se = 0;
        foreach (var (x, y) in Pairs(a, b)) se += (x - y) * (x - y);
        double mse = se / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255 * 255 / mse);
    }

    public static double Ssim(double[,] a, double[,] b)
    {
        var win = new double[11, 11];
        double sum = 0;
        for (int i = 0; i < 11; i++)
            for (int j = 0; j < 11; j++) sum += win[i, j] = Math.Exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
        for (int i = 0; i < 11; i++)
            for (int j = 0; j < 11; j++) win[i, j] /= sum;
        double c1 = Math.Pow(0.01 * 255, 2), c2 = Math.Pow(0.03 * 255, 2);
        int h = a.GetLength(0) - 10, w = a.GetLength(1) - 10;
        double total = 0;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++)
            {
                double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
                for (int i = 0; i < 11; i++)
                    for (int j = 0; j < 11; j++)
                    {
                        double g = win[i, j], x = a[r + i, c + j], y = b[r + i, c + j];
                        ma += g * x;
                        mb += g * y;
                        saa += g * x * x;
                        sbb += g * y * y;
                        sab += g * x * y;
                    }
                double va = saa - ma * ma, vb = sbb - mb * mb, cov = sab - ma * mb;
                total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            }
        return total / (h * w);
    }

    private static IEnumerable<(double, double)> Pairs(double[,] a, double[,] b)
    {
        for (int r = 0; r < a.GetLength(0); r++)
            for (int c = 0; c < a.GetLength(1); c++) yield return (a[r, c], b[r, c]);
    }
}
