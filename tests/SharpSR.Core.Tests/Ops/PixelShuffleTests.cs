using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;
using static SharpSR.Core.Tests.Ops.OpTestHelpers;

namespace SharpSR.Core.Tests.Ops;

public class PixelShuffleTests
{
    [Theory]
    [InlineData(1, 4, 3, 5, 2)]
    [InlineData(2, 8, 1, 1, 2)]
    [InlineData(1, 18, 4, 3, 3)]
    [InlineData(2, 16, 3, 2, 4)]
    [InlineData(1, 3, 2, 7, 1)]
    public void PixelShuffle_Shapes_MatchesFiniteDifferences(int n, int c, int h, int w, int r)
    {
        GradCheck.Check(t => Core.Ops.PixelShuffle(t[0], r), xs => NaiveOps.PixelShuffle(xs[0], n, c, h, w, r),
            [GradCheck.Random(new Random(c + h), n, c, h, w)]);
    }

    [Fact]
    public void PixelShuffle_LargeTensor_MatchesReferenceOnParallelPath()
    {
        var x = Tensor.Uniform(new Random(4), -1, 1, 2, 16, 48, 45);   // 69,120 elements: above the parallel threshold
        var y = Core.Ops.PixelShuffle(x, 2);
        Assert.Equal([2, 4, 96, 90], y.ShapeArray);
        var expected = NaiveOps.PixelShuffle(ToDouble(x), 2, 16, 48, 45, 2);
        Assert.Equal(expected.Select(v => (float)v).ToArray(), y.Data);
    }

    [Theory]
    [InlineData("r2", 2)]
    [InlineData("r3", 3)]
    public void PixelShuffle_PyTorchGolden_Matches(string prefix, int r) =>
        CheckGoldenCase(LoadGolden("pixel_shuffle.safetensors"), prefix, x => Core.Ops.PixelShuffle(x, r), 0, 0);

    [Fact]
    public void PixelShuffle_ChannelsNotDivisible_ThrowsNamingShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.PixelShuffle(Tensor.Zeros(1, 6, 2, 2), 2));
        Assert.Contains("PixelShuffle", ex.Message);
        Assert.Contains("[1, 6, 2, 2]", ex.Message);
    }
}
