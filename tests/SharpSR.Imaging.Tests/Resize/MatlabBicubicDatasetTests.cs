using System.Collections.Concurrent;
using SharpSR.Imaging.Png;
using SharpSR.Imaging.Resize;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Imaging.Tests.Resize;

/// <summary>
/// The real oracle for <see cref="MatlabBicubic"/>: the benchmark LR files were made by MATLAB imresize. Our
/// downscale of every mod-cropped HR is compared with them. <c>LR_bicubic_edsr</c> is compared in full;
/// <c>LR_bicubic</c> only on the interior (2 LR pixels in from every edge), since its border handling differs.
/// </summary>
public class MatlabBicubicDatasetTests(ITestOutputHelper output)
{
    private const int InteriorMargin = 2;
    private const int MaxAllowedDiff = 2;
    private const double MaxAllowedFractionOff = 0.01;

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (int s in new[] { 2, 3, 4 })
        {
            data.Add("Set5", "LR_bicubic_edsr", s);
            data.Add("Set14", "LR_bicubic_edsr", s);
            data.Add("Set5", "LR_bicubic", s);
            data.Add("Set14", "LR_bicubic", s);
            data.Add("B100", "LR_bicubic", s);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Downscale_BenchmarkHr_MatchesShippedMatlabLr(string set, string lrKind, int scale)
    {
        string root = TestData.RequireDatasets();
        string hrDir = Path.Combine(root, set, "HR");
        string lrDir = Path.Combine(root, set, lrKind, $"X{scale}");
        Assert.SkipUnless(Directory.Exists(lrDir), $"{lrDir} not found");
        int margin = lrKind == "LR_bicubic" ? InteriorMargin : 0;

        var files = Directory.GetFiles(hrDir, "*.png").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        var stats = new ConcurrentBag<(string Name, long Compared, long Off, int MaxDiff)>();
        Parallel.ForEach(files, hrPath =>
        {
            string name = Path.GetFileNameWithoutExtension(hrPath);
            var hr = MatlabBicubic.ModCrop(PngDecoder.Load(hrPath), scale);
            var lr = PngDecoder.Load(Path.Combine(lrDir, $"{name}x{scale}.png"));
            var ours = MatlabBicubic.Downscale(hr, scale);
            Assert.Equal((lr.Width, lr.Height, lr.Channels), (ours.Width, ours.Height, ours.Channels));
            var (compared, off, maxDiff) = Compare(ours, lr, margin);
            stats.Add((name, compared, off, maxDiff));
        });

        long total = stats.Sum(s => s.Compared), totalOff = stats.Sum(s => s.Off);
        int worst = stats.Max(s => s.MaxDiff);
        double fraction = (double)totalOff / total;
        output.WriteLine($"{set} {lrKind} x{scale} ({(margin > 0 ? "interior" : "full")}): {stats.Count} images, {total} samples, " +
                         $"max |diff| {worst}, off {totalOff} = {100 * fraction:F4} %");
        foreach (var s in stats.Where(s => s.Off > 0).OrderByDescending(s => s.Off).Take(5))
            output.WriteLine($"  {s.Name}: max {s.MaxDiff}, off {s.Off} of {s.Compared} ({100.0 * s.Off / s.Compared:F4} %)");

        if (lrKind == "LR_bicubic_edsr" && scale == 3)
            Assert.True(totalOff == 0, $"{set} x3 must be identical to LR_bicubic_edsr; {totalOff} samples differ (max {worst})");
        Assert.True(worst <= MaxAllowedDiff, $"{set} {lrKind} x{scale}: max |diff| {worst} > {MaxAllowedDiff}");
        Assert.True(fraction <= MaxAllowedFractionOff, $"{set} {lrKind} x{scale}: {100 * fraction:F3} % of samples differ (> 1 %)");
    }

    private static (long Compared, long Off, int MaxDiff) Compare(RgbImage a, RgbImage b, int margin)
    {
        long compared = 0, off = 0;
        int maxDiff = 0, c = a.Channels;
        for (int y = margin; y < a.Height - margin; y++)
            for (int x = margin; x < a.Width - margin; x++)
                for (int ch = 0; ch < c; ch++)
                {
                    int d = Math.Abs(a[x, y, ch] - b[x, y, ch]);
                    compared++;
                    if (d == 0) continue;
                    off++;
                    maxDiff = Math.Max(maxDiff, d);
                }
        return (compared, off, maxDiff);
    }
}
