namespace SharpSR.Imaging.Png;

/// <summary>
/// Decoded PNG samples at full precision: <see cref="Channels"/> interleaved samples per pixel (1 grey, 2 grey+alpha,
/// 3 RGB, 4 RGBA; palettes and tRNS already expanded), each 0..<see cref="MaxValue"/>. <see cref="BitDepth"/> is
/// 16 for 16-bit files and 8 for everything else (1/2/4-bit grey is scaled up to 0..255 exactly: ×255, ×85, ×17).
/// This is the lossless form for 16-bit images; <see cref="ToRgbImage"/> gives the 8-bit common form.
/// </summary>
public sealed class PngRawImage
{
    public PngRawImage(int width, int height, int channels, int bitDepth, ushort[] samples)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size {width}x{height} must be positive");
        if (channels is < 1 or > 4) throw new ArgumentException($"channel count {channels} must be 1 to 4");
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"bit depth {bitDepth} must be 8 or 16");
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.LongLength != (long)width * height * channels)
            throw new ArgumentException($"{width}x{height}x{channels} needs {(long)width * height * channels} samples, got {samples.LongLength}");
        if (bitDepth == 8)
            foreach (ushort s in samples)
                if (s > 255) throw new ArgumentException($"sample {s} exceeds 255 in an 8-bit image");
        Width = width;
        Height = height;
        Channels = channels;
        BitDepth = bitDepth;
        Samples = samples;
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public int BitDepth { get; }
    public int MaxValue => (1 << BitDepth) - 1;

    /// <summary>Interleaved samples, row-major: index (y·Width + x)·Channels + c.</summary>
    public ushort[] Samples { get; }

    /// <summary>
    /// The 8-bit image. 16-bit samples keep their high byte (v &gt;&gt; 8), which is what PIL does when it opens a
    /// 16-bit RGB/RGBA/LA PNG (its "RGB;16B"-style unpackers); 8-bit samples are copied.
    /// </summary>
    public RgbImage ToRgbImage()
    {
        var pixels = new byte[Samples.Length];
        int shift = BitDepth - 8;
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(Samples[i] >> shift);
        return new RgbImage(Width, Height, Channels, pixels);
    }

    /// <summary>Widens an 8-bit image to the raw form (BitDepth 8).</summary>
    public static PngRawImage FromRgbImage(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var samples = new ushort[image.Pixels.Length];
        for (int i = 0; i < samples.Length; i++) samples[i] = image.Pixels[i];
        return new PngRawImage(image.Width, image.Height, image.Channels, 8, samples);
    }
}
