using SharpSR.Core;

namespace SharpSR.Imaging;

/// <summary>
/// RgbImage ⇄ NCHW float tensors in 0..255, the form SR models consume and produce.
/// <list type="bullet">
/// <item>In: RGB(A) → [1, 3, H, W]; grey(+alpha) → [1, 3, H, W] with three equal channels. Alpha never enters the
/// colour tensor; <see cref="AlphaToTensor"/> gives it as [1, 1, H, W] so a caller can resize it separately
/// (e.g. with <see cref="Resize.MatlabBicubic"/>) and hand it back to <see cref="ToImage"/>.</item>
/// <item>Out: each value is clamped to [0, 255] then rounded half to even — the result of PyTorch SR code's
/// <c>.clamp(0, 255).round()</c> (torch.round rounds half to even). NaN becomes 0.</item>
/// <item>16-bit images (<see cref="RgbImage.Samples16"/>) map 0..65535 to 0..255 exactly (÷257) and back (×257,
/// then rounded to 16 bits), so nothing is rounded to 8 bits on the way.</item>
/// </list>
/// </summary>
public static class ImageTensor
{
    /// <summary>The colour channels as [1, 3, H, W] (grey replicated to three channels; alpha dropped).</summary>
    public static Tensor ToTensor(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height, c = image.Channels, plane = w * h;
        var data = new float[3 * plane];
        if (image.Samples16 is { } deep)
        {
            for (int i = 0; i < plane; i++)
                for (int k = 0; k < 3; k++) data[k * plane + i] = deep[i * c + (image.IsGrey ? 0 : k)] / 257f;
            return new Tensor(data, 1, 3, h, w);
        }
        var p = image.Pixels;
        if (image.IsGrey)
        {
            for (int i = 0; i < plane; i++) data[i] = p[i * c];
            Array.Copy(data, 0, data, plane, plane);
            Array.Copy(data, 0, data, 2 * plane, plane);
        }
        else
        {
            for (int i = 0; i < plane; i++)
            {
                data[i] = p[i * c];
                data[plane + i] = p[i * c + 1];
                data[2 * plane + i] = p[i * c + 2];
            }
        }
        return new Tensor(data, 1, 3, h, w);
    }

    /// <summary>The alpha channel as [1, 1, H, W] in 0..255, or null when the image has none.</summary>
    public static Tensor? AlphaToTensor(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!image.HasAlpha) return null;
        int plane = image.Width * image.Height, c = image.Channels;
        var data = new float[plane];
        if (image.Samples16 is { } deep)
            for (int i = 0; i < plane; i++) data[i] = deep[i * c + c - 1] / 257f;
        else
            for (int i = 0; i < plane; i++) data[i] = image.Pixels[i * c + c - 1];
        return new Tensor(data, 1, 1, image.Height, image.Width);
    }

    /// <summary>
    /// [1, C, H, W] with C = 1 (grey) or 3 (RGB) → an 8-bit image, plus an optional [1, 1, H, W] alpha tensor of the
    /// same size appended as the last channel. Values are clamped to [0, 255] and rounded half to even; with
    /// <paramref name="bitDepth"/> 16 they are scaled to 0..65535 and rounded there instead.
    /// </summary>
    public static RgbImage ToImage(Tensor color, Tensor? alpha = null, int bitDepth = 8)
    {
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"bit depth {bitDepth} must be 8 or 16");
        ArgumentNullException.ThrowIfNull(color);
        if (color.Rank != 4 || color.N != 1 || color.C is not (1 or 3))
            throw new ArgumentException($"expected a [1, 1 or 3, H, W] tensor, got {Shapes.Format(color.Shape)}");
        int h = color.H, w = color.W, cc = color.C;
        if (alpha is not null && (alpha.Rank != 4 || alpha.N != 1 || alpha.C != 1 || alpha.H != h || alpha.W != w))
            throw new ArgumentException($"alpha must be [1, 1, {h}, {w}], got {Shapes.Format(alpha.Shape)}");
        var canvas = new ImageCanvas(w, h, cc + (alpha is null ? 0 : 1), bitDepth);
        canvas.Write(color);
        if (alpha is not null) canvas.Write(alpha, cc);
        return canvas.ToImage();
    }

    /// <summary>Every channel (alpha included, grey not replicated) as [1, C, H, W] in 0..255, at the image's precision.</summary>
    public static Tensor Planes(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int c = image.Channels, plane = image.Width * image.Height;
        var data = new float[c * plane];
        for (int i = 0; i < plane; i++)
            for (int k = 0; k < c; k++)
                data[k * plane + i] = image.Samples16 is { } deep ? deep[i * c + k] / 257f : image.Pixels[i * c + k];
        return new Tensor(data, 1, c, image.Height, image.Width);
    }

    /// <summary>The inverse of <see cref="Planes"/>: [1, C, H, W] in 0..255 → a C-channel image of the given bit depth.</summary>
    public static RgbImage FromPlanes(Tensor planes, int bitDepth = 8)
    {
        ArgumentNullException.ThrowIfNull(planes);
        if (planes.Rank != 4 || planes.N != 1 || planes.C is < 1 or > 4)
            throw new ArgumentException($"expected a [1, 1..4, H, W] tensor, got {Shapes.Format(planes.Shape)}");
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"bit depth {bitDepth} must be 8 or 16");
        var canvas = new ImageCanvas(planes.W, planes.H, planes.C, bitDepth);
        canvas.Write(planes);
        return canvas.ToImage();
    }

    /// <summary>A value in 0..255 as a 16-bit sample: clamp(v·257, 0, 65535) rounded half to even (NaN → 0).</summary>
    public static ushort ToUInt16(float v)
    {
        float s = v * 257f;
        if (!(s > 0)) return 0;
        if (s >= 65535) return 65535;
        return (ushort)MathF.Round(s, MidpointRounding.ToEven);
    }

    /// <summary>clamp(v, 0, 255) then round half to even (NaN → 0).</summary>
    public static byte ToByte(float v)
    {
        if (!(v > 0)) return 0;          // also NaN
        if (v >= 255) return 255;
        return (byte)MathF.Round(v, MidpointRounding.ToEven);
    }
}
