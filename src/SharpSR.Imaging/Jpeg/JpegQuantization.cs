namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// The example quantisation tables of T.81 Annex K (K.1 luminance, K.2 chrominance), in natural order,
/// and the usual quality scaling: quality q in 1..100 maps to a percentage s = 5000/q below 50 and 200 − 2q
/// from 50 up; each entry becomes (base·s + 50)/100 clamped to 1..255 (baseline). Quality 50 gives the tables
/// as printed, 100 gives all ones. This is the scale libjpeg and Pillow use, so "quality 90" means the same here.
/// </summary>
internal static class JpegQuantization
{
    public static ReadOnlySpan<byte> Luminance =>
    [
        16, 11, 10, 16, 24, 40, 51, 61,
        12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101,
        72, 92, 95, 98, 112, 100, 103, 99,
    ];

    public static ReadOnlySpan<byte> Chrominance =>
    [
        17, 18, 24, 47, 99, 99, 99, 99,
        18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
    ];

    /// <summary>The table for <paramref name="quality"/> (1..100), natural order.</summary>
    public static byte[] Scale(ReadOnlySpan<byte> table, int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        int percent = quality < 50 ? 5000 / quality : 200 - 2 * quality;
        var scaled = new byte[64];
        for (int i = 0; i < 64; i++)
            scaled[i] = (byte)Math.Clamp((table[i] * percent + 50) / 100, 1, 255);
        return scaled;
    }
}
