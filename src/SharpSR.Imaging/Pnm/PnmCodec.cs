using System.Diagnostics.CodeAnalysis;
using System.Text;
using SharpSR.Core.Serialization;

namespace SharpSR.Imaging.Pnm;

/// <summary>
/// Netpbm grey and colour maps: reads P5/P6 (binary) and P2/P3 (ASCII) with maxval 1..255 (maxval below 255 is
/// rescaled to 0..255, rounding half up); writes P5 (grey) and P6 (RGB) with maxval 255, chosen by the image's
/// channel count whatever the file extension (.pgm/.ppm/.pnm) says. 16-bit files
/// (maxval &gt; 255), bitmaps (P1/P4) and PAM (P7) are refused with a clear message.
/// </summary>
public static class PnmCodec
{
    private const int MaxHeaderNumberDigits = 10;

    public static bool IsPnm(ReadOnlySpan<byte> header) =>
        header.Length >= 3 && header[0] == (byte)'P' && header[1] is (byte)'2' or (byte)'3' or (byte)'5' or (byte)'6' && IsSpace(header[2]);

    public static RgbImage Load(string path, long maxPixels = RgbImage.DefaultMaxPixels) => Decode(ImageFile.ReadAllBytes(path), maxPixels);

    public static RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        if (file.Length < 3 || file[0] != (byte)'P') Invalid("bad signature: not a PNM file");
        char kind = (char)file[1];
        if (kind is '1' or '4') Invalid($"P{kind} bitmaps are not supported (only P2, P3, P5, P6)");
        if (kind is not ('2' or '3' or '5' or '6')) Invalid($"unsupported PNM type P{kind} (only P2, P3, P5, P6)");
        int pos = 2;
        int width = ReadNumber(file, ref pos, "width");
        int height = ReadNumber(file, ref pos, "height");
        int maxval = ReadNumber(file, ref pos, "maxval");
        if (width <= 0 || height <= 0) Invalid($"invalid image size {width}x{height}");
        if ((long)width * height > maxPixels)
            RgbImage.ThrowTooLarge("PNM", width, height, maxPixels);
        if (maxval is < 1) Invalid($"maxval {maxval} must be at least 1");
        if (maxval > 255) Invalid($"maxval {maxval}: 16-bit PNM is not supported (maxval must be at most 255)");
        int channels = kind is '3' or '6' ? 3 : 1;
        long count = (long)width * height * channels;

        RgbImage image;
        byte[] px;
        if (kind is '5' or '6')
        {
            if (pos >= file.Length || !IsSpace(file[pos])) Invalid("missing whitespace after maxval");
            pos++; // exactly one whitespace byte separates the header from the samples
            if (file.Length - pos < count) Invalid($"file is truncated: {width}x{height}x{channels} needs {count} sample bytes, {file.Length - pos} remain");
            image = new RgbImage(width, height, channels);
            px = image.Pixels;
            file.Slice(pos, (int)count).CopyTo(px);
            for (int i = 0; i < px.Length; i++)
                if (px[i] > maxval) Invalid($"sample {px[i]} exceeds maxval {maxval}");
        }
        else
        {
            // Each ASCII sample takes at least a digit and a separator: refuse a short file before trusting its size.
            if (file.Length - pos < 2 * count - 1) Invalid($"file is truncated: {width}x{height}x{channels} needs {count} ASCII samples, only {file.Length - pos} bytes remain");
            image = new RgbImage(width, height, channels);
            px = image.Pixels;
            for (long i = 0; i < count; i++)
            {
                int v = ReadNumber(file, ref pos, "sample");
                if (v > maxval) Invalid($"sample {v} exceeds maxval {maxval}");
                px[i] = (byte)v;
            }
        }
        if (maxval != 255)
            for (int i = 0; i < px.Length; i++) px[i] = (byte)((px[i] * 255 + maxval / 2) / maxval);
        return image;
    }

    /// <summary>P5 for grey, P6 for RGB, maxval 255.</summary>
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
        if (image.HasAlpha) throw new ArgumentException("PGM/PPM cannot hold an alpha channel; save as PNG instead");
        output.Write(Encoding.ASCII.GetBytes($"P{(image.Channels == 1 ? 5 : 6)}\n{image.Width} {image.Height}\n255\n"));
        output.Write(image.Pixels);
    }

    public static void Save(RgbImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.HasAlpha) throw new ArgumentException("PGM/PPM cannot hold an alpha channel; save as PNG instead");
        AtomicFile.Write(path, s => Encode(image, s));
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    /// <summary>Skips whitespace and # comments, then reads a decimal number of at most 10 digits.</summary>
    private static int ReadNumber(ReadOnlySpan<byte> file, ref int pos, string what)
    {
        while (pos < file.Length)
        {
            if (IsSpace(file[pos])) pos++;
            else if (file[pos] == (byte)'#')
                while (pos < file.Length && file[pos] is not ((byte)'\n' or (byte)'\r')) pos++;
            else break;
        }
        if (pos >= file.Length) Invalid($"file is truncated: expected the {what}");
        long value = 0;
        int digits = 0;
        while (pos < file.Length && file[pos] is >= (byte)'0' and <= (byte)'9')
        {
            if (++digits > MaxHeaderNumberDigits) Invalid($"{what} has more than {MaxHeaderNumberDigits} digits");
            value = value * 10 + (file[pos] - '0');
            pos++;
        }
        if (digits == 0) Invalid($"expected a number for the {what}, found byte 0x{file[pos]:X2}");
        if (value > int.MaxValue) Invalid($"{what} {value} is too large");
        if (pos < file.Length && !IsSpace(file[pos]) && file[pos] != (byte)'#') Invalid($"unexpected byte 0x{file[pos]:X2} after the {what}");
        return (int)value;
    }

    [DoesNotReturn]
    private static void Invalid(string message) => throw new InvalidDataException("PNM: " + message);
}
