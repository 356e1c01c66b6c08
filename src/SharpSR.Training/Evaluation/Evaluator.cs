using System.Diagnostics;
using SharpSR.Imaging;
using SharpSR.Imaging.Metrics;
using SharpSR.Imaging.Resize;
using SharpSR.Training.Data;
using SharpSR.Inference;

namespace SharpSR.Training.Evaluation;

/// <summary>Mean PSNR/SSIM of one model on one set at one scale, and CPU time per image.</summary>
public sealed record EvalResult(string Model, string Set, int Scale, int Images, double Psnr, double Ssim, double MsPerImage);

/// <summary>Per-image figures, for reports that want them.</summary>
public sealed record ImageScore(string Name, double Psnr, double Ssim);

/// <summary>
/// Evaluates as the papers' MATLAB code does: HR mod-cropped to the scale (top-left), LR from the set
/// (or our MATLAB bicubic when absent), PSNR/SSIM on Y (BT.601, from double) with a border of `scale`
/// pixels shaved. <see cref="RoundY"/> selects the rounded-Y variant (MATLAB rgb2ycbcr on uint8).
/// </summary>
public sealed class Evaluator
{
    public bool RoundY { get; init; }

    /// <summary>LR folder inside each set ("LR_bicubic"; "LR_bicubic_edsr" for the EDSR-benchmark files).</summary>
    public string LrFolder { get; init; } = "LR_bicubic";

    /// <summary>When set, a missing LR file is an error instead of being made with our MATLAB bicubic (the folder was asked for by name).</summary>
    public bool RequireLr { get; init; }

    public (EvalResult Result, IReadOnlyList<ImageScore> Images) Evaluate(ISrModel model, BenchmarkSet set, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        var files = set.HrFiles();
        if (files.Count == 0) throw new InvalidDataException($"set '{set.Name}' has no images in {set.HrDir}");
        var scores = new List<ImageScore>();
        double upscaleMs = 0;
        int scale = model.Scale;
        foreach (var hrPath in files)
        {
            cancel.ThrowIfCancellationRequested();
            var hr = MatlabBicubic.ModCrop(ImageIO.Load(hrPath), scale);
            string? lrPath = set.LrFile(hrPath, scale, LrFolder);
            if (lrPath is null && RequireLr)
                throw new FileNotFoundException($"set '{set.Name}' has no LR image for {Path.GetFileName(hrPath)} in {Path.Combine(set.Root, LrFolder, $"X{scale}")}");
            var lr = lrPath is not null ? ImageIO.Load(lrPath) : MatlabBicubic.Downscale(hr, scale);
            if (lr.Width * scale != hr.Width || lr.Height * scale != hr.Height)
                throw new InvalidDataException($"{Path.GetFileName(lrPath)}: LR {lr.Width}x{lr.Height} does not match HR {hr.Width}x{hr.Height} at x{scale}");
            var clock = Stopwatch.StartNew();
            var sr = model.Upscale(lr, cancel: cancel);
            upscaleMs += clock.Elapsed.TotalMilliseconds;
            // A network returns RGB even for a grey input; then the grey HR is compared as three equal
            // channels (Y of both), as PyTorch evaluation code does. Bicubic keeps grey: one channel each.
            var reference = sr.Channels >= 3 && hr.IsGrey ? hr.ToRgb() : hr;
            var (psnr, ssim) = SrEvaluator.Evaluate(sr, reference, scale, null, RoundY ? YVariant.Rounded : YVariant.Exact);
            scores.Add(new ImageScore(Path.GetFileNameWithoutExtension(hrPath), psnr, ssim));
            progress?.Report(scores.Count);
        }
        var result = new EvalResult(model.Name, set.Name, scale, scores.Count, scores.Average(s => s.Psnr), scores.Average(s => s.Ssim), upscaleMs / scores.Count);
        return (result, scores);
    }
}
