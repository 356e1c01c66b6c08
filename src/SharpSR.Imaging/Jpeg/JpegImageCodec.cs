namespace SharpSR.Imaging.Jpeg;

/// <summary>JPEG as <see cref="ImageIO"/> sees it: signature FF D8 FF, baseline encoding at a chosen quality.</summary>
public sealed class JpegImageCodec : IImageCodec
{
    /// <summary>Quality used by <see cref="Encode"/> when none is given.</summary>
    public const int DefaultQuality = 92;

    public string Name => "JPEG";
    public IReadOnlyList<string> Extensions => JpegCodec.Extensions;
    public bool CanEncode => true;

    public bool CanDecode(ReadOnlySpan<byte> header) => header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF;

    public RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels) => JpegDecoder.Decode(file, maxPixels);

    public void Encode(RgbImage image, Stream output) => JpegEncoder.Encode(image, output, DefaultQuality);
}
