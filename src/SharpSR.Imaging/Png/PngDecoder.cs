namespace SharpSR.Imaging.Png;

/// <summary>
/// Reads PNG files: every colour type and bit depth, palettes with tRNS, tRNS keys for grey and RGB, Adam7.
/// Nothing in the file is trusted: each chunk's CRC and the zlib Adler-32 are checked, sizes are bounded by
/// <c>maxPixels</c> before anything is allocated, and the image data is inflated to exactly the size the header
/// implies (one byte more is an error). Any defect is an <see cref="InvalidDataException"/> with a one-line message.
/// </summary>
public static class PngDecoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when <paramref name="header"/> starts with the 8-byte PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> header) => header.StartsWith(Signature);

    /// <summary>The 8-bit image (16-bit samples keep their high byte, see <see cref="PngRawImage.ToRgbImage"/>).</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        var core = new PngDecoderCore(file, maxPixels);
        return core.DecodeToRgbImage();
    }

    /// <summary>Samples at the file's precision: 16-bit files come back with BitDepth 16, the rest with 8.</summary>
    public static PngRawImage DecodeRaw(ReadOnlySpan<byte> file, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        var core = new PngDecoderCore(file, maxPixels);
        return core.DecodeRaw();
    }

    public static RgbImage Load(string path, long maxPixels = RgbImage.DefaultMaxPixels) =>
        Decode(ImageFile.ReadAllBytes(path), maxPixels);

    public static PngRawImage LoadRaw(string path, long maxPixels = RgbImage.DefaultMaxPixels) =>
        DecodeRaw(ImageFile.ReadAllBytes(path), maxPixels);
}
