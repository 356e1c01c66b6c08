using SharpSR.Core.Serialization;
using SharpSR.Imaging.Bmp;
using SharpSR.Imaging.Png;
using SharpSR.Imaging.Pnm;

namespace SharpSR.Imaging;

/// <summary>
/// The public way in and out of image files. <see cref="Load"/> picks the decoder from the file's signature
/// (never from its name); <see cref="Save"/> picks the encoder from the extension and writes through a temporary
/// file renamed over the target. Built in (managed): PNG, JPEG, BMP, PGM/PPM. More codecs join through <see cref="Register"/>
/// (WebP, GIF and AVIF from the optional SharpSR.Imaging.Skia, see <see cref="OnDemandCodec"/>).
/// </summary>
public static class ImageIO
{
    private static readonly object s_lock = new();

    // The one place formats are wired (more can join at run time through Register).
    private static IImageCodec[] s_codecs = [new PngImageCodec(), new Jpeg.JpegImageCodec(), new BmpImageCodec(), new PnmImageCodec()];

    /// <summary>The codecs in dispatch order.</summary>
    public static IReadOnlyList<IImageCodec> Codecs => Volatile.Read(ref s_codecs);

    /// <summary>
    /// Adds a codec; a codec registered later wins for the extensions and signatures it shares with earlier ones,
    /// and replaces an earlier codec of the same type and format name.
    /// </summary>
    public static void Register(IImageCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        lock (s_lock) Volatile.Write(ref s_codecs, [codec, .. s_codecs.Where(c => c.GetType() != codec.GetType() || c.Name != codec.Name)]);
    }

    public static RgbImage Load(string path, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        byte[] file = ImageFile.ReadAllBytes(path);
        try
        {
            return Decode(file, maxPixels);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Decodes an in-memory file, dispatching on its signature.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        foreach (var codec in Codecs)
            if (codec.CanDecode(file)) return codec.Decode(file, maxPixels);
        throw new InvalidDataException($"unknown image format ({DescribeSignature(file)}); supported: {SupportedNames()}");
    }

    /// <summary>The codec that would decode <paramref name="file"/>, or null.</summary>
    public static IImageCodec? Detect(ReadOnlySpan<byte> file)
    {
        foreach (var codec in Codecs)
            if (codec.CanDecode(file)) return codec;
        return null;
    }

    public static void Save(RgbImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        var codec = EncoderFor(path);
        AtomicFile.Write(path, s => codec.Encode(image, s));
    }

    /// <summary>Saves with a JPEG quality (1..100) when the extension names JPEG; other formats are lossless.</summary>
    public static void Save(RgbImage image, string path, int jpegQuality)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (jpegQuality is < 1 or > 100) throw new ArgumentException($"JPEG quality {jpegQuality} must be 1..100");
        var codec = EncoderFor(path);
        if (codec is Jpeg.JpegImageCodec)
            AtomicFile.Write(path, s => Jpeg.JpegEncoder.Encode(image, s, jpegQuality));
        else
            AtomicFile.Write(path, s => codec.Encode(image, s));
    }

    /// <summary>The encoder for the extension of <paramref name="path"/>; a clear error for unknown or read-only formats.</summary>
    public static IImageCodec EncoderFor(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext.Length == 0) throw new ArgumentException($"'{path}' has no extension; use one of {SupportedExtensions()}");
        foreach (var codec in Codecs)
            if (codec.Extensions.Contains(ext))
                return codec.CanEncode ? codec : throw new NotSupportedException($"{codec.Name} ({ext}) can be read but not written; use one of {SupportedExtensions()}");
        throw new NotSupportedException($"no image codec for '{ext}' files; use one of {SupportedExtensions()}");
    }

    private static string SupportedNames() => string.Join(", ", Codecs.Select(c => c.Name));

    private static string SupportedExtensions() => string.Join(", ", Codecs.Where(c => c.CanEncode).SelectMany(c => c.Extensions));

    private static string DescribeSignature(ReadOnlySpan<byte> file)
    {
        if (file.Length == 0) return "empty file";
        return "first bytes " + Convert.ToHexString(file[..Math.Min(8, file.Length)]);
    }

    private sealed class PngImageCodec : IImageCodec
    {
        public string Name => "PNG";
        public IReadOnlyList<string> Extensions { get; } = [".png"];
        public bool CanDecode(ReadOnlySpan<byte> header) => PngDecoder.IsPng(header);
        public RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels) => PngDecoder.Decode(file, maxPixels);
        public bool CanEncode => true;
        public void Encode(RgbImage image, Stream output) => PngEncoder.Encode(image, output);
    }

    private sealed class BmpImageCodec : IImageCodec
    {
        public string Name => "BMP";
        public IReadOnlyList<string> Extensions { get; } = [".bmp"];
        public bool CanDecode(ReadOnlySpan<byte> header) => BmpCodec.IsBmp(header);
        public RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels) => BmpCodec.Decode(file, maxPixels);
        public bool CanEncode => true;
        public void Encode(RgbImage image, Stream output) => BmpCodec.Encode(image, output);
    }

    private sealed class PnmImageCodec : IImageCodec
    {
        public string Name => "PNM";
        public IReadOnlyList<string> Extensions { get; } = [".ppm", ".pgm", ".pnm"];
        public bool CanDecode(ReadOnlySpan<byte> header) => PnmCodec.IsPnm(header);
        public RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels) => PnmCodec.Decode(file, maxPixels);
        public bool CanEncode => true;
        public void Encode(RgbImage image, Stream output) => PnmCodec.Encode(image, output);
    }
}
