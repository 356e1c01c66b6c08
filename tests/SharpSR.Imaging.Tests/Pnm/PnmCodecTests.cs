using System.Text;
using SharpSR.Imaging.Pnm;
using Xunit;

namespace SharpSR.Imaging.Tests.Pnm;

public class PnmCodecTests
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Encode_ThenDecode_IsExact(int channels)
    {
        var img = new RgbImage(9, 4, channels);
        new Random(channels).NextBytes(img.Pixels);
        byte[] file = PnmCodec.Encode(img);
        Assert.Equal(channels == 1 ? "P5" : "P6", Encoding.ASCII.GetString(file, 0, 2));
        var back = PnmCodec.Decode(file);
        Assert.Equal(channels, back.Channels);
        Assert.Equal(img.Pixels, back.Pixels);
    }

    [Fact]
    public void Decode_P6WithComments_ReadsSamples()
    {
        byte[] file = [.. Ascii("P6\n# a comment\n2 1 # trailing\n255\n"), 1, 2, 3, 4, 5, 6];
        var img = PnmCodec.Decode(file);
        Assert.Equal((2, 1, 3), (img.Width, img.Height, img.Channels));
        Assert.Equal([1, 2, 3, 4, 5, 6], img.Pixels);
    }

    [Fact]
    public void Decode_BinarySampleThatLooksLikeWhitespace_IsData()
    {
        byte[] file = [.. Ascii("P5 2 1 255\n"), 10, 32];
        Assert.Equal([10, 32], PnmCodec.Decode(file).Pixels);
    }

    [Fact]
    public void Decode_P3Ascii_ReadsSamples()
    {
        var img = PnmCodec.Decode(Ascii("P3\n2 2\n255\n0 1 2  3 4 5\n# mid\n250 251 252\t253 254 255\n"));
        Assert.Equal([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255], img.Pixels);
    }

    [Fact]
    public void Decode_P2SmallMaxval_RescalesTo255()
    {
        var img = PnmCodec.Decode(Ascii("P2 4 1 15 0 1 8 15"));
        Assert.Equal(1, img.Channels);
        Assert.Equal([0, 17, 136, 255], img.Pixels);
    }

    [Theory]
    [InlineData("P6\n2 2\n255\n\u0001\u0002", "truncated")]
    [InlineData("P5\n2 2\n65535\n", "16-bit")]
    [InlineData("P4\n2 2\n", "P4 bitmaps")]
    [InlineData("P7\n", "unsupported PNM type P7")]
    [InlineData("P2 2 1 10 3 11", "exceeds maxval")]
    [InlineData("P2 2 1 10 3", "truncated")]
    [InlineData("P5 99999999999 1 255\n", "more than 10 digits")]
    [InlineData("P5 200000 200000 255\n", "pixel limit")]
    [InlineData("P5 2 x 255\n", "expected a number for the height")]
    [InlineData("P5 0 2 255\n", "invalid image size")]
    public void Decode_BadFiles_ThrowWithMessage(string text, string fragment)
    {
        var e = Assert.Throws<InvalidDataException>(() => PnmCodec.Decode(Encoding.Latin1.GetBytes(text)));
        Assert.StartsWith("PNM: ", e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Decode_EveryTruncation_ThrowsInvalidData()
    {
        var img = new RgbImage(3, 2, 3);
        new Random(5).NextBytes(img.Pixels);
        byte[] file = PnmCodec.Encode(img);
        for (int len = 0; len < file.Length; len++)
            Assert.Throws<InvalidDataException>(() => PnmCodec.Decode(file.AsSpan(0, len)));
    }

    [Theory]
    [InlineData("P3 10000 10000 255 1 2 3")]
    [InlineData("P6 10000 10000 255\n123")]
    public void Decode_ShortFileClaimingLargeImage_RejectedWithoutAllocating(string text)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => PnmCodec.Decode(Encoding.ASCII.GetBytes(text)));
        Assert.Contains("truncated", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "a 300 MB image was allocated for a tiny file");
    }

    [Fact]
    public void Encode_ImageWithAlpha_IsRefused() =>
        Assert.Throws<ArgumentException>(() => PnmCodec.Encode(new RgbImage(1, 1, 2)));
}
