using SharpSR.Imaging.Bmp;
using SharpSR.Imaging.Jpeg;
using SharpSR.Imaging.Png;
using SharpSR.Imaging.Pnm;
using Xunit;

namespace SharpSR.Imaging.Tests;

/// <summary>Every codec refuses a header over the pixel limit the same way, and marks it apart from a damaged file.</summary>
public class TooLargeTests
{
    public static TheoryData<string> Formats => ["png", "jpeg", "bmp", "ppm"];

    private static byte[] Encode(RgbImage image, string format)
    {
        using var ms = new MemoryStream();
        switch (format)
        {
            case "png": PngEncoder.Encode(image, ms); break;
            case "jpeg": JpegEncoder.Encode(image, ms); break;
            case "bmp": BmpCodec.Encode(image, ms); break;
            default: PnmCodec.Encode(image, ms); break;
        }
        return ms.ToArray();
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Over_the_limit_is_marked_too_large_with_the_size(string format)
    {
        var file = Encode(new RgbImage(40, 30, 3), format);
        var e = Assert.Throws<InvalidDataException>(() => ImageIO.Decode(file, maxPixels: 40 * 30 - 1));
        Assert.True(RgbImage.IsTooLarge(e));
        Assert.Contains("40x30 = 1200 pixels, more than the 1199-pixel limit", e.Message);
        var atLimit = ImageIO.Decode(file, maxPixels: 40 * 30);
        Assert.Equal((40, 30), (atLimit.Width, atLimit.Height));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_damaged_file_is_not_marked_too_large(string format)
    {
        var file = Encode(new RgbImage(40, 30, 3), format);
        var e = Assert.ThrowsAny<Exception>(() => ImageIO.Decode(file[..(file.Length / 2)]));
        Assert.False(RgbImage.IsTooLarge(e));
    }
}
