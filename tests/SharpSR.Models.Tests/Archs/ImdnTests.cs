using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Models.Archs;
using SharpSR.Models.Blocks;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

public class ImdnTests
{
    // docs/networks/imdn.md § Parameters: the element counts of the authors' imdn_x{2,3,4}.pth.
    [Theory]
    [InlineData(2, 694_404)]
    [InlineData(3, 703_059)]
    [InlineData(4, 715_176)]
    public void Default_ParameterCount_MatchesCheckpoints(int scale, long expected) =>
        Assert.Equal(expected, ArchRegistry.Create("imdn", scale).ParameterCount());

    [Fact]
    public void StateDict_Keys_AreTheAuthorsKeysWithoutModulePrefix()
    {
        var keys = new Imdn().StateDict().Keys.ToHashSet();
        Assert.Equal(92, keys.Count);   // the authors' checkpoints hold 92 tensors
        foreach (var k in new[] { "fea_conv.weight", "IMDB1.c1.weight", "IMDB3.c4.bias", "IMDB6.c5.weight", "IMDB2.cca.conv_du.0.weight",
                                  "IMDB6.cca.conv_du.2.bias", "c.0.weight", "LR_conv.bias", "upsampler.0.weight" })
            Assert.Contains(k, keys);
        Assert.Equal([64, 48, 3, 3], new Imdn().StateDict()["IMDB1.c2.weight"].ShapeArray);   // c2 reads the 48 remaining channels
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Forward_OddInput_OutputIsScaleTimesInput(int scale)
    {
        var net = ArchRegistry.Create("imdn", scale, """{"features":16,"blocks":2}""");
        using var _ = NoGradScope.Enter();
        var y = net.Forward(Tensor.Uniform(new Random(1), 0, 255, 2, 3, 7, 5));
        Assert.Equal([2, 3, 7 * scale, 5 * scale], y.ShapeArray);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(18)]
    public void BadFeatures_Throw(int features) =>
        Assert.Throws<ArgumentException>(() => new Imdn(new() { Features = features }));

    [Fact]
    public void ContrastChannelAttention_MatchesPlainLoops()
    {
        var cca = new ContrastChannelAttention(16);
        var x = Tensor.Uniform(new Random(3), -2, 3, 2, 16, 5, 4);
        var sd = cca.StateDict();
        Tensor w1 = sd["conv_du.0.weight"], b1 = sd["conv_du.0.bias"], w2 = sd["conv_du.2.weight"], b2 = sd["conv_du.2.bias"];
        var expected = new float[x.Length];
        const int c = 16, r = 1, hw = 20;
        for (int n = 0; n < 2; n++)
        {
            var s = new double[c];
            for (int k = 0; k < c; k++)
            {
                double mean = 0, var = 0;
                for (int i = 0; i < hw; i++) mean += x.Data[(n * c + k) * hw + i];
                mean /= hw;
                for (int i = 0; i < hw; i++) var += Math.Pow(x.Data[(n * c + k) * hw + i] - mean, 2);
                s[k] = Math.Sqrt(var / hw) + mean;
            }
            var hidden = new double[r];
            for (int j = 0; j < r; j++)
            {
                hidden[j] = b1.Data[j];
                for (int k = 0; k < c; k++) hidden[j] += w1.Data[j * c + k] * s[k];
                hidden[j] = Math.Max(0, hidden[j]);
            }
            for (int k = 0; k < c; k++)
            {
                double a = b2.Data[k];
                for (int j = 0; j < r; j++) a += w2.Data[k * r + j] * hidden[j];
                double weight = 1 / (1 + Math.Exp(-a));
                for (int i = 0; i < hw; i++) expected[(n * c + k) * hw + i] = (float)(x.Data[(n * c + k) * hw + i] * weight);
            }
        }
        using var _ = NoGradScope.Enter();
        TensorAssert.Close(expected, cca.Forward(x).Data, 1e-6, 1e-5, "CCA");
    }

    [Fact]
    public void Forward_ConstantUpsamplerBias_ComesBackIn0To255()
    {
        // All weights zero and the upsampler bias 0.5 (in the network's [0,1] units): output 127.5 everywhere.
        var net = new Imdn(new() { Features = 16, Blocks = 1, Scale = 2 });
        foreach (var (_, p) in net.NamedParameters()) Array.Clear(p.Data);
        Array.Fill(net.StateDict()["upsampler.0.bias"].Data, 0.5f);
        using var _ = NoGradScope.Enter();
        var y = net.Forward(Tensor.Uniform(new Random(2), 0, 255, 1, 3, 4, 3));
        Assert.All(y.Data, v => Assert.Equal(127.5f, v, 4));
    }

    /// <summary>Conv multiply-accumulates per LR pixel of IMDN(n, blocks, scale), derived by hand from docs/networks/imdn.md § Graph.</summary>
    public static long MacsPerLrPixel(int n, int blocks, int scale)
    {
        int d = n / 4, r = n - d;
        long imdb = 9L * n * n + 9L * r * n * 2 + 9L * r * d + (long)(4 * d) * n;
        return 27L * n + blocks * imdb + (long)blocks * n * n + 9L * n * n + 9L * n * 3 * scale * scale;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Profile_MultiAdds_MatchIndependentCount(int scale)
    {
        // A small HR size keeps the forward pass cheap; the count is linear in the LR pixels.
        var profile = ModelProfile.Measure(ArchRegistry.Create("imdn", scale), 96, 60);
        long pixels = (long)profile.LrWidth * profile.LrHeight;
        long cca = 6L * 2 * 64 * 4;   // the attention's two 1x1 convs run once on 1x1 statistics
        Assert.Equal(MacsPerLrPixel(64, 6, scale) * pixels + cca, profile.MultiAdds);
    }

    [Fact]
    public void Profile_X4_MultiAddsMatchPaper()
    {
        // The IMDN paper's table: 40.9G at x4 for a 1280x720 output (docs/networks/README.md § Conventions: 40.89G).
        var profile = ModelProfile.Measure(ArchRegistry.Create("imdn", 4));
        Assert.Equal((320, 180), (profile.LrWidth, profile.LrHeight));
        Assert.Equal(40.89, Math.Round(profile.MultiAdds / 1e9, 2));
    }

    [Fact]
    public void Profile_X2X3_ClosedFormMatchesPaper()
    {
        // 158.8G (x2, LR 640x360) and 71.5G (x3, LR 427x240) in the paper, from the same count.
        Assert.Equal(158.8, Math.Round(MacsPerLrPixel(64, 6, 2) * 640.0 * 360 / 1e9, 1));
        Assert.Equal(71.5, Math.Round(MacsPerLrPixel(64, 6, 3) * 427.0 * 240 / 1e9, 1));
    }

    [Fact]
    public void OptionsJson_RoundTrip_RebuildsSameNetwork()
    {
        var net = (Imdn)ArchRegistry.Create("imdn", 3, """{"features":16,"blocks":2}""");
        var again = (Imdn)ArchRegistry.Create(net.Arch, net.Scale, net.OptionsJson());
        Assert.Equal(net.Settings, again.Settings);
        Assert.Equal(net.StateDict().Keys, again.StateDict().Keys);
    }
}
