using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Ops;

public class DepthwiseFilterTests
{
    private static float[,] Kernel(int r, int s, int seed)
    {
        var rng = new Random(seed);
        var k = new float[r, s];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < s; j++) k[i, j] = (float)(rng.NextDouble() * 2 - 1);
        return k;
    }

    private static double[,] ToDouble(float[,] k)
    {
        var d = new double[k.GetLength(0), k.GetLength(1)];
        for (int i = 0; i < k.GetLength(0); i++)
            for (int j = 0; j < k.GetLength(1); j++) d[i, j] = k[i, j];
        return d;
    }

    [Theory]
    [InlineData(PaddingMode.Zeros, 3, 3)]
    [InlineData(PaddingMode.Zeros, 5, 5)]
    [InlineData(PaddingMode.Replicate, 3, 3)]
    [InlineData(PaddingMode.Replicate, 5, 3)]
    [InlineData(PaddingMode.Reflect, 3, 3)]
    [InlineData(PaddingMode.Reflect, 5, 5)]
    [InlineData(PaddingMode.Reflect, 1, 3)]
    public void DepthwiseFilter_PaddingModes_MatchesFiniteDifferences(PaddingMode mode, int r, int s)
    {
        var k = Kernel(r, s, r * 10 + s);
        var kd = ToDouble(k);
        GradCheck.Check(t => Core.Ops.DepthwiseFilter(t[0], k, mode), xs => NaiveOps.DepthwiseFilter(xs[0], 4, 7, 9, kd, mode),
            [GradCheck.Random(new Random((int)mode), 2, 2, 7, 9)]);
    }

    [Fact]
    public void DepthwiseFilter_LargeTensor_MatchesReferenceOnParallelPath()
    {
        var k = Kernel(5, 5, 1);
        var x = Tensor.Uniform(new Random(2), -1, 1, 1, 6, 70, 33);
        var y = Core.Ops.DepthwiseFilter(x, k, PaddingMode.Reflect);
        var expected = NaiveOps.DepthwiseFilter(OpTestHelpers.ToDouble(x), 6, 70, 33, ToDouble(k), PaddingMode.Reflect);
        TensorAssert.Close(expected.Select(v => (float)v).ToArray(), y.Data, 1e-5, 1e-5);
    }

    [Fact]
    public void DepthwiseFilter_EvenKernel_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.DepthwiseFilter(Tensor.Zeros(1, 1, 5, 5), new float[2, 3], PaddingMode.Zeros));
        Assert.Contains("DepthwiseFilter", ex.Message);
    }

    [Fact]
    public void DepthwiseFilter_ReflectWiderThanPlane_ThrowsNamingShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.DepthwiseFilter(Tensor.Zeros(1, 1, 2, 8), new float[5, 5], PaddingMode.Reflect));
        Assert.Contains("[1, 1, 2, 8]", ex.Message);
    }
}
