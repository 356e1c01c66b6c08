using SharpSR.Imaging;
using SharpSR.Imaging.Metrics;
using SharpSR.Imaging.Resize;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

public class ImageCommandTests
{
    private static string Sample(string dir, int w = 40, int h = 32)
    {
        var img = new RgbImage(w, h, 3);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)((i * 37) % 251);
        string path = Path.Combine(dir, "in.png");
        ImageIO.Save(img, path);
        return path;
    }

    [Fact]
    public void Resize_QuarterThenMetrics_MatchesLibrary()
    {
        string dir = TestData.NewTempDir();
        string src = Sample(dir);
        string small = Path.Combine(dir, "small.png");
        var (exit, _, err) = CliRunner.Run("resize", src, "-o", small, "--scale", "1/4");
        Assert.True(exit == 0, err);
        var expected = MatlabBicubic.Downscale(ImageIO.Load(src), 4);
        Assert.Equal(expected.Pixels, ImageIO.Load(small).Pixels);

        string big = Path.Combine(dir, "big.png");
        Assert.Equal(0, CliRunner.Run("resize", small, "-o", big, "--scale", "4").Exit);
        var (mexit, mout, _) = CliRunner.Run("metrics", big, src, "--scale", "4");
        Assert.Equal(0, mexit);
        Assert.Matches(@"PSNR \d+\.\d{4} dB  SSIM 0\.\d{5}", mout);
    }

    [Theory]
    [InlineData("y", GreyPolicy.Y)]
    [InlineData("rgb", GreyPolicy.Rgb)]
    public void Metrics_GreyHr_GreyAndRgbSrScoreAlikeByTheProtocol(string option, GreyPolicy policy)
    {
        string dir = TestData.NewTempDir();
        var hr = new RgbImage(24, 20, 1);
        for (int i = 0; i < hr.Pixels.Length; i++) hr.Pixels[i] = (byte)((i * 37) % 251);
        var srGrey = hr.Clone();
        for (int i = 0; i < srGrey.Pixels.Length; i++) srGrey.Pixels[i] = (byte)(srGrey.Pixels[i] ^ (i % 7));
        var srRgb = new RgbImage(24, 20, 3);
        for (int i = 0; i < srRgb.Pixels.Length; i++) srRgb.Pixels[i] = srGrey.Pixels[i / 3];
        string hrPath = Path.Combine(dir, "hr.png"), greyPath = Path.Combine(dir, "sr_grey.png"), rgbPath = Path.Combine(dir, "sr_rgb.png");
        ImageIO.Save(hr, hrPath);
        ImageIO.Save(srGrey, greyPath);
        ImageIO.Save(srRgb, rgbPath);

        var (exit, fromGrey, err) = CliRunner.Run("metrics", greyPath, hrPath, "--scale", "2", "--grey", option);
        Assert.True(exit == 0, err);
        Assert.Equal(fromGrey, CliRunner.Run("metrics", rgbPath, hrPath, "--scale", "2", "--grey", option).Out);
        double psnr = new EvalProtocol { Grey = policy }.Score(srGrey, hr, 2).Psnr;
        Assert.Contains($"PSNR {psnr.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)} dB", fromGrey);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("corrupt")]
    [InlineData("unsupported")]
    public void Resize_BadInput_OneLineErrorNoOutputFile(string kind)
    {
        string dir = TestData.NewTempDir();
        string input = Path.Combine(dir, kind == "unsupported" ? "in.txt" : "in.png");
        if (kind == "corrupt") File.WriteAllBytes(input, [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0]);
        if (kind == "unsupported") File.WriteAllText(input, "not an image");
        string output = Path.Combine(dir, "out.png");
        var (exit, _, err) = CliRunner.Run("resize", input, "-o", output, "--scale", "1/2");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void Resize_OutputInMissingFolder_Fails()
    {
        string dir = TestData.NewTempDir();
        var (exit, _, err) = CliRunner.Run("resize", Sample(dir), "-o", Path.Combine(dir, "nope", "out.png"), "--scale", "2");
        Assert.Equal(1, exit);
        Assert.Contains("does not exist", err);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1/0")]
    [InlineData("x")]
    public void Resize_BadScale_Fails(string scale)
    {
        string dir = TestData.NewTempDir();
        var (exit, _, err) = CliRunner.Run("resize", Sample(dir), "-o", Path.Combine(dir, "o.png"), "--scale", scale);
        Assert.Equal(1, exit);
        Assert.Contains("invalid scale", err);
    }
}
