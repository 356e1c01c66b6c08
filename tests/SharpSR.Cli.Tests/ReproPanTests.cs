using System.Text.Json;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>
/// The authors' PAN checkpoints through `sharpsr eval` reproduce their Set5 figures (PSNR on Y, border =
/// scale, from the in-repo test logs) within 0.02 dB. Set5 only, to keep the run short; docs/repro/imdn_pan.md
/// has Set14 and B100.
/// </summary>
public class ReproPanTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(2, 38.00)]
    [InlineData(3, 34.40)]
    [InlineData(4, 32.13)]
    public void Eval_AuthorsCheckpoint_ReproducesSet5(int scale, double psnr)
    {
        string data = TestData.RequireDatasets();
        string model = TestData.RequireCheckpoint($"pan_x{scale}.pth");
        var row = Repro.EvalSet5(model, "pan", scale, data);
        double p = row.GetProperty("psnr").GetDouble();
        log.WriteLine($"PAN x{scale} Set5: {p:F4} dB (published {psnr:F2}, diff {p - psnr:+0.0000;-0.0000})");
        Assert.Equal(5, row.GetProperty("images").GetInt32());
        Assert.InRange(p, psnr - 0.02, psnr + 0.02);
    }
}

/// <summary>Runs `sharpsr eval` on Set5 for one PyTorch checkpoint and returns its JSON row.</summary>
internal static class Repro
{
    public static JsonElement EvalSet5(string model, string arch, int scale, string data)
    {
        string json = Path.Combine(TestData.NewTempDir(), "eval.json");
        var (exit, _, err) = CliRunner.Run("eval", "--model", model, "--arch", arch, "--scale", scale.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                           "--sets", "Set5", "--data", data, "--json", json);
        Assert.True(exit == 0, err);
        return JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().Single();
    }
}
