namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// Decodes JPEG files to <see cref="RgbImage"/> (1 channel for greyscale, 3 for colour).
/// Supported: baseline and extended sequential (SOF0/SOF1) and progressive (SOF2) Huffman-coded 8-bit files
/// with 1 or 3 components, any integer sampling ratio, restart markers, Adobe/JFIF colour transforms, and the
/// EXIF orientation (applied, so the result is upright). Output matches libjpeg's defaults (integer "islow"
/// IDCT, fancy upsampling) to within rounding; see JpegUpsampler for the upsampling choice.
/// Corrupt or truncated files throw <see cref="InvalidDataException"/> (unlike libjpeg, which pads a truncated
/// scan with grey and warns: a silently damaged image is worse for training data than an error);
/// arithmetic coding, lossless, 12-bit and CMYK files throw <see cref="NotSupportedException"/>.
/// </summary>
public static class JpegDecoder
{
    /// <summary>True when <paramref name="file"/> starts with the JPEG SOI marker followed by another marker.</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> file) => file.Length >= 3 && file[0] == 0xFF && file[1] == 0xD8 && file[2] == 0xFF;

    /// <param name="file">The whole file.</param>
    /// <param name="maxPixels">Largest width·height accepted; checked before any pixel memory is allocated.</param>
    public static RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels = RgbImage.DefaultMaxPixels) =>
        new JpegDecoderCore(file.ToArray(), maxPixels).Decode();

    /// <summary>Reads <paramref name="stream"/> to its end and decodes it.</summary>
    public static RgbImage Decode(Stream stream, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return new JpegDecoderCore(buffer.ToArray(), maxPixels).Decode();
    }
}
