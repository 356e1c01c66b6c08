namespace SharpSR.Imaging.Metrics;

/// <summary>PSNR (dB) and SSIM of one super-resolved image against its ground truth.</summary>
public readonly record struct SrScore(double Psnr, double Ssim);

/// <summary>Scores SR results by an <see cref="EvalProtocol"/> and averages them per set.</summary>
public static class SrEvaluator
{
    /// <summary>Scores one pair by <see cref="EvalProtocol"/> with the given shave and Y variant (grey images as their own luma).</summary>
    public static SrScore Evaluate(RgbImage sr, RgbImage hr, int scale, int? shave = null, YVariant variant = YVariant.Exact) =>
        new EvalProtocol { Shave = shave, Y = variant }.Score(sr, hr, scale);

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
