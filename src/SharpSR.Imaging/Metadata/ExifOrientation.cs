using System.Buffers.Binary;

namespace SharpSR.Imaging.Metadata;

/// <summary>
/// The EXIF Orientation tag (0x0112) in IFD0 of a TIFF-structured EXIF block, and the transform that makes the
/// image upright. Every offset and count is checked against the block, and anything odd yields "no orientation"
/// (leave the pixels alone) rather than an error: EXIF is metadata, not image data.
/// </summary>
public static class ExifOrientation
{
    private const int OrientationTag = 0x0112;
    private const int TypeShort = 3;

    /// <summary>Orientation 1..8 from a JPEG APP1 payload ("Exif\0\0" + TIFF), or 0 when it is not EXIF or has no valid tag.</summary>
    public static int Parse(ReadOnlySpan<byte> app1) =>
        app1.Length >= 6 && app1[..6].SequenceEqual(ImageMetadata.ExifApp1Prefix) ? ParseTiff(app1[6..]) : 0;

    /// <summary>Orientation 1..8 from the TIFF block itself (PNG eXIf, JPEG APP1 after its prefix), or 0.</summary>
    public static int ParseTiff(ReadOnlySpan<byte> tiff)
    {
        int at = ValueOffset(tiff, out bool little);
        if (at < 0) return 0;
        int value = U16(tiff, at, little);
        return value is >= 1 and <= 8 ? value : 0;
    }

    /// <summary>A copy of the TIFF block with the orientation set to 1 (upright), or the block itself when it has no orientation tag.</summary>
    public static byte[] ResetTiff(byte[] tiff)
    {
        ArgumentNullException.ThrowIfNull(tiff);
        int at = ValueOffset(tiff, out bool little);
        if (at < 0 || U16(tiff, at, little) == 1) return tiff;
        var copy = (byte[])tiff.Clone();
        if (little) BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(at), 1);
        else BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(at), 1);
        return copy;
    }

    /// <summary>Where the orientation's SHORT value sits (left-justified in the entry's value field), or -1.</summary>
    private static int ValueOffset(ReadOnlySpan<byte> tiff, out bool little)
    {
        little = false;
        if (tiff.Length < 8) return -1;
        if (tiff[0] == 'I' && tiff[1] == 'I') little = true;
        else if (tiff[0] != 'M' || tiff[1] != 'M') return -1;
        if (U16(tiff, 2, little) != 42) return -1;
        uint ifd = U32(tiff, 4, little);
        if (ifd > (uint)tiff.Length - 2) return -1;
        int count = U16(tiff, (int)ifd, little);
        int entries = (int)ifd + 2;
        for (int i = 0; i < count; i++)
        {
            int e = entries + 12 * i;
            if (e > tiff.Length - 12) return -1;
            if (U16(tiff, e, little) != OrientationTag) continue;
            if (U16(tiff, e + 2, little) != TypeShort || U32(tiff, e + 4, little) != 1) return -1;
            return e + 8;
        }
        return -1;
    }

    /// <summary>
    /// Applies the inverse of the camera's orientation so that the result displays upright:
    /// 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° anticlockwise.
    /// 16-bit samples and metadata move with the pixels.
    /// </summary>
    public static RgbImage Apply(RgbImage src, int orientation)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (orientation is < 2 or > 8) return src;
        int w = src.Width, h = src.Height;
        bool swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        var pixels = Transform(src.Pixels, src.Channels, w, h, ow, oh, orientation);
        var dst = src.Samples16 is { } s16
            ? RgbImage.FromSamples16(ow, oh, src.Channels, Transform(s16, src.Channels, w, h, ow, oh, orientation))
            : new RgbImage(ow, oh, src.Channels, pixels);
        dst.Metadata = src.Metadata;
        return dst;
    }

    private static T[] Transform<T>(T[] s, int ch, int w, int h, int ow, int oh, int orientation)
    {
        var d = new T[s.Length];
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
        return d;
    }

    private static int U16(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
}
