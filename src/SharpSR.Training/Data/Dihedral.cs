namespace SharpSR.Training.Data;

/// <summary>
/// The 8 flips/rotations of a square's symmetry group on [C,H,W] planes: bit 0 = flip left-right,
/// bit 1 = flip up-down, bit 2 = transpose (applied last). Used by augmentation and the x8 self-ensemble.
/// </summary>
public static class Dihedral
{
    public static (int H, int W) OutputSize(int mode, int h, int w) => (mode & 4) != 0 ? (w, h) : (h, w);

    /// <summary>dst = T_mode(src) for <paramref name="channels"/> planes of h x w.</summary>
    public static void Apply(ReadOnlySpan<float> src, Span<float> dst, int channels, int h, int w, int mode)
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
                    int sx = flipX ? w - 1 - x : x;
                    float v = s[sy * w + sx];
                    if (transpose) d[x * h + y] = v; else d[y * w + x] = v;
                }
            }
        }
    }

    /// <summary>dst = T_mode⁻¹(src), where src has the transformed size.</summary>
    public static void Invert(ReadOnlySpan<float> src, Span<float> dst, int channels, int h, int w, int mode)
    {
        // h, w: size of the original (dst). Undo transpose first, then the flips (each is its own inverse).
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
                    int sx = flipX ? w - 1 - x : x;
                    d[sy * w + sx] = transpose ? s[x * h + y] : s[y * w + x];
                }
            }
        }
    }
}
