using SharpSR.Imaging.Metrics;
using Xunit;

namespace SharpSR.Imaging.Tests.Metrics;

public class MetricsTests
{
    private static RgbImage Noisy(RgbImage hr, int amplitude, int seed)
    {
        var rng = new Random(seed);
        var sr = hr.Clone();
        for (int i = 0; i < sr.Pixels.Length; i++) sr.Pixels[i] = (byte)Math.Clamp(sr.Pixels[i] + rng.Next(-amplitude, amplitude + 1), 0, 255);
        return sr;
    }

    internal static RgbImage Pattern(int w, int h, int c, int seed)
    {
        var rng = new Random(seed);
        var img = new RgbImage(w, h, c);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++) img[x, y, ch] = (byte)((x * 9 + y * 5 + ch * 70 + rng.Next(12)) % 256);
        return img;
    }

    public static TheoryData<int, int, int, bool> Shapes() => new()
    {
        { 3, 0, 5, false }, { 3, 2, 20, false }, { 3, 4, 3, true }, { 1, 3, 9, false }, { 4, 2, 15, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PsnrAndSsim_RandomPairs_MatchDirectReference(int channels, int shave, int noise, bool rounded)
    {
        var hr = Pattern(37, 29, channels, seed: channels + shave);
        var sr = Noisy(hr, noise, seed: noise);
        var variant = rounded ? YVariant.Rounded : YVariant.Exact;
        var ra = ReferenceMetrics.Shave(ReferenceMetrics.Y(sr, rounded), shave);
        var rb = ReferenceMetrics.Shave(ReferenceMetrics.Y(hr, rounded), shave);
        Assert.Equal(ReferenceMetrics.Psnr(ra, rb), Psnr.ComputeY(sr, hr, shave, variant), 10);
        Assert.Equal(ReferenceMetrics.Ssim(ra, rb), Ssim.ComputeY(sr, hr, shave, variant), 12);
    }

    [Fact]
    public void PsnrAndSsim_Identical_AreInfinityAndOne()
    {
        var img = Pattern(30, 20, 3, seed: 1);
        Assert.Equal(double.PositiveInfinity, Psnr.ComputeY(img, img.Clone(), 2));
        Assert.Equal(1.0, Ssim.ComputeY(img, img.Clone(), 2), 14);
        var score = SrEvaluator.Evaluate(img, img.Clone(), 2);
        Assert.Equal(double.PositiveInfinity, score.Psnr);
        Assert.Equal(1.0, score.Ssim, 14);
    }

    [Fact]
    public void Psnr_KnownMse_GivesClosedForm()
    {
        // Every Y differs by exactly 5 → MSE 25 → 10·log10(65025/25) = 34.1514 dB.
        var a = new Plane(4, 3, new double[12]);
        var b = new Plane(4, 3, [.. Enumerable.Repeat(5.0, 12)]);
        Assert.Equal(10 * Math.Log10(65025.0 / 25), Psnr.Compute(a, b), 12);
        Assert.Equal(34.1514, Psnr.Compute(a, b), 4);
    }

    [Fact]
    public void RgbToY_PrimariesAndGrey_GiveBt601StudioRange()
    {
        Assert.Equal(16.0, ColorSpace.RgbToY(0, 0, 0), 12);
        Assert.Equal(235.0, ColorSpace.RgbToY(255, 255, 255), 12);
        Assert.Equal(16 + 65.481, ColorSpace.RgbToY(255, 0, 0), 12);
        var grey = new RgbImage(2, 1, 1, [7, 200]);
        Assert.Equal([7.0, 200.0], ColorSpace.RgbToY(grey));
        var rgb = new RgbImage(1, 1, 3, [10, 100, 200]);
        double exact = ColorSpace.RgbToY(rgb)[0];
        Assert.Equal(Math.Round(exact, MidpointRounding.AwayFromZero), ColorSpace.RgbToY(rgb, YVariant.Rounded)[0]);
        Assert.NotEqual(exact, ColorSpace.RgbToY(rgb, YVariant.Rounded)[0]);
    }

    [Fact]
    public void Goldens_ScipyComputation_Matches()
    {
        using var doc = TestFiles.ReadJson(TestFiles.MetricsGoldens);
        var pairs = doc.RootElement.GetProperty("pairs").EnumerateArray().Select(p =>
        {
            int w = p.GetProperty("width").GetInt32(), h = p.GetProperty("height").GetInt32(), c = p.GetProperty("channels").GetInt32();
            RgbImage Read(string key) => new(w, h, c, [.. p.GetProperty(key).EnumerateArray().Select(v => (byte)v.GetInt32())]);
            return (Sr: Read("sr"), Hr: Read("hr"));
        }).ToList();
        int n = 0;
        foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            var (sr, hr) = pairs[r.GetProperty("pair").GetInt32()];
            int shave = r.GetProperty("shave").GetInt32();
            var variant = r.GetProperty("rounded").GetBoolean() ? YVariant.Rounded : YVariant.Exact;
            Assert.Equal(r.GetProperty("psnr").GetDouble(), Psnr.ComputeY(sr, hr, shave, variant), 10);
            Assert.Equal(r.GetProperty("ssim").GetDouble(), Ssim.ComputeY(sr, hr, shave, variant), 12);
            n++;
        }
        Assert.Equal(16, n);
    }

    [Fact]
    public void Evaluate_HrNotModCropped_CropsTopLeftAndShavesScale()
    {
        var hr = Pattern(31, 26, 3, seed: 3);                   // x3: mod-crop to 30x24
        var cropped = SharpSR.Imaging.Resize.MatlabBicubic.ModCrop(hr, 3);
        var sr = Noisy(cropped, 6, seed: 8);
        var score = SrEvaluator.Evaluate(sr, hr, 3);
        Assert.Equal(Psnr.ComputeY(sr, cropped, 3), score.Psnr, 12);
        Assert.Equal(Ssim.ComputeY(sr, cropped, 3), score.Ssim, 12);
        Assert.NotEqual(Psnr.ComputeY(sr, cropped, 0), score.Psnr);
    }

    [Fact]
    public void Evaluate_SizeMismatchAfterModCrop_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => SrEvaluator.Evaluate(Pattern(20, 20, 3, 1), Pattern(31, 26, 3, 1), 3));
        Assert.Contains("30x24", e.Message);
    }

    [Fact]
    public void Ssim_TooSmall_Throws() =>
        Assert.Throws<ArgumentException>(() => Ssim.Compute(new Plane(10, 20, new double[200]), new Plane(10, 20, new double[200])));
}
