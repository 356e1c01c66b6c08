namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// Brings a subsampled component plane up to full resolution.
/// 2× horizontal and/or 2× vertical use "fancy" (triangle) upsampling: each output sample is 3/4 of the
/// nearer input sample plus 1/4 of the next one, in both directions for 2×2, with the same integer rounding
/// biases as libjpeg's default, so 4:2:0, 4:2:2 and 4:4:0 match the reference decoders exactly.
/// Edges repeat the last real sample (the component's own ceil(width·h/hmax) × ceil(height·v/vmax) area).
/// Other integer ratios (4:1:1, 3×, 4×) replicate samples (box), as libjpeg does; so do 2× horizontal ratios when
/// the component is at most 2 samples wide (libjpeg-turbo only filters wider rows; found by differential testing).
/// </summary>
internal static class JpegUpsampler
{
    /// <param name="src">Decoded plane, <paramref name="srcStride"/> wide (whole blocks, so at least 8 columns).</param>
    /// <param name="srcWidth">Real samples per row of the component.</param>
    /// <param name="srcHeight">Real rows of the component.</param>
    /// <param name="hr">Horizontal factor hmax / h.</param>
    /// <param name="vr">Vertical factor vmax / v.</param>
    /// <param name="dst">Output plane, <paramref name="width"/> × <paramref name="height"/>.</param>
    public static void Upsample(byte[] src, int srcStride, int srcWidth, int srcHeight, int hr, int vr,
                                byte[] dst, int width, int height)
    {
        bool box = hr > 2 || vr > 2 || hr == 2 && srcWidth <= 2;
        int[]? colSumArray = !box && hr == 2 && vr == 2 ? new int[srcStride] : null;
        var hrow = !box && hr == 2 && vr == 1 ? new byte[srcStride * 2] : null;
        for (int y = 0; y < height; y++)
        {
            Span<byte> outRow = dst.AsSpan(y * width, width);
            int inRow = y / vr;
            if (box)
            {
                ReadOnlySpan<byte> inSpan = src.AsSpan(inRow * srcStride, srcStride);
                for (int x = 0; x < width; x++) outRow[x] = inSpan[x / hr];
            }
            else if (hr == 1 && vr == 1)
            {
                src.AsSpan(inRow * srcStride, width).CopyTo(outRow);
            }
            else if (hr == 2 && vr == 1)
            {
                H2V1(src.AsSpan(inRow * srcStride, srcStride), srcWidth, hrow!);
                hrow.AsSpan(0, width).CopyTo(outRow);
            }
            else if (hr == 1 && vr == 2)
            {
                bool upper = (y & 1) == 0;
                ReadOnlySpan<byte> near = src.AsSpan(inRow * srcStride, srcStride);
                ReadOnlySpan<byte> far = src.AsSpan(Neighbour(inRow, upper, srcHeight) * srcStride, srcStride);
                int bias = upper ? 1 : 2;
                for (int x = 0; x < width; x++) outRow[x] = (byte)((near[x] * 3 + far[x] + bias) >> 2);
            }
            else
            {
                bool upper = (y & 1) == 0;
                ReadOnlySpan<byte> near = src.AsSpan(inRow * srcStride, srcStride);
                ReadOnlySpan<byte> far = src.AsSpan(Neighbour(inRow, upper, srcHeight) * srcStride, srcStride);
                int[] sums = colSumArray!;
                for (int x = 0; x < srcWidth; x++) sums[x] = near[x] * 3 + far[x];
                H2V2Row(sums, srcWidth, outRow);
            }
        }
    }

    /// <summary>Row index of the vertical neighbour: the row above for the upper output row, below for the lower; edges repeat.</summary>
    private static int Neighbour(int row, bool upper, int rows) => upper ? Math.Max(row - 1, 0) : Math.Min(row + 1, rows - 1);

    // The horizontal filters run only on rows of at least 3 samples, so the first and last columns are distinct.

    private static void H2V1(ReadOnlySpan<byte> src, int n, Span<byte> dst)
    {
        for (int c = 0; c < n; c++)
        {
            int v = src[c] * 3;
            dst[2 * c] = c == 0 ? src[0] : (byte)((v + src[c - 1] + 1) >> 2);
            dst[2 * c + 1] = c == n - 1 ? src[c] : (byte)((v + src[c + 1] + 2) >> 2);
        }
    }

    private static void H2V2Row(int[] sums, int n, Span<byte> dst)
    {
        int width = dst.Length;
        for (int c = 0; c < n; c++)
        {
            int v = sums[c] * 3;
            int x = 2 * c;
            if (x < width) dst[x] = (byte)(c == 0 ? (sums[0] * 4 + 8) >> 4 : (v + sums[c - 1] + 8) >> 4);
            if (x + 1 < width) dst[x + 1] = (byte)(c == n - 1 ? (sums[c] * 4 + 7) >> 4 : (v + sums[c + 1] + 7) >> 4);
        }
    }
}
