using SharpSR.Imaging.Metrics;
using Xunit;

namespace SharpSR.Imaging.Tests.Metrics;

/// <summary>
/// The grey-image policy: a grey SR (bicubic keeps grey) and the same image as three equal channels (what a
/// network returns) must score alike under either policy, so one table never mixes two conventions.
/// </summary>
public class EvalProtocolTests
{
    private static RgbImage Grey(int w, int h, int seed) => MetricsTests.Pattern(w, h, 1, seed);

    private static RgbImage Widened(RgbImage grey)
    {
        var rgb = new RgbImage(grey.Width, grey.Height, 3);
        for (int i = 0; i < grey.Pixels.Length; i++)
            for (int c = 0; c < 3; c++) rgb.Pixels[i * 3 + c] = grey.Pixels[i];
        return rgb;
    }

    public static TheoryData<GreyPolicy, YVariant> Policies() => new()
    {
        { GreyPolicy.Y, YVariant.Exact }, { GreyPolicy.Y, YVariant.Rounded }, { GreyPolicy.Rgb, YVariant.Exact }, { GreyPolicy.Rgb, YVariant.Rounded },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Score_GreyHr_GreyOrWidenedSrScoreAlike(GreyPolicy grey, YVariant y)
    {
        var protocol = new EvalProtocol { Grey = grey, Y = y };
        var hr = Grey(40, 32, seed: 1);
        var sr = Grey(40, 32, seed: 2);
        var asGrey = protocol.Score(sr, hr, 4);
        var asRgb = protocol.Score(Widened(sr), hr, 4);
        Assert.Equal(asGrey.Psnr, asRgb.Psnr, 9);
        Assert.Equal(asGrey.Ssim, asRgb.Ssim, 9);
        // Under rgb a grey image is exactly its widened self; under y only a pair with a grey image uses grey levels.
        if (grey == GreyPolicy.Rgb) Assert.Equal(asGrey.Psnr, protocol.Score(Widened(sr), Widened(hr), 4).Psnr, 9);
    }

    [Fact]
    public void Score_GreyPair_RgbPolicyScalesErrorsBy219Over255()
    {
        // Y of a grey level v is 16 + 219·v/255: the MSE shrinks by (219/255)², PSNR rises by 20·log10(255/219).
        var hr = Grey(40, 32, seed: 3);
        var sr = Grey(40, 32, seed: 4);
        double y = new EvalProtocol { Grey = GreyPolicy.Y }.Score(sr, hr, 2).Psnr;
        double rgb = new EvalProtocol { Grey = GreyPolicy.Rgb }.Score(sr, hr, 2).Psnr;
        Assert.Equal(20 * Math.Log10(255.0 / 219.0), rgb - y, 9);
    }

    [Fact]
    public void Score_ColourPair_IgnoresGreyPolicy()
    {
        var hr = Widened(Grey(24, 24, seed: 5));
        var sr = hr.Clone();
        for (int i = 0; i < sr.Pixels.Length; i += 3) sr.Pixels[i] = (byte)(255 - sr.Pixels[i]);
        Assert.Equal(new EvalProtocol { Grey = GreyPolicy.Y }.Score(sr, hr, 3), new EvalProtocol { Grey = GreyPolicy.Rgb }.Score(sr, hr, 3));
        Assert.Equal(SrEvaluator.Evaluate(sr, hr, 3), EvalProtocol.Default.Score(sr, hr, 3));
    }

    [Fact]
    public void GreyLevels_ColourImage_IsFullRangeLuma()
    {
        var img = new RgbImage(2, 1, 3, [255, 0, 0, 10, 20, 30]);
        Assert.Equal(255 * 0.299, ColorSpace.GreyLevels(img)[0], 9);
        Assert.Equal(0.299 * 10 + 0.587 * 20 + 0.114 * 30, ColorSpace.GreyLevels(img)[1], 9);
        Assert.Equal(Math.Round(255 * 0.299, MidpointRounding.AwayFromZero), ColorSpace.GreyLevels(img, YVariant.Rounded)[0]);
    }

    [Theory]
    [InlineData("y", GreyPolicy.Y)]
    [InlineData("RGB", GreyPolicy.Rgb)]
    public void ParseGrey_KnownNames(string name, GreyPolicy expected) => Assert.Equal(expected, EvalProtocol.ParseGrey(name));

    [Fact]
    public void ParseGrey_Unknown_SaysWhatIsAccepted() =>
        Assert.Contains("(y or rgb)", Assert.Throws<ArgumentException>(() => EvalProtocol.ParseGrey("luma")).Message);
}
