namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// JFIF YCbCr ↔ RGB in 16-bit fixed point (T.871 equations):
/// R = Y + 1.402 (Cr−128), G = Y − 0.344136 (Cb−128) − 0.714136 (Cr−128), B = Y + 1.772 (Cb−128),
/// and the inverse Y = 0.299 R + 0.587 G + 0.114 B, Cb/Cr = ±0.5 … + 128. The per-value products are tabled
/// and rounded the way libjpeg rounds them, so decoded pixels match the reference exactly.
/// </summary>
internal static class JpegColorConverter
{
    private const int ScaleBits = 16;
    private const int Half = 1 << (ScaleBits - 1);

    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    private static readonly int[] s_crToR = new int[256], s_cbToB = new int[256], s_crToG = new int[256], s_cbToG = new int[256];

    static JpegColorConverter()
    {
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            s_crToR[i] = (Fix(1.40200) * x + Half) >> ScaleBits;
            s_cbToB[i] = (Fix(1.77200) * x + Half) >> ScaleBits;
            s_crToG[i] = -Fix(0.71414) * x;
            s_cbToG[i] = -Fix(0.34414) * x + Half;
        }
    }

    /// <summary>Full-resolution Y, Cb, Cr planes → interleaved RGB.</summary>
    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb)
    {
        for (int i = 0; i < y.Length; i++)
        {
            int yy = y[i], b = cb[i], r = cr[i];
            rgb[3 * i] = Clamp(yy + s_crToR[r]);
            rgb[3 * i + 1] = Clamp(yy + ((s_cbToG[b] + s_crToG[r]) >> ScaleBits));
            rgb[3 * i + 2] = Clamp(yy + s_cbToB[b]);
        }
    }

    /// <summary>Three planes stored as-is (Adobe transform 0: the components already are R, G, B).</summary>
    public static void Interleave(ReadOnlySpan<byte> c0, ReadOnlySpan<byte> c1, ReadOnlySpan<byte> c2, Span<byte> rgb)
    {
        for (int i = 0; i < c0.Length; i++)
        {
            rgb[3 * i] = c0[i];
            rgb[3 * i + 1] = c1[i];
            rgb[3 * i + 2] = c2[i];
        }
    }

    /// <summary>One RGB pixel → Y, Cb, Cr (rounded to nearest).</summary>
    public static void RgbToYCbCr(int r, int g, int b, out byte y, out byte cb, out byte cr)
    {
        y = (byte)((Fix(0.29900) * r + Fix(0.58700) * g + Fix(0.11400) * b + Half) >> ScaleBits);
        // 128 is added in fixed point; the "− 1" keeps 255 from rounding up to 256 for pure blue/red.
        int offset = (128 << ScaleBits) + Half - 1;
        cb = (byte)((-Fix(0.16874) * r - Fix(0.33126) * g + Fix(0.50000) * b + offset) >> ScaleBits);
        cr = (byte)((Fix(0.50000) * r - Fix(0.41869) * g - Fix(0.08131) * b + offset) >> ScaleBits);
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
