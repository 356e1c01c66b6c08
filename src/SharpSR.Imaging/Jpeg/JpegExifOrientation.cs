using System.Buffers.Binary;

namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// The EXIF Orientation tag (0x0112) from an APP1 "Exif" segment, and the transform that makes the image
/// upright. Only IFD0 is read; every offset and count is checked against the segment, and anything odd
/// yields orientation 1 (leave the pixels alone) rather than an error: EXIF is metadata, not image data.
/// </summary>
internal static class JpegExifOrientation
{
    private const int OrientationTag = 0x0112;
    private const int TypeShort = 3;

    /// <summary>Orientation 1..8 from an APP1 payload, or 0 when the payload is not EXIF or has no valid tag.</summary>
    public static int Parse(ReadOnlySpan<byte> app1)
    {
        if (app1.Length < 6 || !app1[..6].SequenceEqual("Exif\0\0"u8)) return 0;
        ReadOnlySpan<byte> tiff = app1[6..];
        if (tiff.Length < 8) return 0;
        bool little;
        if (tiff[0] == 'I' && tiff[1] == 'I') little = true;
        else if (tiff[0] == 'M' && tiff[1] == 'M') little = false;
        else return 0;
        if (U16(tiff, 2, little) != 42) return 0;
        uint ifd = U32(tiff, 4, little);
        if (ifd > (uint)tiff.Length - 2) return 0;
        int count = U16(tiff, (int)ifd, little);
        int entries = (int)ifd + 2;
        for (int i = 0; i < count; i++)
        {
            int e = entries + 12 * i;
            if (e > tiff.Length - 12) return 0;
            if (U16(tiff, e, little) != OrientationTag) continue;
            if (U16(tiff, e + 2, little) != TypeShort || U32(tiff, e + 4, little) != 1) return 0;
            int value = U16(tiff, e + 8, little);   // a single SHORT sits left-justified in the value field
            return value is >= 1 and <= 8 ? value : 0;
        }
        return 0;
    }

    /// <summary>
    /// Applies the inverse of the camera's orientation so that the result displays upright:
    /// 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° anticlockwise.
    /// </summary>
    public static RgbImage Apply(RgbImage src, int orientation)
    {
        if (orientation is < 2 or > 8) return src;
        int w = src.Width, h = src.Height, ch = src.Channels;
        bool swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        var dst = new RgbImage(ow, oh, ch);
        byte[] s = src.Pixels, d = dst.Pixels;
        for (int y = 0; y < oh; y++)
        {
            for (int x = 0; x < ow; x++)
            {
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x),
                };
                s.AsSpan((sy * w + sx) * ch, ch).CopyTo(d.AsSpan((y * ow + x) * ch, ch));
            }
        }
        return dst;
    }

    private static int U16(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
}
