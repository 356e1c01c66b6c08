using System.Collections.Concurrent;
using SharpSR.Imaging.Metrics;
using SharpSR.Imaging.Png;
using SharpSR.Imaging.Resize;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Imaging.Tests.Metrics;

/// <summary>
/// End to end on the benchmark sets: MATLAB-bicubic upscaling of the shipped LR, scored against HR with the MATLAB
/// protocol (rounded Y, shave = scale), must reproduce the "Bicubic" row that SR papers print (e.g. EDSR/RCAN tables)
/// to within 0.03 dB and 0.001 SSIM. The papers' exact pipelines differ slightly (some resize Y alone in double), so
/// the figures are not bit-exact targets; mistakes such as a missing shave, wrong Y coefficients or a wrong SSIM
/// window move them by far more. Both Y variants are reported.
/// </summary>
public class BicubicBaselineTests(ITestOutputHelper output)
{
    // Published bicubic baselines (PSNR dB / SSIM), as printed in the SR literature's comparison tables.
    public static TheoryData<string, int, double, double> Published() => new()
    {
        { "Set5", 2, 33.66, 0.9299 }, { "Set5", 3, 30.39, 0.8682 }, { "Set5", 4, 28.42, 0.8104 },
        { "Set14", 2, 30.24, 0.8688 }, { "Set14", 3, 27.55, 0.7742 }, { "Set14", 4, 26.00, 0.7027 },
        { "B100", 2, 29.56, 0.8431 }, { "B100", 3, 27.21, 0.7385 }, { "B100", 4, 25.96, 0.6675 },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void Upscale_ShippedLr_ReproducesPublishedBicubicScores(string set, int scale, double psnr, double ssim)
    {
        string root = TestData.RequireDatasets();
        var files = Directory.GetFiles(Path.Combine(root, set, "HR"), "*.png");
        var scores = new ConcurrentBag<SrScore>();
        var exactScores = new ConcurrentBag<SrScore>();
        Parallel.ForEach(files, hrPath =>
        {
            string name = Path.GetFileNameWithoutExtension(hrPath);
            var lr = PngDecoder.Load(Path.Combine(root, set, "LR_bicubic", $"X{scale}", $"{name}x{scale}.png"));
            var sr = MatlabBicubic.Upscale(lr, scale);
            var hr = PngDecoder.Load(hrPath);
            scores.Add(SrEvaluator.Evaluate(sr, hr, scale, variant: YVariant.Rounded));
            exactScores.Add(SrEvaluator.Evaluate(sr, hr, scale, variant: YVariant.Exact));
        });
        Assert.Equal(files.Length, scores.Count);
        var mean = SrEvaluator.Mean(scores);
        var exact = SrEvaluator.Mean(exactScores);
        output.WriteLine($"{set} x{scale} bicubic ({files.Length} images): rounded-Y PSNR {mean.Psnr:F4} dB SSIM {mean.Ssim:F5}; " +
                         $"exact-Y PSNR {exact.Psnr:F4} dB SSIM {exact.Ssim:F5}; published {psnr:F2} / {ssim:F4}");
        Assert.Equal(psnr, mean.Psnr, 0.03);
        Assert.Equal(ssim, mean.Ssim, 0.001);
    }
}
