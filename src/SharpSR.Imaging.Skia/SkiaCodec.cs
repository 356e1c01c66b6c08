using System.Runtime.InteropServices;
using SharpSR.Imaging.Metadata;
using SkiaSharp;

namespace SharpSR.Imaging.Skia;

/// <summary>
/// One <see cref="OptionalFormat"/> decoded (and for WebP encoded) by Skia. Decoding asks Skia for the size first
/// and refuses images over the pixel limit before any pixel memory exists; the EXIF origin Skia reports is applied
/// so the pixels come out upright. WebP is written lossless.
/// </summary>
public sealed class SkiaCodec(OptionalFormat format) : IImageCodec
{
    public string Name => format.Name;
    public IReadOnlyList<string> Extensions => format.Extensions;
    public bool CanEncode => format.CanEncode;
    public bool CanDecode(ReadOnlySpan<byte> header) => format.Matches(header);

    public RgbImage Decode(ReadOnlySpan<byte> file, long maxPixels)
    {
        using var data = SKData.CreateCopy(file);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException($"not a readable {format.Name} file");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0) throw new InvalidDataException($"{format.Name} image has no pixels ({info.Width}x{info.Height})");
        if ((long)info.Width * info.Height > maxPixels) throw new InvalidDataException(RgbImage.TooLargeMessage(info.Width, info.Height, maxPixels));

        var rgba = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[rgba.BytesSize64];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(rgba, handle.AddrOfPinnedObject());   // a GIF's first frame
        }
        finally
        {
            handle.Free();
        }
        if (result != SKCodecResult.Success) throw new InvalidDataException($"{format.Name} data is damaged or cut short ({result})");

        bool alpha = info.AlphaType != SKAlphaType.Opaque && HasTransparency(pixels);
        var image = alpha ? new RgbImage(info.Width, info.Height, 4, pixels) : DropAlpha(pixels, info.Width, info.Height);
        return ExifOrientation.Apply(image, (int)codec.EncodedOrigin);
    }

    public void Encode(RgbImage image, Stream output)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!format.CanEncode) throw new NotSupportedException($"{format.Name} can be read but not written");
        var rgba = ToRgba(image);
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, image.HasAlpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var encoded = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))
                                ?? throw new ArgumentException($"Skia could not encode this {image.Width}x{image.Height} image as {format.Name}");
            encoded.SaveTo(output);
        }
        finally
        {
            handle.Free();
        }
    }

    private static bool HasTransparency(byte[] rgba)
    {
        for (int i = 3; i < rgba.Length; i += 4) if (rgba[i] != 255) return true;
        return false;
    }

    private static RgbImage DropAlpha(byte[] rgba, int w, int h)
    {
        var image = new RgbImage(w, h, 3);
        for (int i = 0, n = w * h; i < n; i++)
        {
            image.Pixels[3 * i] = rgba[4 * i];
            image.Pixels[3 * i + 1] = rgba[4 * i + 1];
            image.Pixels[3 * i + 2] = rgba[4 * i + 2];
        }
        return image;
    }

    private static byte[] ToRgba(RgbImage image)
    {
        int n = image.Width * image.Height, c = image.Channels;
        var rgba = new byte[4 * n];
        var p = image.Pixels;
        for (int i = 0; i < n; i++)
        {
            byte r = p[i * c], g = image.IsGrey ? r : p[i * c + 1], b = image.IsGrey ? r : p[i * c + 2];
            rgba[4 * i] = r;
            rgba[4 * i + 1] = g;
            rgba[4 * i + 2] = b;
            rgba[4 * i + 3] = image.HasAlpha ? p[i * c + c - 1] : (byte)255;
        }
        return rgba;
    }
}

/// <summary>The Skia codecs, registered with <see cref="ImageIO"/>.</summary>
public static class SkiaCodecs
{
    /// <summary>The codec for one of <see cref="OptionalFormats.All"/>.</summary>
    public static IImageCodec For(OptionalFormat format) => new SkiaCodec(format);

    /// <summary>Registers WebP, GIF and AVIF now (an app that references this assembly and wants them eagerly).</summary>
    public static void Register()
    {
        foreach (var format in OptionalFormats.All) ImageIO.Register(For(format));
    }
}
