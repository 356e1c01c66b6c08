using System.Runtime.CompilerServices;

namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// 8×8 inverse DCT in 32-bit integers, separable: columns then rows, with the Loeffler–Ligtenberg–Moschytz
/// factorisation (12 multiplies per 1-D pass). Constants are the cosines scaled by 2^13; the column pass keeps
/// 2 extra fraction bits. These are the precision choices of libjpeg's default "islow" method, so the output
/// matches the reference decoders bit for bit on valid input (our tests check this against Pillow).
/// </summary>
internal static class JpegIdct
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;

    private const int Fix0_298631336 = 2446;
    private const int Fix0_390180644 = 3196;
    private const int Fix0_541196100 = 4433;
    private const int Fix0_765366865 = 6270;
    private const int Fix0_899976223 = 7373;
    private const int Fix1_175875602 = 9633;
    private const int Fix1_501321110 = 12299;
    private const int Fix1_847759065 = 15137;
    private const int Fix1_961570560 = 16069;
    private const int Fix2_053119869 = 16819;
    private const int Fix2_562915447 = 20995;
    private const int Fix3_072711026 = 25172;

    /// <summary>
    /// Dequantises <paramref name="coef"/> (natural order) with <paramref name="quant"/>, transforms, adds 128,
    /// clamps to 0..255 and writes 8 rows of 8 samples at <paramref name="output"/> with the given stride.
    /// </summary>
    public static void Transform(ReadOnlySpan<short> coef, ReadOnlySpan<ushort> quant, Span<byte> output, int stride)
    {
        coef = coef[..64];
        quant = quant[..64];
        if (output.Length < 7 * stride + 8) throw new ArgumentException("output too small for an 8x8 block", nameof(output));
        Span<int> ws = stackalloc int[64];
        Span<int> row = stackalloc int[8];

        for (int col = 0; col < 8; col++)
        {
            if (coef[8 + col] == 0 && coef[16 + col] == 0 && coef[24 + col] == 0 && coef[32 + col] == 0 &&
                coef[40 + col] == 0 && coef[48 + col] == 0 && coef[56 + col] == 0)
            {
                int dc = coef[col] * quant[col] << Pass1Bits;
                for (int r = 0; r < 8; r++) ws[r * 8 + col] = dc;
                continue;
            }
            Idct1D(
                coef[col] * quant[col], coef[8 + col] * quant[8 + col], coef[16 + col] * quant[16 + col],
                coef[24 + col] * quant[24 + col], coef[32 + col] * quant[32 + col], coef[40 + col] * quant[40 + col],
                coef[48 + col] * quant[48 + col], coef[56 + col] * quant[56 + col],
                ConstBits - Pass1Bits, ref ws[col], 8);
        }

        for (int r = 0; r < 8; r++)
        {
            ReadOnlySpan<int> w = ws.Slice(r * 8, 8);
            Span<byte> dst = output.Slice(r * stride, 8);
            if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0)
            {
                dst.Fill(Clamp(Descale(w[0], Pass1Bits + 3) + 128));
                continue;
            }
            Idct1D(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], ConstBits + Pass1Bits + 3, ref row[0], 1);
            for (int c = 0; c < 8; c++) dst[c] = Clamp(row[c] + 128);
        }
    }

    /// <summary>One 8-point inverse DCT; results are descaled by <paramref name="shift"/> bits and written with step <paramref name="step"/>.</summary>
    /// <remarks><paramref name="dst"/> is the first of 8 outputs spaced <paramref name="step"/> apart inside a 64- or 8-entry stack buffer.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Idct1D(int x0, int x1, int x2, int x3, int x4, int x5, int x6, int x7, int shift, ref int dst, int step)
    {
        // Even part: inputs 0, 2, 4, 6.
        int z1 = (x2 + x6) * Fix0_541196100;
        int e2 = z1 - x6 * Fix1_847759065;
        int e3 = z1 + x2 * Fix0_765366865;
        int e0 = (x0 + x4) << ConstBits;
        int e1 = (x0 - x4) << ConstBits;
        int t10 = e0 + e3, t13 = e0 - e3, t11 = e1 + e2, t12 = e1 - e2;

        // Odd part: inputs 7, 5, 3, 1.
        int a = x7 + x1, b = x5 + x3, c = x7 + x3, d = x5 + x1;
        int z5 = (c + d) * Fix1_175875602;
        int o0 = x7 * Fix0_298631336;
        int o1 = x5 * Fix2_053119869;
        int o2 = x3 * Fix3_072711026;
        int o3 = x1 * Fix1_501321110;
        a *= -Fix0_899976223;
        b *= -Fix2_562915447;
        c = c * -Fix1_961570560 + z5;
        d = d * -Fix0_390180644 + z5;
        o0 += a + c;
        o1 += b + d;
        o2 += b + c;
        o3 += a + d;

        dst = Descale(t10 + o3, shift);
        Unsafe.Add(ref dst, 7 * step) = Descale(t10 - o3, shift);
        Unsafe.Add(ref dst, step) = Descale(t11 + o2, shift);
        Unsafe.Add(ref dst, 6 * step) = Descale(t11 - o2, shift);
        Unsafe.Add(ref dst, 2 * step) = Descale(t12 + o1, shift);
        Unsafe.Add(ref dst, 5 * step) = Descale(t12 - o1, shift);
        Unsafe.Add(ref dst, 3 * step) = Descale(t13 + o0, shift);
        Unsafe.Add(ref dst, 4 * step) = Descale(t13 - o0, shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Descale(int x, int n) => (x + (1 << (n - 1))) >> n;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clamp(int v) => (uint)v <= 255 ? (byte)v : v < 0 ? (byte)0 : (byte)255;
}
