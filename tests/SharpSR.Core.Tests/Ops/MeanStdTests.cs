using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Ops;

public class MeanStdTests
{
    [Theory]
    [InlineData(2, 3, 5, 7)]
    [InlineData(1, 4, 1, 17)]
    [InlineData(1, 2, 9, 9)]
    [InlineData(3, 1, 1, 2)]
    public void ChannelMean_Shapes_MatchesFiniteDifferences(int n, int c, int h, int w) =>
        GradCheck.Check(t => Core.Ops.ChannelMean(t[0]), xs => NaiveOps.ChannelMean(xs[0], n * c, h * w),
            [GradCheck.Random(new Random(n + c + h + w), n, c, h, w)]);

    [Theory]
    [InlineData(2, 3, 5, 7)]
    [InlineData(1, 4, 1, 17)]
    [InlineData(1, 2, 9, 9)]
    [InlineData(3, 1, 1, 2)]
    public void ChannelStd_Shapes_MatchesFiniteDifferences(int n, int c, int h, int w) =>
        GradCheck.Check(t => Core.Ops.ChannelStd(t[0]), xs => NaiveOps.ChannelStd(xs[0], n * c, h * w),
            [GradCheck.Random(new Random(n * c + h * w), n, c, h, w)]);

    [Fact]
    public void ChannelStd_ConstantPlane_ZeroOutputAndFiniteZeroGradient()
    {
        var x = Tensor.Full(0.5f, 1, 2, 3, 3);
        x.RequiresGrad = true;
        var y = Core.Ops.ChannelStd(x);
        Assert.All(y.Data, v => Assert.Equal(0f, v));
        y.Backward(Tensor.Full(1f, 1, 2, 1, 1));
        Assert.All(x.Grad!.Data, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void ChannelMean_NotNchw_Throws() =>
        Assert.Throws<ArgumentException>(() => Core.Ops.ChannelMean(Tensor.Zeros(2, 3, 4)));
}
