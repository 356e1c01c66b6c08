namespace SharpSR.Imaging;

/// <summary>
/// An 8-bit image in memory: <see cref="Channels"/> interleaved samples per pixel, rows top to bottom.
/// Channels: 1 = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA. Codecs decode to it and encode from it;
/// the engine sees it as a float NCHW tensor in 0..255 (see ImageTensor).
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

    public bool HasAlpha => Channels is 2 or 4;
    public bool IsGrey => Channels is 1 or 2;

    public byte this[int x, int y, int c]
    {
        get => Pixels[(y * Width + x) * Channels + c];
        set => Pixels[(y * Width + x) * Channels + c] = value;
    }

    public RgbImage Clone() => new(Width, Height, Channels, (byte[])Pixels.Clone());

    /// <summary>Reads any supported image file (format from its signature); see <see cref="ImageIO.Load"/>.</summary>
    public static RgbImage Load(string path, long maxPixels = DefaultMaxPixels) => ImageIO.Load(path, maxPixels);

    /// <summary>Writes the image in the format its extension names; see <see cref="ImageIO.Save"/>.</summary>
    public void Save(string path) => ImageIO.Save(this, path);

    public override string ToString() => $"RgbImage {Width}x{Height}x{Channels}";

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
