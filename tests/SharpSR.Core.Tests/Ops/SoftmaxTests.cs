using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;
using static SharpSR.Core.Tests.Ops.OpTestHelpers;

namespace SharpSR.Core.Tests.Ops;

public class SoftmaxTests
{
    [Theory]
    [InlineData("2,3,4,5", 0)]
    [InlineData("2,3,4,5", 1)]
    [InlineData("2,3,4,5", 2)]
    [InlineData("2,3,4,5", 3)]
    [InlineData("2,3,4,5", -1)]
    [InlineData("3,17", 1)]
    [InlineData("3,17", 0)]
    [InlineData("1,110", -1)]
    [InlineData("7", 0)]
    public void Softmax_Axes_MatchesFiniteDifferences(string shape, int axis)
    {
        int[] s = ParseShape(shape);
        int ax = axis < 0 ? axis + s.Length : axis;
        GradCheck.Check(t => Core.Ops.Softmax(t[0], axis), xs => NaiveOps.Softmax(xs[0], s, ax), [GradCheck.Random(new Random(s.Sum() + ax), s)]);
    }

    [Fact]
    public void Softmax_LargeInputs_StaysFiniteAndNormalised()
    {
        var x = Tensor.Uniform(new Random(1), 500f, 1000f, 3, 9);
        var y = Core.Ops.Softmax(x, 1);
        Assert.All(y.Data, v => Assert.True(float.IsFinite(v)));
        for (int r = 0; r < 3; r++) Assert.Equal(1.0, y.Data.Skip(r * 9).Take(9).Sum(v => (double)v), 5);
    }

    [Theory]
    [InlineData("axis1", 1)]
    [InlineData("axis3", 3)]
    public void Softmax_PyTorchGolden_Matches(string prefix, int axis) =>
        CheckGoldenCase(LoadGolden("softmax.safetensors"), prefix, x => Core.Ops.Softmax(x, axis));

    [Fact]
    public void Softmax_AxisOutOfRange_Throws() =>
        Assert.ThrowsAny<ArgumentException>(() => Core.Ops.Softmax(Tensor.Zeros(2, 3), 2));
}
