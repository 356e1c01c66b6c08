using System.Text.Json;
using SharpSR.Core;
using SharpSR.Imaging.Resize;
using Xunit;

namespace SharpSR.Imaging.Tests.Resize;

/// <summary>MatlabBicubic against goldens written from MATLAB's imresize formulas in numpy (make_imaging_goldens.py).</summary>
public class MatlabBicubicTests
{
    private sealed record Case(string Kind, string Direction, int Factor, int Height, int Width, int Channels, double[] Input, double[] Output)
    {
        public override string ToString() => $"{Kind} {Direction} x{Factor} {Width}x{Height}";
    }

    private static List<Case> Cases()
    {
        using var doc = TestFiles.ReadJson(TestFiles.BicubicGoldens);
        return [.. doc.RootElement.EnumerateArray().Select(e => new Case(
            e.GetProperty("kind").GetString()!, e.GetProperty("direction").GetString()!, e.GetProperty("factor").GetInt32(),
            e.GetProperty("height").GetInt32(), e.GetProperty("width").GetInt32(), e.GetProperty("channels").GetInt32(),
            [.. e.GetProperty("input").EnumerateArray().Select(v => v.GetDouble())],
            [.. e.GetProperty("output").EnumerateArray().Select(v => v.GetDouble())]))];
    }

    private static (int H, int W) OutSize(Case c) => c.Direction == "up"
        ? (c.Height * c.Factor, c.Width * c.Factor)
        : ((c.Height + c.Factor - 1) / c.Factor, (c.Width + c.Factor - 1) / c.Factor);

    [Fact]
    public void Goldens_CoverUpAndDownForEveryFactor()
    {
        var cases = Cases();
        foreach (int f in new[] { 2, 3, 4 })
            foreach (string kind in new[] { "uint8", "float" })
                foreach (string dir in new[] { "up", "down" })
                    Assert.Contains(cases, c => c.Factor == f && c.Kind == kind && c.Direction == dir);
        Assert.Contains(cases, c => c.Direction == "down" && c.Height % c.Factor != 0);
    }

    [Fact]
    public void Resize_Uint8Goldens_MatchExactly()
    {
        foreach (var c in Cases().Where(c => c.Kind == "uint8"))
        {
            var image = new RgbImage(c.Width, c.Height, c.Channels, [.. c.Input.Select(v => (byte)v)]);
            var result = c.Direction == "up" ? MatlabBicubic.Upscale(image, c.Factor) : MatlabBicubic.Downscale(image, c.Factor);
            var (h, w) = OutSize(c);
            Assert.Equal((w, h), (result.Width, result.Height));
            for (int i = 0; i < c.Output.Length; i++)
                Assert.True(c.Output[i] == result.Pixels[i], $"{c}: sample {i} is {result.Pixels[i]}, expected {c.Output[i]}");
        }
    }

