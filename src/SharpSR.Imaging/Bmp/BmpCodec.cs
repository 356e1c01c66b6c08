using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using SharpSR.Core.Serialization;

namespace SharpSR.Imaging.Bmp;

/// <summary>
/// Windows BMP. Reads uncompressed 24-bit, 32-bit (BI_RGB: the fourth byte is ignored; BI_BITFIELDS /
/// BI_ALPHABITFIELDS with the standard BGRA masks: alpha kept when its mask is 0xFF000000) and 8-bit palette
/// images (grey output when every palette entry is grey), bottom-up or top-down. Writes 24-bit bottom-up
/// (grey images are widened to RGB; images with alpha are refused rather than silently flattened).
/// Every size field is checked against the file length and the pixel limit before anything is allocated.
/// </summary>
public static class BmpCodec
{
    private const int FileHeaderSize = 14;

    public static bool IsBmp(ReadOnlySpan<byte> header) => header.Length >= 2 && header[0] == (byte)'B' && header[1] == (byte)'M';

    public static RgbImage Load(string path, long maxPixels = RgbImage.DefaultMaxPixels) => Decode(ImageFile.ReadAllBytes(path), maxPixels);

    public static RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        if (file.Length < FileHeaderSize + 40) Invalid($"file is only {file.Length} bytes, too short for BMP headers");
        if (!IsBmp(file)) Invalid("bad signature: not a BMP file");
        uint dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(file[10..]);
        uint dibSize = BinaryPrimitives.ReadUInt32LittleEndian(file[14..]);
        if (dibSize is not (40 or 52 or 56 or 108 or 124)) Invalid($"unsupported DIB header size {dibSize} (supported: BITMAPINFOHEADER and its V2-V5 extensions)");
        if (FileHeaderSize + dibSize > file.Length) Invalid($"DIB header of {dibSize} bytes runs past the end of the {file.Length}-byte file");
        var dib = file.Slice(FileHeaderSize, (int)dibSize);
        int width = BinaryPrimitives.ReadInt32LittleEndian(dib[4..]);
        int rawHeight = BinaryPrimitives.ReadInt32LittleEndian(dib[8..]);
        ushort planes = BinaryPrimitives.ReadUInt16LittleEndian(dib[12..]);
        ushort bpp = BinaryPrimitives.ReadUInt16LittleEndian(dib[14..]);
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(dib[16..]);
        uint colorsUsed = BinaryPrimitives.ReadUInt32LittleEndian(dib[32..]);

        if (width <= 0 || rawHeight == 0 || rawHeight == int.MinValue) Invalid($"invalid image size {width}x{rawHeight}");
        if (planes != 1) Invalid($"plane count {planes}, expected 1");
        bool topDown = rawHeight < 0;
        int height = Math.Abs(rawHeight);
        if ((long)width * height > maxPixels)
            RgbImage.ThrowTooLarge("BMP", width, height, maxPixels);

        int channels;
        byte[]? palette = null;
        int paletteCount = 0;
        bool alpha = false;
        switch (bpp)
        {
            case 24:
                if (compression != 0) Invalid($"24-bit BMP with compression {compression} is not supported (only uncompressed)");
                channels = 3;
                break;
            case 32:
                if (compression is 3 or 6)
                {
                    // Masks follow a 40-byte header, or sit inside the V2+ headers at the same offset.
                    int maskBytes = compression == 6 || dibSize >= 56 ? 16 : 12;
                    if (FileHeaderSize + 40 + maskBytes > file.Length) Invalid("BMP bit-field masks run past the end of the file");
                    var masks = file.Slice(FileHeaderSize + 40, maskBytes);
                    uint r = BinaryPrimitives.ReadUInt32LittleEndian(masks), g = BinaryPrimitives.ReadUInt32LittleEndian(masks[4..]);
                    uint b = BinaryPrimitives.ReadUInt32LittleEndian(masks[8..]);
                    uint a = maskBytes == 16 ? BinaryPrimitives.ReadUInt32LittleEndian(masks[12..]) : 0;
                    if (r != 0x00FF0000 || g != 0x0000FF00 || b != 0x000000FF || (a != 0 && a != 0xFF000000))
                        Invalid($"32-bit BMP with bit-field masks R={r:X8} G={g:X8} B={b:X8} A={a:X8} is not supported (only standard BGRA)");
                    alpha = a == 0xFF000000;
                }
                else if (compression != 0) Invalid($"32-bit BMP with compression {compression} is not supported");
                channels = alpha ? 4 : 3;
                break;
            case 8:
                if (compression != 0) Invalid($"8-bit BMP with compression {compression} (RLE) is not supported");
                paletteCount = colorsUsed == 0 ? 256 : (int)Math.Min(colorsUsed, 257u);
                if (paletteCount > 256) Invalid($"palette of {colorsUsed} colours is larger than 256");
                int palStart = FileHeaderSize + (int)dibSize;
                if (palStart + 4L * paletteCount > file.Length) Invalid($"palette of {paletteCount} entries runs past the end of the file");
                palette = file.Slice(palStart, 4 * paletteCount).ToArray();
                bool grey = true;
                for (int i = 0; i < paletteCount; i++)
                    grey &= palette[4 * i] == palette[4 * i + 1] && palette[4 * i + 1] == palette[4 * i + 2];
                channels = grey ? 1 : 3;
                break;
            default:
                Invalid($"{bpp}-bit BMP is not supported (only 8, 24 and 32 bits per pixel)");
                return null!;
        }

