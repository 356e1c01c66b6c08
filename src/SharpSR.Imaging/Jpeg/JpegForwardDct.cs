namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// 8×8 forward DCT as two matrix products in double precision, F = C·f·Cᵀ with
/// C[u, x] = c(u)/2 · cos((2x+1)uπ/16), c(0) = 1/√2, c(u&gt;0) = 1: exactly the T.81 A.3.3 definition.
/// Then quantisation with round-half-away-from-zero. The encoder is not the hot path of SharpSR, so the
/// straightforward form (1024 multiplies a block) is preferred over a fast factorisation.
/// </summary>
internal static class JpegForwardDct
{
    private static readonly double[] s_c = BuildMatrix();

    private static double[] BuildMatrix()
    {
        var c = new double[64];
        for (int u = 0; u < 8; u++)
            for (int x = 0; x < 8; x++)
                c[u * 8 + x] = (u == 0 ? Math.Sqrt(0.5) : 1.0) / 2 * Math.Cos((2 * x + 1) * u * Math.PI / 16);
        return c;
    }

    /// <summary>
    /// Transforms the 8×8 samples at <paramref name="src"/> (row stride <paramref name="stride"/>, level-shifted here
    /// by −128), divides by <paramref name="quant"/> (natural order) and writes the rounded coefficients, natural order.
    /// </summary>
    public static void Transform(ReadOnlySpan<byte> src, int stride, ReadOnlySpan<byte> quant, Span<short> coef)
    {
        Span<double> tmp = stackalloc double[64];
        // tmp[u, x] = Σ_y C[u, y] · (f[y, x] − 128): the column transform.
        for (int u = 0; u < 8; u++)
            for (int x = 0; x < 8; x++)
            {
                double s = 0;
                for (int y = 0; y < 8; y++) s += s_c[u * 8 + y] * (src[y * stride + x] - 128);
                tmp[u * 8 + x] = s;
            }
        // F[u, v] = Σ_x tmp[u, x] · C[v, x]: the row transform.
        for (int u = 0; u < 8; u++)
            for (int v = 0; v < 8; v++)
            {
                double s = 0;
                for (int x = 0; x < 8; x++) s += tmp[u * 8 + x] * s_c[v * 8 + x];
                coef[u * 8 + v] = (short)Math.Round(s / quant[u * 8 + v], MidpointRounding.AwayFromZero);
            }
    }
}
