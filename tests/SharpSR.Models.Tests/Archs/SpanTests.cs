using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Nn;
using SharpSR.Core.Serialization;
using SharpSR.Models.Archs;
using SharpSR.Models.Blocks;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

public class SpanTests
{
    private const string TrainingForm = """{"features":6,"blocks":2,"folded":false}""";

    // docs/networks/span.md § Checkpoint: team38_span_ch28_slim.pth holds 150,688 elements in 44 tensors.
    [Fact]
    public void Default_ParameterCount_MatchesReleasedCheckpoint() =>
        Assert.Equal(150_688, ArchRegistry.Create("span", 4).ParameterCount());

    [Fact]
    public void TrainingForm_ParameterCount_FollowsConv3XCFormula()
    {
        // Per Conv3XC(ci -> co, gain g): sk ci·co + co, conv.0 ci·g·ci + g·ci, conv.1 g·ci·g·co·9 + g·co, conv.2 g·co·co + co.
        static long Conv3XCCount(long ci, long co, long g) => ci * co + co + ci * g * ci + g * ci + g * ci * g * co * 9 + g * co + g * co * co + co;
        long n = 28, expected = Conv3XCCount(3, n, 2) + 6 * 3 * Conv3XCCount(n, n, 2) + Conv3XCCount(n, n, 2)
                                + (4 * n * n + n) + (n * 48 * 9 + 48);
        Assert.Equal(expected, ArchRegistry.Create("span", 4, """{"folded":false}""").ParameterCount());
    }

    [Fact]
    public void StateDict_Keys_AreTheAuthorsKeys()
    {
        var keys = new Span().StateDict().Keys.ToList();
        Assert.Equal(44, keys.Count);
        foreach (var k in new[] { "conv_1.eval_conv.weight", "block_1.c1_r.eval_conv.bias", "block_6.c3_r.eval_conv.weight",
                                  "conv_cat.weight", "conv_2.eval_conv.bias", "upsampler.0.weight" })
            Assert.Contains(k, keys);
        var training = new Span(new SpanOptions { Folded = false }).StateDict().Keys.ToList();
        foreach (var k in new[] { "conv_1.sk.weight", "conv_1.conv.0.bias", "block_3.c2_r.conv.1.weight", "conv_2.conv.2.weight" })
            Assert.Contains(k, training);
        Assert.DoesNotContain(training, k => k.Contains("eval_conv"));
    }

    [Theory]
    [InlineData(3, 5, 2)]
    [InlineData(4, 4, 1)]
    [InlineData(6, 3, 3)]
    public void Conv3XC_FoldedWeights_GiveTheTrainingFormOutput(int inChannels, int outChannels, int gain)
    {
        Init.DefaultRng = new Random(inChannels * 10 + gain);
        var training = new Conv3XC(inChannels, outChannels, gain, folded: false);
        foreach (var (_, p) in training.NamedParameters())   // biases too, so the padding ring's bias matters
            for (int i = 0; i < p.Length; i++) p.Data[i] = (float)(Init.DefaultRng.NextDouble() - 0.5);
        var (w, b) = training.FoldedWeights();
        var x = Tensor.Uniform(new Random(5), -2, 2, 2, inChannels, 7, 9);
        using var _ = NoGradScope.Enter();
        var expected = training.Forward(x);
        var folded = Ops.Conv2d(x, w, b, Conv2dOptions.Same(3));
        TensorAssert.Close(expected, folded, 1e-5, 1e-5, "folded Conv3XC");
    }

    [Fact]
    public void Fold_TrainingNetwork_SameOutputWithReleasedKeys()
    {
        Init.DefaultRng = new Random(21);
        var net = (Span)ArchRegistry.Create("span", 3, TrainingForm);
        var folded = net.Fold();
        Assert.True(folded.Settings.Folded);
        Assert.Equal(new Span(new SpanOptions { Features = 6, Blocks = 2, Scale = 3 }).StateDict().Keys, folded.StateDict().Keys);
        var x = Tensor.Uniform(new Random(6), 0, 255, 1, 3, 11, 8);
        using var _ = NoGradScope.Enter();
        var expected = net.Forward(x);
        TensorAssert.Close(expected, folded.Forward(x), 1e-5 * Math.Abs(expected.MaxAbs()), 1e-5, "folded SPAN");
    }

    // tests/fixtures/gen/make_span_rlfn_goldens.py: random weights in the training form through our
    // PyTorch reference (torch_span_rlfn.py), and the same net folded by the reference.
    [Fact]
    public void TrainingForm_MatchesPyTorchReference_AndFoldsAsItDoes()
    {
        var file = SafeTensorsFile.Read(TestData.RequireFixture("models/span_f6b2_x2_training.safetensors"));
        var net = (Span)ArchRegistry.Create("span", 2, TrainingForm);
        net.LoadStateDict(Parity.Weights(file), strict: true);
        Parity.AssertForward(net.Forward, file);
        Parity.AssertForward(net.Fold().Forward, file);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Forward_OutputIsScaleTimesInput(int scale)
    {
        var net = ArchRegistry.Create("span", scale, """{"features":6,"blocks":2}""");
        using var _ = NoGradScope.Enter();
        var y = net.Forward(Tensor.Uniform(new Random(1), 0, 255, 2, 3, 7, 5));
        Assert.Equal([2, 3, 7 * scale, 5 * scale], y.ShapeArray);
        Assert.DoesNotContain(y.Data, v => !float.IsFinite(v));
    }

    [Fact]
    public void TrainingForm_Backward_ReachesEveryPartOfConv3XC()
    {
        var net = ArchRegistry.Create("span", 2, TrainingForm);
        var y = net.Forward(Tensor.Uniform(new Random(2), 0, 255, 1, 3, 9, 10));
        Ops.Mean(y).Backward();
        var grads = net.NamedParameters().ToDictionary(p => p.Name, p => p.Param.Grad);
        foreach (var name in new[] { "conv_1.sk.weight", "conv_1.conv.0.bias", "block_1.c1_r.conv.1.weight", "block_2.c3_r.conv.2.bias",
                                     "conv_cat.weight", "conv_2.sk.bias", "upsampler.0.weight" })
            Assert.True(grads[name] is { } g && Math.Abs(g.MaxAbs()) > 0, $"{name} got no gradient");
    }

    [Fact]
    public void OptionsJson_RoundTrip_RebuildsSameNetwork()
    {
        var net = ArchRegistry.Create("span", 3, """{"features":8,"blocks":3,"folded":false,"gain":3}""");
        var again = (Span)ArchRegistry.Create(net.Arch, net.Scale, net.OptionsJson());
        Assert.Equal((8, 3, false, 3, 3), (again.Settings.Features, again.Settings.Blocks, again.Settings.Folded, again.Settings.Gain, again.Scale));
        Assert.Equal(net.StateDict().Keys, again.StateDict().Keys);
    }

    [Fact]
    public void ReceptiveFieldRadius_CoversEveryConv() =>
        Assert.Equal(1 + 6 * 3 + 1 + 1, new Span().ReceptiveFieldRadius);
}
