using System.Buffers.Binary;
using SharpSR.Imaging.Bmp;
using Xunit;

namespace SharpSR.Imaging.Tests.Bmp;

public class BmpCodecTests
{
    private static RgbImage RandomImage(int w, int h, int c, int seed)
    {
        var img = new RgbImage(w, h, c);
        new Random(seed).NextBytes(img.Pixels);
        return img;
    }

    /// <summary>Writes a BMP by the format description, independently of BmpCodec.Encode.</summary>
    private static byte[] Build(RgbImage img, int bpp, bool topDown = false, uint compression = 0, int dibSize = 40,
                                byte[]? palette = null, byte[]? indices = null, uint alphaMask = 0)
    {
        int w = img.Width, h = img.Height;
        int stride = (w * bpp + 31) / 32 * 4;
        int paletteBytes = palette?.Length ?? 0;
        int masksAfterHeader = compression == 3 && dibSize == 40 ? 12 : 0;
        int offset = 14 + dibSize + masksAfterHeader + paletteBytes;
        var file = new byte[offset + stride * h];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), offset);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), dibSize);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), topDown ? -h : h);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), (short)bpp);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(30), compression);
        if (palette is not null) BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(46), palette.Length / 4);
        if (compression == 3)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(54), 0x00FF0000);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(58), 0x0000FF00);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(62), 0x000000FF);
            if (dibSize >= 56) BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(66), alphaMask);
        }
        palette?.CopyTo(file, 14 + dibSize);
        for (int y = 0; y < h; y++)
        {
            int fileRow = topDown ? y : h - 1 - y;
            var row = file.AsSpan(offset + fileRow * stride, stride);
            for (int x = 0; x < w; x++)
            {
                if (bpp == 8) { row[x] = indices![y * w + x]; continue; }
                int b = bpp / 8;
                row[x * b] = img[x, y, 2];
                row[x * b + 1] = img[x, y, 1];
                row[x * b + 2] = img[x, y, 0];
                if (b == 4) row[x * b + 3] = img.Channels == 4 ? img[x, y, 3] : (byte)0x5A;
            }
            for (int p = (w * bpp + 7) / 8; p < stride; p++) row[p] = 0xEE; // padding must be ignored
        }
        return file;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_24Bit_BothRowOrders(bool topDown)
    {
        var img = RandomImage(5, 3, 3, seed: 1);  // 15 bytes per row: one padding byte
        var back = BmpCodec.Decode(Build(img, 24, topDown));
        Assert.Equal(3, back.Channels);
        Assert.Equal(img.Pixels, back.Pixels);
    }

    [Fact]
    public void Decode_32BitBiRgb_IgnoresFourthByte()
    {
        var img = RandomImage(4, 3, 3, seed: 2);
        var back = BmpCodec.Decode(Build(img, 32));
        Assert.Equal(3, back.Channels);
        Assert.Equal(img.Pixels, back.Pixels);
    }

    [Fact]
    public void Decode_32BitBitfieldsWithAlphaMask_KeepsAlpha()
    {
        var img = RandomImage(3, 4, 4, seed: 3);
        var back = BmpCodec.Decode(Build(img, 32, topDown: true, compression: 3, dibSize: 108, alphaMask: 0xFF000000));
        Assert.Equal(4, back.Channels);
        Assert.Equal(img.Pixels, back.Pixels);
    }

    [Fact]
    public void Decode_32BitBitfieldsAfterInfoHeader_IsRgb()
    {
        var img = RandomImage(3, 2, 3, seed: 4);
        var back = BmpCodec.Decode(Build(img, 32, compression: 3, dibSize: 40));
        Assert.Equal(img.Pixels, back.Pixels);
    }

    [Fact]
    public void Decode_8BitColourPalette_ExpandsToRgb()
    {
        byte[] palette = [10, 20, 30, 0, 40, 50, 60, 0, 70, 80, 90, 0];      // BGRx
        byte[] indices = [0, 1, 2, 2, 1, 0, 1, 1, 1];
        var back = BmpCodec.Decode(Build(new RgbImage(3, 3, 3), 8, palette: palette, indices: indices));
        Assert.Equal(3, back.Channels);
        for (int i = 0; i < 9; i++)
            Assert.Equal(new[] { palette[4 * indices[i] + 2], palette[4 * indices[i] + 1], palette[4 * indices[i]] }, back.Pixels.AsSpan(3 * i, 3).ToArray());
    }

    [Fact]
    public void Decode_8BitGreyPalette_GivesGreyImage()
    {
        var palette = new byte[256 * 4];
        for (int i = 0; i < 256; i++) palette[4 * i] = palette[4 * i + 1] = palette[4 * i + 2] = (byte)(255 - i);
        byte[] indices = [0, 5, 255, 128, 7, 9];
        var back = BmpCodec.Decode(Build(new RgbImage(3, 2, 1), 8, topDown: true, palette: palette, indices: indices));
        Assert.Equal(1, back.Channels);
        Assert.Equal(indices.Select(i => (byte)(255 - i)).ToArray(), back.Pixels);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Encode_ThenDecode_RoundTripsAsRgb(int channels)
    {
        var img = RandomImage(7, 5, channels, seed: channels);
        var back = BmpCodec.Decode(BmpCodec.Encode(img));
        Assert.Equal(3, back.Channels);
        for (int i = 0; i < 35; i++)
            for (int c = 0; c < 3; c++) Assert.Equal(img.Pixels[i * channels + (channels == 1 ? 0 : c)], back.Pixels[i * 3 + c]);
    }

    [Fact]
    public void Encode_ImageWithAlpha_IsRefused() =>
        Assert.Contains("alpha", Assert.Throws<ArgumentException>(() => BmpCodec.Encode(new RgbImage(2, 2, 4))).Message);

    [Fact]
    public void Decode_EveryTruncation_ThrowsInvalidData()
    {
        // 5 pixels x 3 bytes = 15 bytes per row + 1 byte of padding. Only the padding after the last row may be
        // missing (some writers omit it); any shorter file must be refused.
        var img = RandomImage(5, 4, 3, seed: 9);
        byte[] file = Build(img, 24);
        Assert.Equal(img.Pixels, BmpCodec.Decode(file.AsSpan(0, file.Length - 1)).Pixels);
        for (int len = 0; len < file.Length - 1; len++)
            Assert.StartsWith("BMP: ", Assert.Throws<InvalidDataException>(() => BmpCodec.Decode(file.AsSpan(0, len))).Message);
    }

    [Fact]
    public void Decode_HugeDimensions_RejectedByPixelLimit()
    {
        byte[] file = Build(RandomImage(2, 2, 3, seed: 1), 24);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), 1_000_000);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), -1_000_000);
        Assert.Contains("pixel limit", Assert.Throws<InvalidDataException>(() => BmpCodec.Decode(file)).Message);
    }

    [Fact]
    public void Decode_PaletteIndexOutOfRange_Rejected()
    {
        byte[] file = Build(new RgbImage(2, 1, 3), 8, palette: [1, 2, 3, 0], indices: [0, 3]);
        Assert.Contains("palette index 3", Assert.Throws<InvalidDataException>(() => BmpCodec.Decode(file)).Message);
    }

    [Theory]
    [InlineData(16, 0u, "16-bit BMP is not supported")]
    [InlineData(24, 1u, "compression 1")]
    public void Decode_UnsupportedVariants_SayWhat(int bpp, uint compression, string fragment)
    {
        byte[] file = Build(RandomImage(2, 2, 3, seed: 1), 24);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), (short)bpp);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(30), compression);
        Assert.Contains(fragment, Assert.Throws<InvalidDataException>(() => BmpCodec.Decode(file)).Message);
    }
}
