namespace SharpSR.Imaging.Tests.Jpeg.Reference;

/// <summary>The T.81 A.3.3 DCT pair written straight from the definition, in double precision: the twin the fast transforms are tested against.</summary>
internal static class NaiveDct
{
    private static double C(int u) => u == 0 ? 1 / Math.Sqrt(2) : 1;

    /// <summary>f(x, y) = 1/4 Σu Σv C(u) C(v) F(v, u) cos((2x+1)uπ/16) cos((2y+1)vπ/16), plus 128; row-major [y, x] and [v, u].</summary>
    public static double[] Inverse(ReadOnlySpan<double> coef)
    {
        var f = new double[64];
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
            {
                double s = 0;
                for (int v = 0; v < 8; v++)
                    for (int u = 0; u < 8; u++)
                        s += C(u) * C(v) * coef[v * 8 + u] * Math.Cos((2 * x + 1) * u * Math.PI / 16) * Math.Cos((2 * y + 1) * v * Math.PI / 16);
                f[y * 8 + x] = s / 4 + 128;
            }
        return f;
    }

    /// <summary>F(v, u) = 1/4 C(u) C(v) Σx Σy (f(x, y) − 128) cos((2x+1)uπ/16) cos((2y+1)vπ/16).</summary>
    public static double[] Forward(ReadOnlySpan<byte> samples)
    {
        var coef = new double[64];
        for (int v = 0; v < 8; v++)
            for (int u = 0; u < 8; u++)
            {
                double s = 0;
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++)
                        s += (samples[y * 8 + x] - 128) * Math.Cos((2 * x + 1) * u * Math.PI / 16) * Math.Cos((2 * y + 1) * v * Math.PI / 16);
                coef[v * 8 + u] = C(u) * C(v) * s / 4;
            }
        return coef;
    }
}
