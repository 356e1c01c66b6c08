using System.Text.Json;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

public class EvalCommandTests(ITestOutputHelper log)
{
    // The papers' bicubic rows (PSNR dB, SSIM), Y from double as in their MATLAB evaluation code.
    public static TheoryData<string, int, double, double> PaperBicubic => new()
    {
        { "Set5", 4, 28.42, 0.8104 }, { "B100", 4, 25.96, 0.6675 },
        { "Set5", 3, 30.39, 0.8682 }, { "B100", 3, 27.21, 0.7385 },
        { "Set5", 2, 33.66, 0.9299 }, { "B100", 2, 29.56, 0.8431 },
    };

    private static readonly Lazy<List<JsonElement>> s_bicubic = new(() => EvalBicubic("--sets", "Set5,B100", "--scale", "2,3,4"));

    /// <summary>`eval --model bicubic` on the shared datasets with the given options; the JSON rows.</summary>
    private static List<JsonElement> EvalBicubic(params string[] options)
    {
        string json = Path.Combine(TestData.NewTempDir(), "bicubic.json");
        var (exit, _, err) = CliRunner.Run(["eval", "--model", "bicubic", "--data", TestData.DatasetsDir!, "--json", json, .. options]);
        Assert.True(exit == 0, err);
        return JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().ToList();
    }

    [Theory]
    [MemberData(nameof(PaperBicubic))]
    public void Eval_Bicubic_ReproducesPaperRows(string set, int scale, double psnr, double ssim)
    {
        TestData.RequireDatasets();
        var row = s_bicubic.Value.Single(r => r.GetProperty("set").GetString() == set && r.GetProperty("scale").GetInt32() == scale);
        double p = row.GetProperty("psnr").GetDouble(), s = row.GetProperty("ssim").GetDouble();
        log.WriteLine($"{set} x{scale}: {p:F4} dB (paper {psnr}, diff {p - psnr:+0.0000;-0.0000}), SSIM {s:F5} (paper {ssim}, diff {s - ssim:+0.00000;-0.00000})");
        Assert.Equal("bicubic", row.GetProperty("model").GetString());
        Assert.Equal(set == "Set5" ? 5 : 100, row.GetProperty("images").GetInt32());
        Assert.InRange(p, psnr - 0.025, psnr + 0.025);
        Assert.InRange(s, ssim - 0.002, ssim + 0.002);
    }

    [Fact]
    public void Eval_RoundedY_IsOfferedAndDiffers()
    {
        string data = TestData.RequireDatasets();
        string exact = Path.Combine(TestData.NewTempDir(), "e.json"), rounded = Path.Combine(TestData.NewTempDir(), "r.json");
        Assert.Equal(0, CliRunner.Run("eval", "--model", "bicubic", "--data", data, "--sets", "Set5", "--scale", "4", "--json", exact).Exit);
        Assert.Equal(0, CliRunner.Run("eval", "--model", "bicubic", "--data", data, "--sets", "Set5", "--scale", "4", "--round-y", "--json", rounded).Exit);
        double pe = JsonDocument.Parse(File.ReadAllText(exact)).RootElement[0].GetProperty("psnr").GetDouble();
        double pr = JsonDocument.Parse(File.ReadAllText(rounded)).RootElement[0].GetProperty("psnr").GetDouble();
        log.WriteLine($"Set5 x4 bicubic: exact Y {pe:F4} dB, rounded Y {pr:F4} dB");
        Assert.NotEqual(pe, pr);
        Assert.InRange(Math.Abs(pe - pr), 1e-4, 0.1);
    }

    // Set14 x4 bicubic as each founding paper prints it (PAPER_TABLES.md): G-IDRN Table 4 keeps Set14's grey
    // bridge.png as its own luma, s-LWSR Table II widens it to RGB first.
    public static TheoryData<string, double, double, string> PaperSet14Bicubic => new()
    {
        { "y", 26.00, 0.7027, "G-IDRN Table 4" },
        { "rgb", 26.10, 0.704, "s-LWSR Table II" },
    };

    private static readonly Lazy<Dictionary<string, JsonElement>> s_set14ByGrey = new(() =>
        new[] { "y", "rgb" }.ToDictionary(grey => grey, grey => EvalBicubic("--sets", "Set14", "--scale", "4", "--grey", grey).Single()));

    [Theory]
    [MemberData(nameof(PaperSet14Bicubic))]
    public void Eval_GreyPolicy_ReproducesEachPapersSet14Bicubic(string grey, double psnr, double ssim, string source)
    {
        TestData.RequireDatasets();
        var row = s_set14ByGrey.Value[grey];
        double p = row.GetProperty("psnr").GetDouble(), s = row.GetProperty("ssim").GetDouble();
        log.WriteLine($"Set14 x4 bicubic --grey {grey}: {p:F4} dB / {s:F5} ({source}: {psnr} / {ssim})");
        Assert.Equal(14, row.GetProperty("images").GetInt32());
        Assert.InRange(p, psnr - 0.025, psnr + 0.025);
        Assert.InRange(s, ssim - 0.002, ssim + 0.002);
    }

    [Fact]
    public void Eval_GreyPolicy_MovesOnlyTheGreyImage()
    {
        // bridge.png, one of 14 images, gains 20·log10(255/219) dB under rgb (its errors scale by 219/255).
        TestData.RequireDatasets();
        double y = s_set14ByGrey.Value["y"].GetProperty("psnr").GetDouble(), rgb = s_set14ByGrey.Value["rgb"].GetProperty("psnr").GetDouble();
        Assert.Equal(20 * Math.Log10(255.0 / 219.0) / 14, rgb - y, 3);
    }

    [Fact]
    public void Eval_UnknownGreyPolicy_OneLineErrorNoOutput()
    {
        string json = Path.Combine(TestData.NewTempDir(), "out.json");
        var (exit, _, err) = CliRunner.Run("eval", "--model", "bicubic", "--data", TestData.NewTempDir(), "--grey", "luma", "--json", json);
        Assert.Equal(1, exit);
        Assert.Contains("invalid grey policy 'luma' (y or rgb)", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(json));
    }

    [Theory]
    [InlineData("--sets", "Set99", "unknown set 'Set99'")]
    [InlineData("--scale", "0", "invalid scale '0'")]
    public void Eval_BadArguments_OneLineErrorNoOutput(string option, string value, string message)
    {
        string data = TestData.RequireDatasets();
        string json = Path.Combine(TestData.NewTempDir(), "out.json");
        var (exit, _, err) = CliRunner.Run("eval", "--model", "bicubic", "--data", data, option, value, "--json", json);
        Assert.Equal(1, exit);
        Assert.Contains(message, err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(json));
    }
}
