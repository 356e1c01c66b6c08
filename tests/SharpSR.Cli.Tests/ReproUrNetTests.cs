using System.Text.Json;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>
/// The authors' URNet checkpoints through `sharpsr eval` reproduce their README's Set5 figures
/// (docs/repro/erfdn_urnet.md has Set14/B100 and the full table). Set5 only, to keep the run short.
/// </summary>
public class ReproUrNetTests(ITestOutputHelper log)
{
    // ytao-wang/URNet README, Set5 (Y channel, border = scale); SSIM is published for x4 only.
    [Theory]
    [InlineData(2, 38.06, double.NaN)]
    [InlineData(3, 34.51, double.NaN)]
    [InlineData(4, 32.20, 0.8952)]
    public void Eval_UrNetCheckpoint_ReproducesPublishedSet5(int scale, double psnr, double ssim)
    {
        string data = TestData.RequireDatasets();
        string checkpoint = TestData.RequireCheckpoint($"urnet_x{scale}.pt");
        string json = Path.Combine(TestData.NewTempDir(), "urnet.json");
        var (exit, _, err) = CliRunner.Run("eval", "--model", checkpoint, "--arch", "urnet", "--scale", scale.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                           "--sets", "Set5", "--data", data, "--json", json);
        Assert.True(exit == 0, err);
        var row = JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().Single();
        double p = row.GetProperty("psnr").GetDouble(), s = row.GetProperty("ssim").GetDouble();
        log.WriteLine($"URNet x{scale} Set5: {p:F4} dB (published {psnr}, diff {p - psnr:+0.0000;-0.0000}), SSIM {s:F5}");
        Assert.Equal(5, row.GetProperty("images").GetInt32());
        Assert.Equal(scale, row.GetProperty("scale").GetInt32());
        Assert.InRange(p, psnr - 0.02, psnr + 0.02);
        if (!double.IsNaN(ssim)) Assert.InRange(s, ssim - 0.002, ssim + 0.002);
    }

    // x3 is the file whose pyramid blocks are named "cfpb": the option must survive the SharpSR model file.
    [Fact]
    public void Import_UrNetX3_ThenEvalModelFile_GivesTheSameSet5Figure()
    {
        string data = TestData.RequireDatasets();
        string checkpoint = TestData.RequireCheckpoint("urnet_x3.pt");
        string dir = TestData.NewTempDir();
        string model = Path.Combine(dir, "urnet_x3.safetensors");
        var (exit, output, err) = CliRunner.Run("import", checkpoint, "--arch", "urnet", "--scale", "3", "-o", model);
        Assert.True(exit == 0, err);
        Assert.Contains("620,560", output);
        Assert.Contains("\"cfpbName\":\"cfpb\"", output);

        double Psnr(params string[] modelArgs)
        {
            string json = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".json");
            var r = CliRunner.Run([.. new[] { "eval" }, .. modelArgs, "--scale", "3", "--sets", "Set5", "--data", data, "--json", json]);
            Assert.True(r.Exit == 0, r.Err);
            return JsonDocument.Parse(File.ReadAllText(json)).RootElement[0].GetProperty("psnr").GetDouble();
        }
        double fromFile = Psnr("--model", model), fromTorch = Psnr("--model", checkpoint, "--arch", "urnet");
        log.WriteLine($"URNet x3 Set5: {fromFile:F4} dB from the model file, {fromTorch:F4} dB from the checkpoint");
        Assert.Equal(fromTorch, fromFile);
    }
}
