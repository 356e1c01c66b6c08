using SharpSR.Core.Nn;
using SharpSR.Imaging;
using SharpSR.Models;
using SharpSR.Testing;
using SharpSR.Training;
using Xunit;
using SharpSR.Inference;

namespace SharpSR.Cli.Tests;

public class UpscaleCommandTests
{
    private static (string Dir, string Model, string Image) Setup(int scale = 4)
    {
        string dir = TestData.NewTempDir();
        Init.DefaultRng = new Random(11);
        string model = Path.Combine(dir, "tiny.safetensors");
        ModelFile.Save(ArchRegistry.Create("s-lwsr", scale, """{"features":4}"""), model);
        var img = new RgbImage(70, 45, 3);
        var rng = new Random(3);
        rng.NextBytes(img.Pixels);
        string image = Path.Combine(dir, "photo.png");
        ImageIO.Save(img, image);
        return (dir, model, image);
    }

    [Fact]
    public void Upscale_TiledAndUntiled_WriteTheSameImage()
    {
        var (dir, model, image) = Setup();
        string a = Path.Combine(dir, "a.png"), b = Path.Combine(dir, "b.png");
        var (exit, _, err) = CliRunner.Run("upscale", image, "-o", a, "--model", model);
        Assert.True(exit == 0, err);
        Assert.Equal(0, CliRunner.Run("upscale", image, "-o", b, "--model", model, "--tile", "32").Exit);
        var ia = ImageIO.Load(a);
        Assert.Equal((280, 180), (ia.Width, ia.Height));
        Assert.Equal(ia.Pixels, ImageIO.Load(b).Pixels);
    }

    [Fact]
    public void Upscale_Folder_WritesFolder()
    {
        var (dir, model, image) = Setup();
        string outDir = Path.Combine(dir, "out");
        var (exit, _, err) = CliRunner.Run("upscale", dir, "-o", outDir, "--model", model);
        Assert.True(exit == 0, err);
        Assert.True(File.Exists(Path.Combine(outDir, "photo.png")));
    }

    [Theory]
    [InlineData("scale")]
    [InlineData("corrupt")]
    [InlineData("unknown")]
    [InlineData("tile")]
    [InlineData("folder")]
    [InlineData("image")]
    public void Upscale_BadInput_OneLineErrorNoOutput(string kind)
    {
        var (dir, model, image) = Setup();
        string output = Path.Combine(dir, "out.png");
        string[] args = kind switch
        {
            "scale" => ["upscale", image, "-o", output, "--model", model, "--scale", "5"],
            "corrupt" => ["upscale", image, "-o", output, "--model", Corrupt(dir, model)],
            "unknown" => ["upscale", image, "-o", output, "--model", "no-such-net"],
            "tile" => ["upscale", image, "-o", output, "--model", model, "--tile", "500"],
            "folder" => ["upscale", image, "-o", Path.Combine(dir, "missing", "out.png"), "--model", model],
            _ => ["upscale", Path.Combine(dir, "nope.png"), "-o", output, "--model", model],
        };
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(output));
    }

    private static string Corrupt(string dir, string model)
    {
        var bytes = File.ReadAllBytes(model);
        string path = Path.Combine(dir, "corrupt.safetensors");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    [Fact]
    public void Upscale_PyTorchCheckpointWithoutArch_RecognisesItAndMatchesTheNamedArch()
    {
        string checkpoint = TestData.RequireCheckpoint("rlfn_ntire_x4.pth");
        string lr = TestData.RequireFixture("checkpoints/span_rlfn_x4_real_lr.png");
        string dir = TestData.NewTempDir();
        string detected = Path.Combine(dir, "detected.png"), named = Path.Combine(dir, "named.png");

        var (exit, output, err) = CliRunner.Run("upscale", lr, "-o", detected, "--model", checkpoint);
        Assert.True(exit == 0, err);
        (exit, _, err) = CliRunner.Run("upscale", lr, "-o", named, "--model", checkpoint, "--arch", "rlfn");
        Assert.True(exit == 0, err);

        Assert.Contains("model rlfn x4", output);   // named from what the file holds, not its file name
        Assert.Equal(ImageIO.Load(named).Pixels, ImageIO.Load(detected).Pixels);
    }
}
