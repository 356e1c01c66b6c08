using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Serialization;
using SharpSR.Models.Archs;
using SharpSR.Models.Blocks;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

public class RlfnTests
{
    // docs/networks/rlfn.md § Checkpoint: team00_rlfn.pth (RLFN_Prune) holds 317,218 elements in 78 tensors.
    [Fact]
    public void Default_ParameterCount_MatchesReleasedCheckpoint() =>
        Assert.Equal(317_218, ArchRegistry.Create("rlfn", 4).ParameterCount());

    [Fact]
    public void StateDict_Keys_AreTheAuthorsKeys()
    {
        var keys = new Rlfn().StateDict().Keys.ToList();
        Assert.Equal(78, keys.Count);
        foreach (var k in new[] { "conv_1.weight", "block_1.c1_r.weight", "block_2.c3_r.bias", "block_3.c5.weight", "block_4.esa.conv1.weight",
                                  "block_1.esa.conv_f.bias", "block_2.esa.conv2.weight", "block_3.esa.conv3.bias", "block_4.esa.conv4.weight",
                                  "conv_2.bias", "upsampler.0.weight" })
            Assert.Contains(k, keys);
        Assert.DoesNotContain(keys, k => k.Contains("conv_max") || k.Contains("conv3_"));
    }

    [Fact]
    public void Esa_WithoutPooledChain_HasRlfnShapes()
    {
        var esa = new Esa(46, new EsaOptions { Channels = 16, PooledConvChain = false });
        Assert.Equal(["conv1.weight", "conv1.bias", "conv_f.weight", "conv_f.bias", "conv2.weight", "conv2.bias", "conv3.weight", "conv3.bias", "conv4.weight", "conv4.bias"],
                     esa.StateDict().Keys);
        Assert.Equal(46 * 16 + 16 + 16 * 16 + 16 + 2 * (16 * 16 * 9 + 16) + 16 * 46 + 46, esa.ParameterCount());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Forward_OutputIsScaleTimesInput(int scale)
    {
        var net = ArchRegistry.Create("rlfn", scale, """{"features":8,"midFeatures":6,"esaChannels":4,"blocks":2}""");
        using var _ = NoGradScope.Enter();
        var y = net.Forward(Tensor.Uniform(new Random(1), 0, 255, 2, 3, 16, 17));
        Assert.Equal([2, 3, 16 * scale, 17 * scale], y.ShapeArray);
        Assert.DoesNotContain(y.Data, v => !float.IsFinite(v));
    }

    // tests/fixtures/gen/make_span_rlfn_goldens.py: random weights with non-default widths through our PyTorch reference.
    [Fact]
    public void Forward_MatchesPyTorchReference()
    {
        var file = SafeTensorsFile.Read(TestData.RequireFixture("models/rlfn_f8m6e4b2_x2.safetensors"));
        var net = ArchRegistry.Create("rlfn", 2, """{"features":8,"midFeatures":6,"esaChannels":4,"blocks":2}""");
        net.LoadStateDict(Parity.Weights(file), strict: true);
        Parity.AssertForward(net.Forward, file);
    }

    [Fact]
    public void Forward_InputBelowEsaMinimum_ThrowsNamingTheLimit()
    {
        var net = new Rlfn(new RlfnOptions { Features = 8, MidFeatures = 8, EsaChannels = 4, Blocks = 1 });
        Assert.Equal(15, net.MinInputSize);
        using var _ = NoGradScope.Enter();
        var ex = Assert.Throws<ArgumentException>(() => net.Forward(Tensor.Zeros(1, 3, 20, 14)));
        Assert.Contains("15", ex.Message);
    }

    [Fact]
    public void Backward_ReachesHeadAndFirstBlock()
    {
        var net = new Rlfn(new RlfnOptions { Features = 8, MidFeatures = 6, EsaChannels = 4, Blocks = 2, Scale = 2 });
        var y = net.Forward(Tensor.Uniform(new Random(2), 0, 255, 1, 3, 21, 19));
        Ops.Mean(y).Backward();
        var grads = net.NamedParameters().ToDictionary(p => p.Name, p => p.Param.Grad);
        foreach (var name in new[] { "conv_1.weight", "block_1.c1_r.weight", "block_1.esa.conv1.weight", "block_1.esa.conv3.bias", "conv_2.weight", "upsampler.0.bias" })
            Assert.True(grads[name] is { } g && Math.Abs(g.MaxAbs()) > 0, $"{name} got no gradient");
    }

    [Fact]
    public void OptionsJson_RoundTrip_RebuildsSameNetwork()
    {
        var net = ArchRegistry.Create("rlfn", 2, """{"features":12,"midFeatures":10,"esaChannels":6,"blocks":3}""");
        var again = (Rlfn)ArchRegistry.Create(net.Arch, net.Scale, net.OptionsJson());
        Assert.Equal((12, 10, 6, 3, 2), (again.Settings.Features, again.Settings.MidFeatures, again.Settings.EsaChannels, again.Settings.Blocks, again.Scale));
        Assert.Equal(net.StateDict().Keys, again.StateDict().Keys);
    }

    [Fact]
    public void ReceptiveFieldRadius_CoversEveryBlock() =>
        Assert.Equal(3 + 4 * Rlfb.ReceptiveFieldRadius, new Rlfn().ReceptiveFieldRadius);
}
