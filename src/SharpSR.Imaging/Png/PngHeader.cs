namespace SharpSR.Imaging.Png;

/// <summary>The validated IHDR fields plus the byte geometry that follows from them.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    /// <summary>Samples per pixel as stored in the file (palette = 1 index).</summary>
    public int StoredChannels => ColorType switch
    {
        PngColorType.Grey or PngColorType.Palette => 1,
        PngColorType.GreyAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

    public int BitsPerPixel => StoredChannels * BitDepth;

    /// <summary>Filter distance: bytes per complete pixel, at least 1.</summary>
    public int FilterBpp => Math.Max(1, BitsPerPixel / 8);

    /// <summary>Bytes of one unfiltered scanline of <paramref name="width"/> pixels (no filter byte).</summary>
    public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;

    /// <summary>The Adam7 passes as (x0, y0, dx, dy); a non-interlaced image is one pass (0, 0, 1, 1).</summary>
    public static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    public static readonly (int X0, int Y0, int Dx, int Dy)[] SinglePass = [(0, 0, 1, 1)];

    public (int X0, int Y0, int Dx, int Dy)[] Passes => Interlaced ? Adam7 : SinglePass;

    public static int PassSize(int size, int start, int step) => size > start ? (size - start + step - 1) / step : 0;

    /// <summary>The exact size of the decompressed, filtered image data: every non-empty pass row plus its filter byte.</summary>
    public long FilteredDataLength()
    {
        long total = 0;
        foreach (var (x0, y0, dx, dy) in Passes)
        {
            int pw = PassSize(Width, x0, dx), ph = PassSize(Height, y0, dy);
            if (pw == 0 || ph == 0) continue;
            total += ph * (1 + RowBytes(pw));
        }
        return total;
    }

    public static bool IsValidDepth(PngColorType type, int depth) => type switch
    {
        PngColorType.Grey => depth is 1 or 2 or 4 or 8 or 16,
        PngColorType.Palette => depth is 1 or 2 or 4 or 8,
        PngColorType.Rgb or PngColorType.GreyAlpha or PngColorType.Rgba => depth is 8 or 16,
        _ => false,
    };
}
