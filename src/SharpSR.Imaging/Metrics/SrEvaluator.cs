using SharpSR.Imaging.Resize;

namespace SharpSR.Imaging.Metrics;

/// <summary>PSNR (dB) and SSIM of one super-resolved image against its ground truth.</summary>
public readonly record struct SrScore(double Psnr, double Ssim);

/// <summary>
/// The benchmark protocol for SR results: the HR image is mod-cropped (top-left) to a multiple of the scale when
/// its size differs from the SR output, both go to Y (<see cref="YVariant"/>), <c>shave</c> border pixels are
/// removed (default = scale), then PSNR and SSIM are measured.
/// </summary>
public static class SrEvaluator
{
    public static SrScore Evaluate(RgbImage sr, RgbImage hr, int scale, int? shave = null, YVariant variant = YVariant.Exact)
    {
        ArgumentNullException.ThrowIfNull(sr);
        ArgumentNullException.ThrowIfNull(hr);
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be at least 1");
        if (sr.Width != hr.Width || sr.Height != hr.Height) hr = MatlabBicubic.ModCrop(hr, scale);
        if (sr.Width != hr.Width || sr.Height != hr.Height)
            throw new ArgumentException($"SR image is {sr.Width}x{sr.Height} but the HR image mod-cropped to x{scale} is {hr.Width}x{hr.Height}");
        int border = shave ?? scale;
        var a = Plane.Y(sr, variant).Shave(border);
        var b = Plane.Y(hr, variant).Shave(border);
        return new SrScore(Psnr.Compute(a, b), Ssim.Compute(a, b));
    }

    /// <summary>Mean PSNR and SSIM over image pairs (the per-set figure papers report).</summary>
    public static SrScore Mean(IEnumerable<SrScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        double p = 0, s = 0;
        int n = 0;
        foreach (var score in scores)
        {
            p += score.Psnr;
            s += score.Ssim;
            n++;
        }
        if (n == 0) throw new ArgumentException("no scores to average");
        return new SrScore(p / n, s / n);
    }
}
