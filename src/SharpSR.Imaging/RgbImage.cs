using SharpSR.Imaging.Metadata;

namespace SharpSR.Imaging;

/// <summary>
/// An image in memory: <see cref="Channels"/> interleaved samples per pixel, rows top to bottom.
/// Channels: 1 = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA. Codecs decode to it and encode from it;
/// the engine sees it as a float NCHW tensor in 0..255 (see ImageTensor). <see cref="Pixels"/> always holds 8-bit
/// samples; an image read from a 16-bit file also keeps its full-precision <see cref="Samples16"/>, which
/// 16-bit-aware code (ImageTensor, the PNG encoder) uses instead. <see cref="Metadata"/> travels with the pixels.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Default ceiling on width·height accepted from a file (a 16k × 16k image).</summary>
    public const long DefaultMaxPixels = 16384L * 16384L;

    /// <summary>The one message for an image over the pixel limit (the same from every codec).</summary>
    public static string TooLargeMessage(long width, long height, long maxPixels) =>
        $"image is {width}x{height} = {width * height} pixels, more than the {maxPixels}-pixel limit";

    /// <summary>
    /// What every codec throws when a header declares more pixels than allowed, before anything is allocated:
    /// an <see cref="InvalidDataException"/> like any bad file, marked so that a caller can tell "too large"
    /// from "corrupt" (<see cref="IsTooLarge"/>).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void ThrowTooLarge(string format, long width, long height, long maxPixels)
    {
        var e = new InvalidDataException($"{format}: {TooLargeMessage(width, height, maxPixels)}");
        e.Data[TooLargeKey] = true;
        throw e;
    }

    /// <summary>True for the exception <see cref="ThrowTooLarge"/> throws.</summary>
    public static bool IsTooLarge(Exception e) => e is InvalidDataException && e.Data[TooLargeKey] is true;

    private const string TooLargeKey = "SharpSR.Imaging.TooLarge";

    public RgbImage(int width, int height, int channels, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size {width}x{height} must be positive");
        if (channels is < 1 or > 4) throw new ArgumentException($"image channel count {channels} must be 1 to 4");
        long n = (long)width * height * channels;
        if (n > Array.MaxLength) throw new ArgumentException($"image {width}x{height}x{channels} is too large");
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels ?? new byte[n];
        if (Pixels.Length != n) throw new ArgumentException($"image {width}x{height}x{channels} needs {n} bytes, got {Pixels.Length}");
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }

    /// <summary>Interleaved samples, row-major: index (y·Width + x)·Channels + c.</summary>
    public byte[] Pixels { get; }

    /// <summary>The 16-bit samples (same layout as <see cref="Pixels"/>) of an image with <see cref="BitDepth"/> 16, else null.</summary>
    public ushort[]? Samples16 { get; private init; }

    /// <summary>16 when <see cref="Samples16"/> holds the image at full precision, else 8.</summary>
    public int BitDepth => Samples16 is null ? 8 : 16;

    /// <summary>ICC profile and EXIF carried from the file it was read from (or to the file it is saved to).</summary>
    public ImageMetadata Metadata { get; set; } = ImageMetadata.None;

    /// <summary>
    /// A 16-bit image; <see cref="Pixels"/> gets each sample's high byte (v &gt;&gt; 8), as PIL opens 16-bit PNGs,
    /// so code that knows only 8 bits sees what other tools show.
    /// </summary>
    public static RgbImage FromSamples16(int width, int height, int channels, ushort[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.LongLength != (long)width * height * channels)
            throw new ArgumentException($"image {width}x{height}x{channels} needs {(long)width * height * channels} samples, got {samples.LongLength}");
        var pixels = new byte[samples.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(samples[i] >> 8);
        return new RgbImage(width, height, channels, pixels) { Samples16 = samples };
    }

    public bool HasAlpha => Channels is 2 or 4;
    public bool IsGrey => Channels is 1 or 2;

    public byte this[int x, int y, int c]
    {
        get => Pixels[(y * Width + x) * Channels + c];
        set => Pixels[(y * Width + x) * Channels + c] = value;
    }

    public RgbImage Clone()
    {
        var copy = Samples16 is null ? new RgbImage(Width, Height, Channels, (byte[])Pixels.Clone()) : FromSamples16(Width, Height, Channels, (ushort[])Samples16.Clone());
        copy.Metadata = Metadata;
        return copy;
    }

    /// <summary>Reads any supported image file (format from its signature); see <see cref="ImageIO.Load"/>.</summary>
    public static RgbImage Load(string path, long maxPixels = DefaultMaxPixels) => ImageIO.Load(path, maxPixels);

    /// <summary>Writes the image in the format its extension names; see <see cref="ImageIO.Save"/>.</summary>
    public void Save(string path) => ImageIO.Save(this, path);

    public override string ToString() => $"RgbImage {Width}x{Height}x{Channels}" + (BitDepth == 16 ? " 16-bit" : "");

    /// <summary>This image with three channels: grey replicated, alpha dropped (networks see RGB); itself when already RGB.</summary>
    public RgbImage ToRgb()
    {
        if (Channels == 3) return this;
        var rgb = new RgbImage(Width, Height, 3);
        for (int i = 0, n = Width * Height; i < n; i++)
            for (int c = 0; c < 3; c++)
                rgb.Pixels[i * 3 + c] = Pixels[i * Channels + (IsGrey ? 0 : c)];
        return rgb;
    }
}
