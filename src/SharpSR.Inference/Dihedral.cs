namespace SharpSR.Inference;

/// <summary>
/// The 8 flips/rotations of a square's symmetry group on [C,H,W] planes: bit 0 = flip left-right,
/// bit 1 = flip up-down, bit 2 = transpose (applied last). Used by augmentation and the x8 self-ensemble.
/// </summary>
public static class Dihedral
{
    public static (int H, int W) OutputSize(int mode, int h, int w) => (mode & 4) != 0 ? (w, h) : (h, w);

    /// <summary>dst = T_mode(src) for <paramref name="channels"/> planes of h x w.</summary>
    public static void Apply(ReadOnlySpan<float> src, Span<float> dst, int channels, int h, int w, int mode) =>
        Map(src, dst, channels, h, w, mode, inverse: false);

    /// <summary>dst = T_mode⁻¹(src): src has the transformed size, dst the original h x w.</summary>
    public static void Invert(ReadOnlySpan<float> src, Span<float> dst, int channels, int h, int w, int mode) =>
        Map(src, dst, channels, h, w, mode, inverse: true);

    // Original pixel (sy, sx) and transformed position t are paired once; the direction picks which is read.
    private static void Map(ReadOnlySpan<float> src, Span<float> dst, int channels, int h, int w, int mode, bool inverse)
    {
        bool flipX = (mode & 1) != 0, flipY = (mode & 2) != 0, transpose = (mode & 4) != 0;
        int plane = h * w;
        for (int c = 0; c < channels; c++)
        {
            var s = src.Slice(c * plane, plane);
            var d = dst.Slice(c * plane, plane);
            for (int y = 0; y < h; y++)
            {
                int sy = flipY ? h - 1 - y : y;
                for (int x = 0; x < w; x++)
                {
                    int original = sy * w + (flipX ? w - 1 - x : x);
                    int transformed = transpose ? x * h + y : y * w + x;
                    if (inverse) d[original] = s[transformed];
                    else d[transformed] = s[original];
                }
            }
        }
    }
}
