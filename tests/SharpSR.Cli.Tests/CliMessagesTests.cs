using SharpSR.Imaging;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>Bad input always gives one line in the user's terms, a non-zero exit and no output file (issue 20).</summary>
public class CliMessagesTests
{
    private static readonly string[] s_jargon = ["System.", "Exception", "(Parameter '", "Actual value", "maxPixels", "Access to the path", ".tmp", "   at "];

    internal static string OneCleanLine(string[] args)
    {
        var (exit, stdout, err) = CliRunner.Run(args);
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", err);
        Assert.Single(CliFiles.Lines(err));
        Assert.DoesNotContain("Usage:", stdout);   // no help page dumped in place of the message
        foreach (var word in s_jargon) Assert.DoesNotContain(word, err);
        return err.Trim();
    }

    [Fact]
    public void OptionValueOfTheWrongType_NamesTheOptionNotTheDotnetType()
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 8, 8);
        Assert.Equal("error: --tile: 'x' is not a whole number", OneCleanLine(["upscale", image, "--tile", "x"]));
    }

    [Fact]
    public void UnknownOption_IsReportedAsAnOption_NotAMissingFile()
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 8, 8);
        Assert.Contains("unknown option '--bogus'", OneCleanLine(["upscale", image, "--bogus"]));
    }

    [Fact]
    public void FolderGivenAsAnImageFile_SaysSo()
    {
        string dir = TestData.NewTempDir();
        string folder = Directory.CreateDirectory(Path.Combine(dir, "photos.png")).FullName;
        Assert.Contains("is a folder", OneCleanLine(["resize", folder, "-o", Path.Combine(dir, "o.png"), "--scale", "2"]));
        Assert.Contains("is a folder", OneCleanLine(["metrics", folder, folder]));
    }

    [Fact]
    public void FolderGivenAsAnOutputFile_SaysSo()
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 8, 8);
        string folder = Directory.CreateDirectory(Path.Combine(dir, "out.png")).FullName;
        Assert.Contains("is a folder", OneCleanLine(["resize", image, "-o", folder, "--scale", "2"]));
    }

    [Fact]
    public void ImageOverThePixelLimit_DoesNotMentionAnOptionThatDoesNotExist()
    {
        string dir = TestData.NewTempDir();
        // A BMP header claiming 100000 x 100000 pixels (over the 16384^2 limit) and no pixel data.
        var bmp = new byte[54];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BitConverter.TryWriteBytes(bmp.AsSpan(2), 54); BitConverter.TryWriteBytes(bmp.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40); BitConverter.TryWriteBytes(bmp.AsSpan(18), 100000);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), 100000); BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)24);
        string path = Path.Combine(dir, "huge.bmp");
        File.WriteAllBytes(path, bmp);
        Assert.Contains("pixel limit", OneCleanLine(["resize", path, "-o", Path.Combine(dir, "o.png"), "--scale", "2"]));
    }

    [Theory]
    [InlineData("upscale-bicubic")]
    [InlineData("resize")]
    [InlineData("metrics")]
    public void BicubicScales_OneRuleOneMessage(string command)
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 8, 8);
        string output = Path.Combine(dir, "o.png");
        string[] args = command switch
        {
            "upscale-bicubic" => ["upscale", image, "-o", output, "--model", "bicubic", "--scale", "300"],
            "resize" => ["resize", image, "-o", output, "--scale", "300"],
            _ => ["metrics", image, image, "--scale", "300"],
        };
        Assert.Equal("error: invalid scale 300: an integer from 1 to 16", OneCleanLine(args));
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("upscale")]
    [InlineData("train")]
    [InlineData("info")]
    public void NetworkScales_OneRuleOneMessage(string command)
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 8, 8);
        string[] args = command switch
        {
            "upscale" => ["upscale", image, "-o", Path.Combine(dir, "o.png"), "--model", "s-lwsr16", "--scale", "5"],
            "train" => ["train", "--data", dir, "--run", Path.Combine(dir, "run"), "--model", "s-lwsr16", "--scale", "5"],
            _ => ["info", "--model", "s-lwsr16", "--scale", "5"],
        };
        Assert.Equal("error: s-lwsr16 has no x5 variant (scales: 2, 3, 4 or 8)", OneCleanLine(args));
    }

    [Fact]
    public void BicubicUpscale_AnyScaleInTheRule_Works()
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 8, 6);
        string output = Path.Combine(dir, "o.png");
        var (exit, _, err) = CliRunner.Run("upscale", image, "-o", output, "--model", "bicubic", "--scale", "5");
        Assert.True(exit == 0, err);
        var img = ImageIO.Load(output);
        Assert.Equal((40, 30), (img.Width, img.Height));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("31")]
    public void TileSmallerThanUseful_RefusedBeforeRunning(string tile)
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 64, 64);
        string output = Path.Combine(dir, "o.png");
        var err = OneCleanLine(["upscale", image, "-o", output, "--model", CliFiles.TinyModel(Path.Combine(dir, "m.safetensors")), "--tile", tile]);
        Assert.Contains($"--tile {tile} is too small", err);
        Assert.Contains("at least 32", err);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ImportToANonSafetensorsName_Refused()
    {
        string pth = TestData.RequireCheckpoint("pan_x4.pth");
        string output = Path.Combine(TestData.NewTempDir(), "x.png");
        Assert.Contains(".safetensors", OneCleanLine(["import", pth, "--arch", "pan", "-o", output]));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void TrainedModelFile_IsNamedFromItsMetadata()
    {
        string dir = TestData.NewTempDir();
        string image = CliFiles.Image(Path.Combine(dir, "a.png"), 12, 10);
        // A file named "model.safetensors" holding s-lwsr16 weights, as a training run writes it.
        string model = CliFiles.TinyModel(Path.Combine(dir, "model.safetensors"), options: """{"features":16}""");
        var (exit, stdout, err) = CliRunner.Run("upscale", image, "-o", Path.Combine(dir, "o.png"), "--model", model);
        Assert.True(exit == 0, err);
        Assert.StartsWith("model s-lwsr16 x4,", stdout);

        string other = CliFiles.TinyModel(Path.Combine(dir, "model2.safetensors"), scale: 2);
        (exit, stdout, err) = CliRunner.Run("upscale", image, "-o", Path.Combine(dir, "o2.png"), "--model", other);
        Assert.True(exit == 0, err);
        Assert.StartsWith("model s-lwsr x2,", stdout);   // no preset has 4 features: the architecture; the file's own scale
    }
}
