using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Ops;

public class MatMulTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(1, 17, 9)]
    [InlineData(8, 16, 33)]
    [InlineData(6, 5, 3)]
    public void MatMul_Rank2_MatchesFiniteDifferences(int m, int k, int n)
    {
        var rng = new Random(m * 100 + k * 10 + n);
        GradCheck.Check(t => Core.Ops.MatMul(t[0], t[1]), xs => NaiveOps.MatMul(xs[0], xs[1], 1, 1, m, k, n),
            [GradCheck.Random(rng, m, k), GradCheck.Random(rng, k, n)]);
    }

    [Theory]
    [InlineData(3, 3, 2, 5, 7)]
    [InlineData(1, 4, 3, 9, 2)]
    [InlineData(4, 1, 5, 3, 17)]
    [InlineData(1, 1, 2, 2, 2)]
    public void MatMul_Batched_MatchesFiniteDifferences(int ba, int bb, int m, int k, int n)
    {
        var rng = new Random(ba * 7 + bb);
        GradCheck.Check(t => Core.Ops.MatMul(t[0], t[1]), xs => NaiveOps.MatMul(xs[0], xs[1], ba, bb, m, k, n),
            [GradCheck.Random(rng, ba, m, k), GradCheck.Random(rng, bb, k, n)]);
    }

    [Fact]
    public void MatMul_LargeParallel_MatchesReference()
    {
        var rng = new Random(2);
        var a = Tensor.Uniform(rng, -1, 1, 2, 70, 40);
        var b = Tensor.Uniform(rng, -1, 1, 2, 40, 50);
        var y = Core.Ops.MatMul(a, b);
        var expected = NaiveOps.MatMul(a.Data.Select(v => (double)v).ToArray(), b.Data.Select(v => (double)v).ToArray(), 2, 2, 70, 40, 50);
        TensorAssert.Close(expected.Select(v => (float)v).ToArray(), y.Data, 1e-5, 1e-5);
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 4, 5 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 5 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 4, 5 })]
    public void MatMul_IncompatibleShapes_ThrowsNamingShapes(int[] a, int[] b)
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.MatMul(Tensor.Zeros(a), Tensor.Zeros(b)));
        Assert.Contains("MatMul", ex.Message);
        Assert.Contains(Shapes.Format(a), ex.Message);
    }
}
