namespace SharpSR.Imaging;

/// <summary>
/// One image file format as <see cref="ImageIO"/> sees it: how to recognise it from the first bytes, how to decode
/// it, and (optionally) how to encode it for the file extensions it owns.
/// </summary>
public interface IImageCodec
{
    /// <summary>Short format name for messages, e.g. "PNG".</summary>
    string Name { get; }

    /// <summary>Lower-case extensions with the dot, e.g. ".png"; <see cref="ImageIO.Save"/> picks the codec by these.</summary>
    IReadOnlyList<string> Extensions { get; }

    /// <summary>True when the file starts with this format's signature (at least the first 16 bytes are given when the file has them).</summary>
    bool CanDecode(ReadOnlySpan<byte> header);

    RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels);

    /// <summary>False for read-only formats.</summary>
    bool CanEncode { get; }

    /// <summary>Writes the whole file to <paramref name="output"/>; throws ArgumentException for images the format cannot hold.</summary>
    void Encode(RgbImage image, Stream output);
}
