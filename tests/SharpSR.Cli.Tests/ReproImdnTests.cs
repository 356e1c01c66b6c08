using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>
/// The authors' IMDN checkpoints through `sharpsr eval` reproduce the paper's Set5 figures (PSNR on Y,
/// border = scale) within 0.02 dB, and SSIM at x4 within 0.002. Set5 only; docs/repro/imdn_pan.md has
/// Set14 and B100.
/// </summary>
public class ReproImdnTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(2, 38.00, double.NaN)]
    [InlineData(3, 34.36, double.NaN)]
    [InlineData(4, 32.21, 0.8948)]
    public void Eval_AuthorsCheckpoint_ReproducesSet5(int scale, double psnr, double ssim)
    {
        string data = TestData.RequireDatasets();
        string model = TestData.RequireCheckpoint($"imdn_x{scale}.pth");
        var row = Repro.EvalSet5(model, "imdn", scale, data);
        double p = row.GetProperty("psnr").GetDouble(), s = row.GetProperty("ssim").GetDouble();
        log.WriteLine($"IMDN x{scale} Set5: {p:F4} dB (published {psnr:F2}, diff {p - psnr:+0.0000;-0.0000}), SSIM {s:F4}");
        Assert.Equal(5, row.GetProperty("images").GetInt32());
        Assert.InRange(p, psnr - 0.02, psnr + 0.02);
        if (!double.IsNaN(ssim)) Assert.InRange(s, ssim - 0.002, ssim + 0.002);
    }
}
