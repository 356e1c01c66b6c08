using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Models.Archs;
using SharpSR.Models.Blocks;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

public class ERfdnTests
{
    [Fact]
    public void Default_ParameterCount_MatchesReleasedCheckpoint() =>
        Assert.Equal(433_448, ArchRegistry.Create("e-rfdn", 4).ParameterCount());

    [Fact]
    public void StateDict_Keys_AreTheAuthorsKeys()
    {
        var keys = new ERfdn().StateDict().Keys.ToList();
        Assert.Equal(128, keys.Count);   // RFDN_AIM.pth holds 128 tensors
        foreach (var k in new[] { "fea_conv.weight", "B1.c1_d.weight", "B2.c3_r.bias", "B3.c5.weight", "B4.esa.conv3_.bias",
                                  "B1.esa.conv_max.weight", "B4.esa.conv4.weight", "c.0.weight", "c.0.bias", "LR_conv.weight", "upsampler.0.bias" })
            Assert.Contains(k, keys);
        Assert.DoesNotContain("B5.c1_d.weight", keys);
    }

    // docs/networks/e-rfdn.md § RFDB: an RFDB costs n²(10.8125 + 27/g) + 8.5n for 4 | n.
    [Theory]
    [InlineData(48, 1, 87_528)]
    [InlineData(48, 2, 56_424)]
    [InlineData(64, 1, 155_424)]   // URNet's top-level E-RFDB in urn_x2.pt
    public void Rfdb_ParameterCount_FollowsFormula(int n, int groups, long expected)
    {
        var block = new Rfdb(n, new RfdbOptions { RefineGroups = groups });
        Assert.Equal(expected, block.ParameterCount());
        Assert.Equal((long)(n * n * (10.8125 + 27.0 / groups) + 8.5 * n), block.ParameterCount());
    }

    // docs/networks/e-rfdn.md § Graph: the paper's layout (48 features, 6 blocks) counts 566,364 at x2 and 581,952 at x4 with this block.
    [Theory]
    [InlineData(2, 566_364)]
    [InlineData(4, 581_952)]
    public void PaperLayout_ParameterCount_MatchesSpec(int scale, long expected) =>
        Assert.Equal(expected, ArchRegistry.Create("e-rfdn", scale, """{"features":48,"blocks":6}""").ParameterCount());

    [Fact]
    public void Profile_X4_MultiAddsMatchSpec()
    {
        var profile = ModelProfile.Measure(new ERfdn());
        Assert.Equal((320, 180), (profile.LrWidth, profile.LrHeight));
        Assert.Equal(23.76, Math.Round(profile.MultiAdds / 1e9, 2));
        Assert.Equal(profile.MultiAdds, profile.Parts.Sum(p => p.MultiAdds));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Forward_OutputIsScaleTimesInput(int scale)
    {
        var net = ArchRegistry.Create("e-rfdn", scale, """{"features":8,"blocks":2}""");
        using var _ = NoGradScope.Enter();
        var y = net.Forward(Tensor.Uniform(new Random(1), 0, 255, 2, 3, 16, 17));
        Assert.Equal([2, 3, 16 * scale, 17 * scale], y.ShapeArray);
        Assert.DoesNotContain(y.Data, v => !float.IsFinite(v));
    }

    [Fact]
    public void Forward_InputBelowEsaMinimum_ThrowsNamingTheLimit()
    {
        var net = new ERfdn(new ERfdnOptions { Features = 8, Blocks = 1 });
        Assert.Equal(15, net.MinInputSize);
        using var _ = NoGradScope.Enter();
        var ex = Assert.Throws<ArgumentException>(() => net.Forward(Tensor.Zeros(1, 3, 14, 20)));
        Assert.Contains("15", ex.Message);
    }

    [Fact]
    public void Backward_ReachesHeadAndFirstBlock()
    {
        var net = new ERfdn(new ERfdnOptions { Features = 8, Blocks = 2, Scale = 2 });
        var y = net.Forward(Tensor.Uniform(new Random(2), 0, 255, 1, 3, 21, 19));
        Ops.Mean(y).Backward();
        var grads = net.NamedParameters().ToDictionary(p => p.Name, p => p.Param.Grad);
        foreach (var name in new[] { "fea_conv.weight", "B1.c1_r.weight", "B1.esa.conv1.weight", "B1.esa.conv4.bias", "c.0.weight", "upsampler.0.bias" })
            Assert.True(grads[name] is { } g && Math.Abs(g.MaxAbs()) > 0, $"{name} got no gradient");
    }

    [Fact]
    public void OptionsJson_RoundTrip_RebuildsSameNetwork()
    {
        var net = ArchRegistry.Create("e-rfdn", 2, """{"features":12,"blocks":3}""");
        var again = (ERfdn)ArchRegistry.Create(net.Arch, net.Scale, net.OptionsJson());
        Assert.Equal((12, 3, 2), (again.Settings.Features, again.Settings.Blocks, again.Scale));
        Assert.Equal(net.StateDict().Keys, again.StateDict().Keys);
    }

    [Fact]
    public void ReceptiveFieldRadius_CoversEveryBlock() =>
        Assert.Equal(3 + 4 * Rfdb.ReceptiveFieldRadius, new ERfdn().ReceptiveFieldRadius);
}