    [Fact]
    public void Resize_FloatGoldens_MatchWithinFloatPrecision()
    {
        foreach (var c in Cases().Where(c => c.Kind == "float"))
        {
            var t = new Tensor([.. c.Input.Select(v => (float)v)], 1, c.Channels, c.Height, c.Width);
            var result = c.Direction == "up" ? MatlabBicubic.Upscale(t, c.Factor) : MatlabBicubic.Downscale(t, c.Factor);
            var (h, w) = OutSize(c);
            Assert.Equal([1, c.Channels, h, w], result.ShapeArray);
            SharpSR.Testing.TensorAssert.Close([.. c.Output.Select(v => (float)v)], result.Data, atol: 1e-3, rtol: 1e-6, c.ToString());
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Resize_ConstantImage_StaysConstant(int factor)
    {
        var image = new RgbImage(10, 7, 3);
        Array.Fill(image.Pixels, (byte)137);
        Assert.All(MatlabBicubic.Upscale(image, factor).Pixels, p => Assert.Equal(137, p));
        Assert.All(MatlabBicubic.Downscale(image, factor).Pixels, p => Assert.Equal(137, p));
    }

    [Fact]
    public void Contributions_Downscale_UseFourTimesFactorTapsAndSumToOne()
    {
        var c = MatlabBicubic.ComputeContributions(12, 3, 0.25);
        Assert.Equal(18, c.Taps); // ceil(4 * 4) + 2
        for (int o = 0; o < 3; o++)
            Assert.Equal(1.0, c.Weights.AsSpan(o * c.Taps, c.Taps).ToArray().Sum(), 12);
        Assert.All(c.Indices, i => Assert.InRange(i, 0, 11));
    }

    [Fact]
    public void Contributions_NearEdges_MirrorSymmetrically()
    {
        // Output 1 of a x2 upscale of 4 samples is centred at u = 0.75; its 6 taps start at floor(0.75 - 2) = -2
        // (1-based), and MATLAB's symmetric padding maps -2 .. 3 to 1-based 3, 2, 1, 1, 2, 3.
        var c = MatlabBicubic.ComputeContributions(4, 8, 2);
        Assert.Equal([2, 1, 0, 0, 1, 2], c.Indices.AsSpan(0, c.Taps).ToArray());
        // The last output (x = 8, u = 4.25) reaches past the end: 1-based 2 .. 7 map to 2, 3, 4, 4, 3, 2.
        Assert.Equal([1, 2, 3, 3, 2, 1], c.Indices.AsSpan(7 * c.Taps, c.Taps).ToArray());
    }

    [Fact]
    public void Cubic_Kernel_HasKeysValues()
    {
        Assert.Equal(1.0, MatlabBicubic.Cubic(0));
        Assert.Equal(0.0, MatlabBicubic.Cubic(1));
        Assert.Equal(0.0, MatlabBicubic.Cubic(2));
        Assert.Equal(0.5625, MatlabBicubic.Cubic(0.5), 15);    // 1.5/8 - 2.5/4 + 1
        Assert.Equal(-0.0625, MatlabBicubic.Cubic(-1.5), 15);  // -0.5·3.375 + 2.5·2.25 - 6 + 2
    }

    [Fact]
    public void ToUInt8_RoundsHalfAwayFromZeroAndSaturates()
    {
        Assert.Equal(3, MatlabBicubic.ToUInt8(2.5));
        Assert.Equal(2, MatlabBicubic.ToUInt8(2.4999));
        Assert.Equal(0, MatlabBicubic.ToUInt8(-0.4));
        Assert.Equal(0, MatlabBicubic.ToUInt8(-7));
        Assert.Equal(255, MatlabBicubic.ToUInt8(254.5));
        Assert.Equal(255, MatlabBicubic.ToUInt8(300));
    }

    [Fact]
    public void ModCrop_OddSize_CropsTopLeft()
    {
        var image = new RgbImage(7, 5, 1, [.. Enumerable.Range(0, 35).Select(i => (byte)i)]);
        var cropped = MatlabBicubic.ModCrop(image, 2);
        Assert.Equal((6, 4), (cropped.Width, cropped.Height));
        Assert.Equal(7, cropped[0, 1, 0]);   // row 1 starts at 7 in the source
        Assert.Equal(26, cropped[5, 3, 0]);
        Assert.Same(image, MatlabBicubic.ModCrop(image, 1));
    }

    [Fact]
    public void Downscale_GreyAndAlphaChannels_ResizedIndependently()
    {
        var rng = new Random(4);
        var rgba = new RgbImage(12, 8, 4);
        rng.NextBytes(rgba.Pixels);
        var down = MatlabBicubic.Downscale(rgba, 2);
        for (int ch = 0; ch < 4; ch++)
        {
            var plane = new RgbImage(12, 8, 1, [.. Enumerable.Range(0, 96).Select(i => rgba.Pixels[i * 4 + ch])]);
            var single = MatlabBicubic.Downscale(plane, 2);
            for (int i = 0; i < single.Pixels.Length; i++) Assert.Equal(single.Pixels[i], down.Pixels[i * 4 + ch]);
        }
    }
}
