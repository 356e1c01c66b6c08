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
        for (int i = 0; i < plane; i++) data[i] = image.Pixels[i * c + c - 1];
        return new Tensor(data, 1, 1, image.Height, image.Width);
    }

    /// <summary>
    /// [1, C, H, W] with C = 1 (grey) or 3 (RGB) → an 8-bit image, plus an optional [1, 1, H, W] alpha tensor of the
    /// same size appended as the last channel. Values are clamped to [0, 255] and rounded half to even.
    /// </summary>
    public static RgbImage ToImage(Tensor color, Tensor? alpha = null)
    {
        ArgumentNullException.ThrowIfNull(color);
        if (color.Rank != 4 || color.N != 1 || color.C is not (1 or 3))
            throw new ArgumentException($"expected a [1, 1 or 3, H, W] tensor, got {Shapes.Format(color.Shape)}");
        int h = color.H, w = color.W, cc = color.C, plane = h * w;
        if (alpha is not null && (alpha.Rank != 4 || alpha.N != 1 || alpha.C != 1 || alpha.H != h || alpha.W != w))
            throw new ArgumentException($"alpha must be [1, 1, {h}, {w}], got {Shapes.Format(alpha.Shape)}");
        int oc = cc + (alpha is null ? 0 : 1);
        var image = new RgbImage(w, h, oc);
        var p = image.Pixels;
        var d = color.Data;
        for (int ch = 0; ch < cc; ch++)
            for (int i = 0; i < plane; i++) p[i * oc + ch] = ToByte(d[ch * plane + i]);
        if (alpha is not null)
            for (int i = 0; i < plane; i++) p[i * oc + cc] = ToByte(alpha.Data[i]);
        return image;
    }

    /// <summary>clamp(v, 0, 255) then round half to even (NaN → 0).</summary>
    public static byte ToByte(float v)
    {
        if (!(v > 0)) return 0;          // also NaN
        if (v >= 255) return 255;
        return (byte)MathF.Round(v, MidpointRounding.ToEven);
    }
}