        long stride = ((long)width * bpp + 31) / 32 * 4;
        long rowBytes = ((long)width * bpp + 7) / 8;
        if (dataOffset < FileHeaderSize + 40 || dataOffset > file.Length) Invalid($"pixel data offset {dataOffset} is outside the file");
        long needed = dataOffset + stride * (height - 1) + rowBytes;
        if (needed > file.Length) Invalid($"file is truncated: {width}x{height} at {bpp} bits needs {needed} bytes, the file has {file.Length}");

        var image = new RgbImage(width, height, channels);
        var px = image.Pixels;
        for (int r = 0; r < height; r++)
        {
            int y = topDown ? r : height - 1 - r;
            var row = file.Slice((int)(dataOffset + stride * r), (int)rowBytes);
            int o = y * width * channels;
            switch (bpp)
            {
                case 24:
                    for (int x = 0; x < width; x++, o += 3)
                    {
                        px[o] = row[3 * x + 2];
                        px[o + 1] = row[3 * x + 1];
                        px[o + 2] = row[3 * x];
                    }
                    break;
                case 32:
                    for (int x = 0; x < width; x++, o += channels)
                    {
                        px[o] = row[4 * x + 2];
                        px[o + 1] = row[4 * x + 1];
                        px[o + 2] = row[4 * x];
                        if (alpha) px[o + 3] = row[4 * x + 3];
                    }
                    break;
                default:
                    for (int x = 0; x < width; x++, o += channels)
                    {
                        int i = row[x];
                        if (i >= paletteCount) Invalid($"palette index {i} is out of range (the palette has {paletteCount} entries)");
                        if (channels == 1) px[o] = palette![4 * i];
                        else
                        {
                            px[o] = palette![4 * i + 2];
                            px[o + 1] = palette[4 * i + 1];
                            px[o + 2] = palette[4 * i];
                        }
                    }
                    break;
            }
        }
        return image;
    }

    /// <summary>24-bit bottom-up BMP with a BITMAPINFOHEADER.</summary>
    public static byte[] Encode(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var ms = new MemoryStream();
        Encode(image, ms);
        return ms.ToArray();
    }

    public static void Encode(RgbImage image, Stream output)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        if (image.HasAlpha) throw new ArgumentException("BMP output is 24-bit RGB and cannot keep the alpha channel; save as PNG instead");
        int w = image.Width, h = image.Height, c = image.Channels;
        long stride = ((long)w * 24 + 31) / 32 * 4;
        long size = FileHeaderSize + 40 + stride * h;
        if (size > uint.MaxValue) throw new ArgumentException($"image {w}x{h} is too large for a BMP file");
        Span<byte> head = stackalloc byte[FileHeaderSize + 40];
        head.Clear();
        head[0] = (byte)'B';
        head[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(head[2..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(head[10..], FileHeaderSize + 40);
        BinaryPrimitives.WriteUInt32LittleEndian(head[14..], 40);
        BinaryPrimitives.WriteInt32LittleEndian(head[18..], w);
        BinaryPrimitives.WriteInt32LittleEndian(head[22..], h);
        BinaryPrimitives.WriteUInt16LittleEndian(head[26..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(head[28..], 24);
        BinaryPrimitives.WriteUInt32LittleEndian(head[34..], (uint)(stride * h));
        output.Write(head);
        var row = new byte[stride];
        for (int y = h - 1; y >= 0; y--)
        {
            int o = y * w * c;
            for (int x = 0; x < w; x++, o += c)
            {
                byte r = image.Pixels[o], g = c == 1 ? r : image.Pixels[o + 1], b = c == 1 ? r : image.Pixels[o + 2];
                row[3 * x] = b;
                row[3 * x + 1] = g;
                row[3 * x + 2] = r;
            }
            output.Write(row);
        }
    }

    public static void Save(RgbImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.HasAlpha) throw new ArgumentException("BMP output is 24-bit RGB and cannot keep the alpha channel; save as PNG instead");
        AtomicFile.Write(path, s => Encode(image, s));
    }

    [DoesNotReturn]
    private static void Invalid(string message) => throw new InvalidDataException("BMP: " + message);
}
