using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;
using static SharpSR.Core.Tests.Ops.OpTestHelpers;

namespace SharpSR.Core.Tests.Ops;

public class InterpolateTests
{
    [Theory]
    [InlineData(5, 7, 13, 10)]
    [InlineData(11, 9, 4, 5)]
    [InlineData(6, 8, 7, 3)]
    [InlineData(4, 4, 4, 4)]
    [InlineData(3, 5, 6, 10)]
    [InlineData(1, 1, 3, 2)]
    public void ResizeBilinear_Sizes_MatchesFiniteDifferences(int h, int w, int oh, int ow)
    {
        GradCheck.Check(t => Core.Ops.ResizeBilinear(t[0], oh, ow), xs => NaiveOps.Bilinear(xs[0], 2, h, w, oh, ow),
            [GradCheck.Random(new Random(h + oh), 1, 2, h, w)]);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("down")]
    [InlineData("mixed")]
    public void ResizeBilinear_PyTorchGolden_Matches(string prefix)
    {
        var golden = LoadGolden("resize_bilinear.safetensors");
        var y = golden[prefix + ".y"];
        CheckGoldenCase(golden, prefix, x => Core.Ops.ResizeBilinear(x, y.H, y.W));
    }

    [Fact]
    public void ResizeBilinear_LargeTensor_MatchesReferenceOnParallelPath()
    {
        var x = Tensor.Uniform(new Random(6), -1, 1, 1, 8, 40, 30);
        var y = Core.Ops.ResizeBilinear(x, 100, 75);
        TensorAssert.Close(NaiveOps.Bilinear(ToDouble(x), 8, 40, 30, 100, 75).Select(v => (float)v).ToArray(), y.Data, 1e-5, 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void UpsampleNearest_Factors_MatchesFiniteDifferences(int f)
    {
        GradCheck.Check(t => Core.Ops.UpsampleNearest(t[0], f), xs => NaiveOps.Nearest(xs[0], 6, 3, 5, f),
            [GradCheck.Random(new Random(f), 2, 3, 3, 5)]);
    }

    [Fact]
    public void ResizeBilinear_ZeroSize_ThrowsNamingShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.ResizeBilinear(Tensor.Zeros(1, 1, 4, 4), 0, 3));
        Assert.Contains("ResizeBilinear", ex.Message);
        Assert.Contains("[1, 1, 4, 4]", ex.Message);
    }
}
