using SharpSR.Imaging.Resize;

namespace SharpSR.Imaging.Metrics;

/// <summary>How a greyscale image (Set14's bridge.png) enters the metrics.</summary>
public enum GreyPolicy
{
    /// <summary>
    /// A grey image is its own luma: when either image of a pair is grey, both are compared on grey levels
    /// 0..255 (a colour image by its full-range luma, (Y − 16)·255/219). MATLAB scripts that skip rgb2ycbcr for
    /// one-channel images do this; it gives the bicubic rows most papers print (Set14 x4 26.00, G-IDRN's).
    /// </summary>
    Y,

    /// <summary>
    /// A grey image is widened to three equal channels and converted to studio-range Y like any colour image,
    /// as PyTorch test scripts that load every image as RGB do (s-LWSR's Set14 x4 bicubic 26.10). Y of a grey
    /// level v is 16 + 219·v/255, so errors shrink by 219/255 and PSNR on that image rises by 1.32 dB.
    /// </summary>
    Rgb,
}

/// <summary>
/// The evaluation protocol every PSNR/SSIM in SharpSR goes through: HR mod-cropped (top-left) to the scale when
/// its size differs from the SR output, both images to one luma plane (BT.601 as MATLAB <c>rgb2ycbcr</c>,
/// <see cref="Y"/> exact or rounded, greyscale images by <see cref="Grey"/>), <see cref="Shave"/> border pixels
/// removed (default: the scale), then PSNR and SSIM.
/// </summary>
public sealed record EvalProtocol
{
    /// <summary>Exact Y, grey images as their own luma, border = scale: the figures the README prints.</summary>
    public static EvalProtocol Default { get; } = new();

    public YVariant Y { get; init; } = YVariant.Exact;

    public GreyPolicy Grey { get; init; } = GreyPolicy.Y;

    /// <summary>Border pixels removed on every side before the metrics; null = the scale.</summary>
    public int? Shave { get; init; }

    public SrScore Score(RgbImage sr, RgbImage hr, int scale)
    {
        ArgumentNullException.ThrowIfNull(sr);
        ArgumentNullException.ThrowIfNull(hr);
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be at least 1");
        if (sr.Width != hr.Width || sr.Height != hr.Height) hr = MatlabBicubic.ModCrop(hr, scale);
        if (sr.Width != hr.Width || sr.Height != hr.Height)
            throw new ArgumentException($"SR image is {sr.Width}x{sr.Height} but the HR image mod-cropped to x{scale} is {hr.Width}x{hr.Height}");
        int border = Shave ?? scale;
        bool greyLevels = Grey == GreyPolicy.Y && (sr.IsGrey || hr.IsGrey);
        var a = Luma(sr, greyLevels).Shave(border);
        var b = Luma(hr, greyLevels).Shave(border);
        return new SrScore(Psnr.Compute(a, b), Ssim.Compute(a, b));
    }

    private Plane Luma(RgbImage image, bool greyLevels) => new(image.Width, image.Height,
        greyLevels ? ColorSpace.GreyLevels(image, Y) : ColorSpace.RgbToY(image, Y, widenGrey: true));

    /// <summary>Parses a <see cref="GreyPolicy"/> name ("y" or "rgb", any case).</summary>
    public static GreyPolicy ParseGrey(string name) => name.ToLowerInvariant() switch
    {
        "y" => GreyPolicy.Y,
        "rgb" => GreyPolicy.Rgb,
        _ => throw new ArgumentException($"invalid grey policy '{name}' (y or rgb)"),
    };
}
