using SharpSR.Imaging;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>`--conv` and `--precision` on upscale, eval, bench and serve: bad or unavailable choices give one line and write nothing (or start nothing).</summary>
public class PlanChoiceOptionsTests
{
    [Fact]
    public void BadOrUnavailableChoices_OneLineAndNoOutput()
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 16, 12);
        string output = Path.Combine(dir, "out.png");
        foreach (var command in new[] { "upscale", "eval", "bench", "serve" })
        {
            string[] Args(params string[] extra) => command == "upscale" ? ["upscale", image, "-o", output, .. extra] : [command, .. extra];
            Assert.Equal("error: --conv 'fast' is not direct, winograd (F(4x4,3x3)) or winograd2 (F(2x2,3x3))", CliMessagesTests.OneCleanLine(Args("--conv", "fast")));
            Assert.Equal("error: --precision 'fp64' is not fp32, bf16 or int8", CliMessagesTests.OneCleanLine(Args("--precision", "fp64")));
            Assert.Contains("--precision bf16 is not available", CliMessagesTests.OneCleanLine(Args("--precision", "bf16", "--conv", "winograd")));
            Assert.Contains("--precision int8 is not available", CliMessagesTests.OneCleanLine(Args("--precision", "int8")));
        }
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void UpscaleWithWinograd_TheDefault_WritesTheDirectPathsImage()
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 23, 17);
        string direct = Path.Combine(dir, "direct.png"), winograd = Path.Combine(dir, "winograd.png");
        Assert.Equal(0, CliRunner.Run("upscale", image, "-o", direct, "--conv", "direct").Exit);
        Assert.Equal(0, CliRunner.Run("upscale", image, "-o", winograd, "--conv", "winograd", "--precision", "fp32").Exit);
        string byDefault = Path.Combine(dir, "default.png");
        Assert.Equal(0, CliRunner.Run("upscale", image, "-o", byDefault).Exit);
        Assert.Equal(File.ReadAllBytes(winograd), File.ReadAllBytes(byDefault));   // Winograd is the default
        // F(4x4)'s rounding moves outputs by ~1e-4 of 255 at most (LoweredPlanTests), so 8-bit pixels can differ by one level where they sit on a rounding edge.
        var a = ImageIO.Decode(File.ReadAllBytes(direct)).Pixels;
        var b = ImageIO.Decode(File.ReadAllBytes(winograd)).Pixels;
        Assert.Equal(a.Length, b.Length);
        int differing = 0;
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1, $"sample {i}: {a[i]} vs {b[i]}");
            if (a[i] != b[i]) differing++;
        }
        Assert.True(differing <= a.Length / 100, $"{differing} of {a.Length} samples differ");
    }
}
