using System.Text.Json;
using SharpSR.Imaging;
using SharpSR.Imaging.Metrics;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>
/// The NTIRE efficient-SR winners from the challenge checkpoints through `sharpsr`. No Set5 figure is published
/// for either file (the challenge scores DIV2K/LSDIR validation, not available here); the references are what
/// the same files give in PyTorch through our reference (tests/fixtures/gen/make_span_rlfn_goldens.py --eval,
/// same Y/border/rounding recipe). See docs/repro/span.md and docs/repro/rlfn.md.
/// </summary>
public class ReproSpanRlfnTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("span", "span_ch28_x4.pth", 31.7459, 0.88975)]
    [InlineData("rlfn", "rlfn_ntire_x4.pth", 32.0983, 0.89388)]
    public void Eval_ChallengeCheckpoint_MatchesPyTorchSet5Figure(string arch, string file, double psnr, double ssim)
    {
        string data = TestData.RequireDatasets();
        string checkpoint = TestData.RequireCheckpoint(file);
        string json = Path.Combine(TestData.NewTempDir(), arch + ".json");
        var (exit, _, err) = CliRunner.Run("eval", "--model", checkpoint, "--arch", arch, "--scale", "4", "--sets", "Set5", "--data", data, "--json", json);
        Assert.True(exit == 0, err);
        var row = JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().Single();
        double p = row.GetProperty("psnr").GetDouble(), s = row.GetProperty("ssim").GetDouble();
        log.WriteLine($"{arch} x4 Set5: {p:F4} dB, SSIM {s:F5} (PyTorch reference {psnr:F4} dB / {ssim:F5})");
        Assert.Equal(5, row.GetProperty("images").GetInt32());
        Assert.InRange(p, psnr - 0.02, psnr + 0.02);
        Assert.InRange(s, ssim - 0.002, ssim + 0.002);
    }

    /// <summary>
    /// End to end on a real photo crop (48x40 of Set14 zebra, LR x4): `sharpsr upscale` with the challenge file
    /// against the 8-bit image the reference writes the way the challenge script does (clamp, x255, round).
    /// </summary>
    [Theory]
    [InlineData("span", "span_ch28_x4.pth")]
    [InlineData("rlfn", "rlfn_ntire_x4.pth")]
    public void Upscale_RealImage_EightBitOutputWithin60dBOfReference(string arch, string file)
    {
        string checkpoint = TestData.RequireCheckpoint(file);
        string lr = TestData.RequireFixture("checkpoints/span_rlfn_x4_real_lr.png");
        var reference = ImageIO.Load(TestData.RequireFixture($"checkpoints/{arch}_x4_real_ref.png"));
        string output = Path.Combine(TestData.NewTempDir(), arch + ".png");
        var (exit, _, err) = CliRunner.Run("upscale", lr, "-o", output, "--model", checkpoint, "--arch", arch);
        Assert.True(exit == 0, err);
        var ours = ImageIO.Load(output);
        Assert.Equal((reference.Width, reference.Height, reference.Channels), (ours.Width, ours.Height, ours.Channels));
        double psnr = Psnr.Compute(AllSamples(reference), AllSamples(ours));
        int differing = reference.Pixels.Zip(ours.Pixels).Count(p => p.First != p.Second);
        log.WriteLine($"{arch}: {psnr:F2} dB between the 8-bit outputs, {differing} of {ours.Pixels.Length} samples differ");
        Assert.True(psnr >= 60, $"{arch}: {psnr:F2} dB between SharpSR's and the reference's 8-bit outputs (need ≥ 60)");
    }

    private static Plane AllSamples(RgbImage image) =>
        new(image.Width * image.Channels, image.Height, image.Pixels.Select(v => (double)v).ToArray());
}
