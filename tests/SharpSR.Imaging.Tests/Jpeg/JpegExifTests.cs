using SharpSR.Imaging.Metadata;
using SharpSR.Imaging.Jpeg;
using Xunit;

namespace SharpSR.Imaging.Tests.Jpeg;

public sealed class JpegExifTests
{
    /// <summary>An APP1 payload: "Exif\0\0", a TIFF header and IFD0 with one Orientation entry.</summary>
    private static byte[] Exif(int orientation, bool littleEndian, ushort type = 3, uint count = 1)
    {
        var b = new List<byte>("Exif\0\0"u8.ToArray());
        void U16(int v) => b.AddRange(littleEndian ? [(byte)v, (byte)(v >> 8)] : [(byte)(v >> 8), (byte)v]);
        void U32(uint v) { if (littleEndian) { U16((int)(v & 0xFFFF)); U16((int)(v >> 16)); } else { U16((int)(v >> 16)); U16((int)(v & 0xFFFF)); } }
        b.AddRange(littleEndian ? "II"u8.ToArray() : "MM"u8.ToArray());
        U16(42);
        U32(8);
        U16(1);
        U16(0x0112);
        U16(type);
        U32(count);
        U16(orientation);
        U16(0);
        U32(0);
        return [.. b];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Parse_BothByteOrders_ReadsOrientation(bool little)
    {
        for (int o = 1; o <= 8; o++) Assert.Equal(o, ExifOrientation.Parse(Exif(o, little)));
    }

    [Fact]
    public void Parse_Malformed_ReturnsZero()
    {
        byte[] good = Exif(6, true);
        Assert.Equal(0, ExifOrientation.Parse(Exif(9, true)));                 // value out of range
        Assert.Equal(0, ExifOrientation.Parse(Exif(6, true, type: 4)));        // wrong type
        Assert.Equal(0, ExifOrientation.Parse(Exif(6, true, count: 2)));
        Assert.Equal(0, ExifOrientation.Parse(good[..20]));                     // entry cut off
        byte[] badIfd = (byte[])good.Clone();
        badIfd[10] = 0xF0;                                                          // IFD offset beyond the segment
        Assert.Equal(0, ExifOrientation.Parse(badIfd));
        byte[] manyEntries = (byte[])good.Clone();
        manyEntries[14] = 0xFF;                                                     // 65535 entries claimed,
        manyEntries[15] = 0xFF;
        manyEntries[16] = 0x13;                                                     // and the one present is tag 0x0113
        Assert.Equal(0, ExifOrientation.Parse(manyEntries));
        Assert.Equal(0, ExifOrientation.Parse("XMP\0"u8));
    }

    [Fact]
    public void Apply_AllOrientations_MatchRotationsAndFlips()
    {
        // 3×2 image, pixel value = 10·y + x:   0 1 2 / 10 11 12
        var img = new RgbImage(3, 2, 1, [0, 1, 2, 10, 11, 12]);
        Assert.Equal(new byte[] { 2, 1, 0, 12, 11, 10 }, ExifOrientation.Apply(img, 2).Pixels);
        Assert.Equal(new byte[] { 12, 11, 10, 2, 1, 0 }, ExifOrientation.Apply(img, 3).Pixels);
        Assert.Equal(new byte[] { 10, 11, 12, 0, 1, 2 }, ExifOrientation.Apply(img, 4).Pixels);
        Assert.Equal(new byte[] { 0, 10, 1, 11, 2, 12 }, ExifOrientation.Apply(img, 5).Pixels);   // transpose
        Assert.Equal(new byte[] { 10, 0, 11, 1, 12, 2 }, ExifOrientation.Apply(img, 6).Pixels);   // 90° clockwise
        Assert.Equal(new byte[] { 12, 2, 11, 1, 10, 0 }, ExifOrientation.Apply(img, 7).Pixels);   // transverse
        Assert.Equal(new byte[] { 2, 12, 1, 11, 0, 10 }, ExifOrientation.Apply(img, 8).Pixels);   // 90° anticlockwise
        Assert.Same(img, ExifOrientation.Apply(img, 1));
        Assert.Equal((2, 3), (ExifOrientation.Apply(img, 6).Width, ExifOrientation.Apply(img, 6).Height));
    }
}
