namespace SharpSR.Imaging;

/// <summary>
/// A format SharpSR recognises by its signature but decodes through an optional native library (WebP, GIF, AVIF
/// via SharpSR.Imaging.Skia). Recognising a file costs nothing; the library is loaded only when one is read or written.
/// </summary>
public sealed record OptionalFormat(string Name, IReadOnlyList<string> Extensions, bool CanEncode, OptionalFormat.Signature Matches)
{
    public delegate bool Signature(ReadOnlySpan<byte> header);
}

/// <summary>The formats the optional Skia codecs provide.</summary>
public static class OptionalFormats
{
    /// <summary>RIFF container of type WEBP.</summary>
    public static OptionalFormat WebP { get; } = new("WebP", [".webp"], CanEncode: true,
        h => h.Length >= 12 && h[..4].SequenceEqual("RIFF"u8) && h[8..12].SequenceEqual("WEBP"u8));

    /// <summary>GIF87a/GIF89a; the first frame is read.</summary>
    public static OptionalFormat Gif { get; } = new("GIF", [".gif"], CanEncode: false,
        h => h.Length >= 6 && (h[..6].SequenceEqual("GIF87a"u8) || h[..6].SequenceEqual("GIF89a"u8)));

    /// <summary>An ISO-BMFF file whose brand is avif/avis.</summary>
    public static OptionalFormat Avif { get; } = new("AVIF", [".avif"], CanEncode: false,
        h => h.Length >= 12 && h[4..8].SequenceEqual("ftyp"u8) && (h[8..12].SequenceEqual("avif"u8) || h[8..12].SequenceEqual("avis"u8)));

    public static IReadOnlyList<OptionalFormat> All { get; } = [WebP, Gif, Avif];
}

/// <summary>
/// An <see cref="IImageCodec"/> for an <see cref="OptionalFormat"/> whose real codec is created on first use, so
/// the assembly behind it (and its native library) is loaded only when a file of that format is read or written.
/// When it cannot be loaded, the user gets one line naming what is missing.
/// </summary>
public sealed class OnDemandCodec(OptionalFormat format, Func<IImageCodec> create, string provider) : IImageCodec
{
    private IImageCodec? _codec;

    public string Name => format.Name;
    public IReadOnlyList<string> Extensions => format.Extensions;
    public bool CanEncode => format.CanEncode;
    public bool CanDecode(ReadOnlySpan<byte> header) => format.Matches(header);

    /// <summary>True once the real codec has been created (its assembly loaded).</summary>
    public bool IsLoaded => _codec is not null;

    public RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels)
    {
        var codec = Codec();
        try
        {
            return codec.Decode(file, maxPixels);
        }
        catch (Exception e) when (IsMissingLibrary(e))
        {
            throw Missing(e);
        }
    }

    public void Encode(RgbImage image, Stream output)
    {
        var codec = Codec();
        try
        {
            codec.Encode(image, output);
        }
        catch (Exception e) when (IsMissingLibrary(e))
        {
            throw Missing(e);
        }
    }

    private IImageCodec Codec()
    {
        if (_codec is { } c) return c;
        try
        {
            return _codec = create();
        }
        catch (Exception e) when (IsMissingLibrary(e))
        {
            throw Missing(e);
        }
    }

    private static bool IsMissingLibrary(Exception e) =>
        e is FileNotFoundException { FileName: not null } or FileLoadException or DllNotFoundException or BadImageFormatException or TypeInitializationException or TypeLoadException;

    private NotSupportedException Missing(Exception e)
    {
        string why = (e is TypeInitializationException { InnerException: { } inner } ? inner.Message : e.Message).Split('\n')[0].Trim();
        return new($"{format.Name} files need {provider}, which could not be loaded ({why})", e);
    }
}
