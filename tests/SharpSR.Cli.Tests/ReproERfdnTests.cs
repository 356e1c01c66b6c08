using System.Text.Json;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>
/// The released E-RFDN (njulj/RFDN, RFDN_AIM.pth) through `sharpsr eval`. The authors publish no Set5 figure
/// for it; the reference is 32.1607 dB / 0.8946, which the same file gives in PyTorch through our port
/// (tests/fixtures/gen/torch_rfdn.py, same Y/border/rounding recipe). See docs/repro/erfdn_urnet.md.
/// </summary>
public class ReproERfdnTests(ITestOutputHelper log)
{
    [Fact]
    public void Eval_ERfdnCheckpoint_MatchesPyTorchSet5Figure()
    {
        string data = TestData.RequireDatasets();
        string checkpoint = TestData.RequireCheckpoint("erfdn_x4.pth");
        string json = Path.Combine(TestData.NewTempDir(), "erfdn.json");
        var (exit, _, err) = CliRunner.Run("eval", "--model", checkpoint, "--arch", "e-rfdn", "--scale", "4", "--sets", "Set5", "--data", data, "--json", json);
        Assert.True(exit == 0, err);
        var row = JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().Single();
        double p = row.GetProperty("psnr").GetDouble(), s = row.GetProperty("ssim").GetDouble();
        log.WriteLine($"E-RFDN x4 Set5: {p:F4} dB, SSIM {s:F5} (PyTorch reference 32.1607 dB)");
        Assert.Equal(5, row.GetProperty("images").GetInt32());
        Assert.InRange(p, 32.16 - 0.02, 32.16 + 0.02);
        Assert.InRange(s, 0.8946 - 0.002, 0.8946 + 0.002);
    }

    [Fact]
    public void Eval_ERfdnCheckpoint_AtScaleTwo_IsRefused()
    {
        string data = TestData.RequireDatasets();
        string checkpoint = TestData.RequireCheckpoint("erfdn_x4.pth");
        var (exit, _, err) = CliRunner.Run("eval", "--model", checkpoint, "--arch", "e-rfdn", "--scale", "2", "--sets", "Set5", "--data", data);
        Assert.Equal(1, exit);
        Assert.Contains("x4", err);
    }
}
