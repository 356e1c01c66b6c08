using System.Text.Json;
using SharpSR.Testing;
using SharpSR.Inference;
using Xunit;

namespace SharpSR.Cli.Tests;

public class ShippedModelTests(ITestOutputHelper log)
{
    private static double Set5Psnr(string data, params string[] extra)
    {
        string json = Path.Combine(TestData.NewTempDir(), "r.json");
        var (exit, _, err) = CliRunner.Run(["eval", "--data", data, "--sets", "Set5", "--scale", "4", "--json", json, .. extra]);
        Assert.True(exit == 0, err);
        return JsonDocument.Parse(File.ReadAllText(json)).RootElement[0].GetProperty("psnr").GetDouble();
    }

    [Fact]
    public void DefaultModel_IsShippedWithTheLibrary()
    {
        var shipped = ModelCatalog.Shipped(typeof(ModelCatalog).Assembly);
        Assert.Contains(shipped, m => m.Name == ModelCatalog.DefaultModel && m.Scale == 4);
    }

    [Fact]
    public void DefaultModel_BeatsBicubic_AndEnsembleImprovesIt()
    {
        string data = TestData.RequireDatasets();
        double bicubic = Set5Psnr(data, "--model", "bicubic");
        double plain = Set5Psnr(data);                      // --model defaults to the shipped s-lwsr16
        double ensemble = Set5Psnr(data, "--ensemble");
        log.WriteLine($"Set5 x4: bicubic {bicubic:F3} dB, s-lwsr16 {plain:F3} dB, s-lwsr16+ {ensemble:F3} dB");
        Assert.True(plain > bicubic + 0.5, $"shipped model {plain:F3} dB vs bicubic {bicubic:F3} dB");
        Assert.True(ensemble > plain, $"self-ensemble {ensemble:F3} dB vs plain {plain:F3} dB");
    }
}
