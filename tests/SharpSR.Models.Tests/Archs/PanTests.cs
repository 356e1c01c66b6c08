using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

public class PanTests
{
    // docs/networks/pan.md § Checkpoint: the element counts of the authors' PANx{2,3,4}_DF2K.pth.
    [Theory]
    [InlineData(2, 261_403)]
    [InlineData(3, 261_403)]
    [InlineData(4, 272_419)]
    public void Default_ParameterCount_MatchesCheckpoints(int scale, long expected) =>
        Assert.Equal(expected, ArchRegistry.Create("pan", scale).ParameterCount());

    [Theory]
    [InlineData(2, 140)]
    [InlineData(4, 146)]
    public void StateDict_Keys_AreTheAuthorsKeys(int scale, int tensors)
    {
        var keys = ArchRegistry.Create("pan", scale).StateDict().Keys.ToHashSet();
        Assert.Equal(tensors, keys.Count);
        foreach (var k in new[] { "conv_first.weight", "SCPA_trunk.0.conv1_a.weight", "SCPA_trunk.15.k1.0.weight", "SCPA_trunk.7.PAConv.k2.bias",
                                  "SCPA_trunk.3.PAConv.k4.weight", "SCPA_trunk.9.conv3.weight", "trunk_conv.bias", "upconv1.weight",
                                  "att1.conv.bias", "HRconv1.weight", "conv_last.bias" })
            Assert.Contains(k, keys);
        Assert.DoesNotContain("SCPA_trunk.0.conv1_a.bias", keys);
        Assert.DoesNotContain("SCPA_trunk.0.PAConv.k3.bias", keys);
        Assert.Equal(scale == 4, keys.Contains("HRconv2.weight"));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Forward_OddInput_OutputIsScaleTimesInput(int scale)
    {
        var net = ArchRegistry.Create("pan", scale, """{"features":8,"upsampleFeatures":6,"blocks":2}""");
        using var _ = NoGradScope.Enter();
        var y = net.Forward(Tensor.Uniform(new Random(1), 0, 255, 2, 3, 7, 5));
        Assert.Equal([2, 3, 7 * scale, 5 * scale], y.ShapeArray);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Forward_ZeroWeights_IsTheBilinearSkip(int scale)
    {
        // With every weight zero the learned path outputs 0 and the result is the align_corners=False
        // bilinear upsampling of the input, back in 0..255.
        var net = new Pan(new() { Features = 8, UpsampleFeatures = 6, Blocks = 2, Scale = scale });
        foreach (var (_, p) in net.NamedParameters()) Array.Clear(p.Data);
        var x = Tensor.Uniform(new Random(4), 0, 255, 1, 3, 6, 5);
        using var _ = NoGradScope.Enter();
        TensorAssert.Close(Ops.ResizeBilinear(x, 6 * scale, 5 * scale), net.Forward(x), 1e-3, 1e-5, "PAN skip");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ReceptiveFieldRadius_BoundsTheInfluenceOfOnePixel(int scale)
    {
        var net = new Pan(new() { Features = 8, UpsampleFeatures = 6, Blocks = 3, Scale = scale });
        // Own seeded weights: the layers' default generator (Init.DefaultRng) is process-wide and other
        // test classes draw from it concurrently, so its values are not repeatable here.
        var rng = new Random(7);
        foreach (var (_, p) in net.NamedParameters())
        {
            float bound = 1f / MathF.Sqrt(p.Length / p.Dim(0));
            for (int i = 0; i < p.Length; i++) p.Data[i] = bound * (2 * (float)rng.NextDouble() - 1);
        }
        int r = net.ReceptiveFieldRadius, size = 2 * r + 9, c0 = size / 2;
        var x = Tensor.Uniform(new Random(5), 0, 255, 1, 3, size, size);
        using var _ = NoGradScope.Enter();
        var y0 = net.Forward(x);
        x.Data[c0 * size + c0] += 50;   // red channel, centre pixel
        var y1 = net.Forward(x);
        int hs = size * scale, reach = 0;
        for (int c = 0; c < 3; c++)
            for (int oy = 0; oy < hs; oy++)
                for (int ox = 0; ox < hs; ox++)
                {
                    int i = (c * hs + oy) * hs + ox;
                    if (y0.Data[i] == y1.Data[i]) continue;
                    reach = Math.Max(reach, Math.Max(Math.Abs(oy / scale - c0), Math.Abs(ox / scale - c0)));
                }
        Assert.InRange(reach, 2 * 3, r);   // at least the trunk's stacked convs, at most the stated radius
    }

    /// <summary>Conv multiply-accumulates of PAN(n, unf, blocks) by hand: per LR pixel, and per output pixel of each stage.</summary>
    public static double MultiAdds(int scale, int lrW, int lrH, int n = 40, int u = 24, int blocks = 16)
    {
        int h = n / 2;
        long scpa = 2L * n * h + 9L * h * h * 3 + (long)h * h + (long)n * n;
        double lr = (27L * n + blocks * scpa + 9L * n * n) * (double)lrW * lrH;
        double stage1Pixels = (double)lrW * lrH * (scale == 4 ? 4 : scale * scale);
        double hrPixels = (double)lrW * lrH * scale * scale;
        double up = (9L * n * u + (long)u * u + 9L * u * u) * stage1Pixels;
        if (scale == 4) up += (9L * u * u + (long)u * u + 9L * u * u) * hrPixels;
        return lr + up + 9.0 * u * 3 * hrPixels;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Profile_MultiAdds_MatchIndependentCount(int scale)
    {
        var profile = ModelProfile.Measure(ArchRegistry.Create("pan", scale), 96, 60);
        Assert.Equal(MultiAdds(scale, profile.LrWidth, profile.LrHeight), profile.MultiAdds);
    }

    [Fact]
    public void Profile_X4_MultiAddsMatchPaper()
    {
        // The PAN paper's table: 28.2G at x4 for a 1280x720 output.
        var profile = ModelProfile.Measure(ArchRegistry.Create("pan", 4));
        Assert.Equal(28.2, Math.Round(profile.MultiAdds / 1e9, 1));
    }

    [Fact]
    public void Profile_X2X3_ClosedFormMatchesPaper()
    {
        // 70.5G at x2. At x3 the paper's 39.0G comes from a 426x240 LR (floor); our convention rounds up
        // to 427x240, which counts 39.08G.
        Assert.Equal(70.5, Math.Round(MultiAdds(2, 640, 360) / 1e9, 1));
        Assert.Equal(39.0, Math.Round(MultiAdds(3, 426, 240) / 1e9, 1));
        Assert.Equal(39.08, Math.Round(MultiAdds(3, 427, 240) / 1e9, 2));
    }

    [Fact]
    public void OptionsJson_RoundTrip_RebuildsSameNetwork()
    {
        var net = (Pan)ArchRegistry.Create("pan", 3, """{"features":8,"upsampleFeatures":6,"blocks":2}""");
        var again = (Pan)ArchRegistry.Create(net.Arch, net.Scale, net.OptionsJson());
        Assert.Equal(net.Settings, again.Settings);
        Assert.Equal(net.StateDict().Keys, again.StateDict().Keys);
    }
}
