namespace SharpSR.Imaging.Jpeg;

/// <summary>Chroma resolution of a colour JPEG.</summary>
public enum JpegSubsampling
{
    /// <summary>Cb and Cr at half width and half height (the common default; smallest files).</summary>
    Chroma420,

    /// <summary>Full-resolution chroma (no colour bleeding on sharp edges, e.g. synthetic images).</summary>
    Chroma444,
}

/// <param name="Quality">1..100 on the libjpeg/Pillow scale (Annex K tables scaled; 50 = as printed).</param>
/// <param name="Subsampling">Chroma sampling of colour images; greyscale images always write one component.</param>
public sealed record JpegEncoderOptions(int Quality = 90, JpegSubsampling Subsampling = JpegSubsampling.Chroma420);

/// <summary>
/// Writes baseline JPEG/JFIF files: 8-bit Huffman-coded sequential DCT, one interleaved scan, Huffman tables
/// optimised for the image (two passes over the quantised coefficients), JFIF APP0 header.
/// Grey images (1 channel) write one component; RGB images are converted to YCbCr (JFIF equations).
/// Images with alpha are refused: JPEG cannot store it.
/// </summary>
public static class JpegEncoder
{
    public static void Encode(RgbImage image, Stream output, int quality = 90) =>
        Encode(image, output, new JpegEncoderOptions(quality));

    public static void Encode(RgbImage image, Stream output, JpegEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        if (image.Channels is 2 or 4)
            throw new ArgumentException($"JPEG cannot store alpha; convert the {image.Channels}-channel image to grey or RGB first", nameof(image));
        if (image.Width > 65535 || image.Height > 65535)
            throw new ArgumentException($"JPEG is limited to 65535x65535 pixels; image is {image.Width}x{image.Height}", nameof(image));
        if (options.Quality is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(options), options.Quality, "JPEG quality must be 1..100");
        new JpegEncoderCore(image, options).Write(output);
    }

    /// <summary>The encoded file as a byte array.</summary>
    public static byte[] Encode(RgbImage image, JpegEncoderOptions? options = null)
    {
        using var ms = new MemoryStream();
        Encode(image, ms, options ?? new JpegEncoderOptions());
        return ms.ToArray();
    }
}
