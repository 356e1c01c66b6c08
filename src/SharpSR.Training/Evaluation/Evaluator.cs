using System.Diagnostics;
using SharpSR.Imaging;
using SharpSR.Imaging.Metrics;
using SharpSR.Imaging.Resize;
using SharpSR.Inference;

namespace SharpSR.Training.Evaluation;

/// <summary>Mean PSNR/SSIM of one model on one set at one scale, and CPU time per image.</summary>
public sealed record EvalResult(string Model, string Set, int Scale, int Images, double Psnr, double Ssim, double MsPerImage);

/// <summary>Per-image figures, for reports that want them.</summary>
public sealed record ImageScore(string Name, double Psnr, double Ssim);

/// <summary>
/// Evaluates as the papers' MATLAB code does: HR mod-cropped to the scale (top-left), LR from the set
/// (or our MATLAB bicubic when absent), PSNR/SSIM by <see cref="Protocol"/> (Y from double, grey images as
/// their own luma, border = scale by default). Every model, bicubic included, is scored by the same protocol.
/// </summary>
public sealed class Evaluator
{
    public EvalProtocol Protocol { get; init; } = EvalProtocol.Default;

    /// <summary>LR folder inside each set ("LR_bicubic"; "LR_bicubic_edsr" for the EDSR-benchmark files).</summary>
    public string LrFolder { get; init; } = "LR_bicubic";

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
            var lr = lrPath is not null ? ImageIO.Load(lrPath) : MatlabBicubic.Downscale(hr, scale);
            if (lr.Width * scale != hr.Width || lr.Height * scale != hr.Height)
                throw new InvalidDataException($"{Path.GetFileName(lrPath)}: LR {lr.Width}x{lr.Height} does not match HR {hr.Width}x{hr.Height} at x{scale}");
            var clock = Stopwatch.StartNew();
            var sr = model.Upscale(lr, cancel: cancel);
            upscaleMs += clock.Elapsed.TotalMilliseconds;
            // A network returns RGB for a grey input while bicubic keeps it grey; the protocol's grey policy
            // scores both the same way.
            var (psnr, ssim) = Protocol.Score(sr, hr, scale);
            scores.Add(new ImageScore(Path.GetFileNameWithoutExtension(hrPath), psnr, ssim));
            progress?.Report(scores.Count);
        }
        var result = new EvalResult(model.Name, set.Name, scale, scores.Count, scores.Average(s => s.Psnr), scores.Average(s => s.Ssim), upscaleMs / scores.Count);
        return (result, scores);
    }
}
