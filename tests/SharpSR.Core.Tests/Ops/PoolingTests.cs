using SharpSR.Core.Autograd;
using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;
using static SharpSR.Core.Tests.Ops.OpTestHelpers;

namespace SharpSR.Core.Tests.Ops;

public class PoolingTests
{
    [Theory]
    [InlineData(2, 2, 0, 8, 9)]
    [InlineData(3, 1, 1, 5, 7)]
    [InlineData(3, 2, 1, 9, 11)]
    [InlineData(7, 3, 0, 17, 19)]
    [InlineData(5, 3, 2, 7, 6)]
    [InlineData(1, 1, 0, 3, 4)]
    public void AvgPool2d_Geometries_MatchesFiniteDifferences(int k, int s, int p, int h, int w)
    {
        GradCheck.Check(t => Core.Ops.AvgPool2d(t[0], k, s, p), xs => NaiveOps.AvgPool(xs[0], 6, h, w, k, s, p),
            [GradCheck.Random(new Random(k * 10 + s), 2, 3, h, w)]);
    }

    [Theory]
    [InlineData(2, 2, 0, 8, 9)]
    [InlineData(3, 1, 1, 5, 7)]
    [InlineData(3, 2, 1, 9, 11)]
    [InlineData(7, 3, 0, 17, 19)]
    [InlineData(5, 3, 2, 7, 6)]
    public void MaxPool2d_Geometries_MatchesFiniteDifferences(int k, int s, int p, int h, int w)
    {
        GradCheck.Check(t => Core.Ops.MaxPool2d(t[0], k, s, p), xs => NaiveOps.MaxPool(xs[0], 6, h, w, k, s, p),
            [DistinctValues(new Random(k * 10 + s + 1), 2, 3, h, w)]);
    }

    /// <summary>
    /// A shuffled grid of values 0.01 apart: finite differences (step 1e-3) can then never reorder a window,
    /// which random values in a 49-element window would do now and then.
    /// </summary>
    private static Tensor DistinctValues(Random rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var v = Enumerable.Range(0, t.Length).Select(i => (i - t.Length / 2) * 0.01f).ToArray();
        rng.Shuffle(v);
        v.CopyTo(t.Data, 0);
        t.RequiresGrad = true;
        return t;
    }

    [Theory]
    [InlineData(10, 7, 3, 4)]
    [InlineData(11, 13, 6, 8)]
    [InlineData(5, 3, 1, 1)]
    [InlineData(5, 5, 5, 5)]
    [InlineData(4, 3, 7, 5)]
    [InlineData(9, 9, 2, 3)]
    public void AdaptiveAvgPool2d_Sizes_MatchesFiniteDifferences(int h, int w, int oh, int ow)
    {
        GradCheck.Check(t => Core.Ops.AdaptiveAvgPool2d(t[0], oh, ow), xs => NaiveOps.AdaptiveAvgPool(xs[0], 4, h, w, oh, ow),
            [GradCheck.Random(new Random(h * w), 2, 2, h, w)]);
    }

    [Theory]
    [InlineData("p3x4", 3, 4)]
    [InlineData("p6x8", 6, 8)]
    [InlineData("p1x1", 1, 1)]
    public void AdaptiveAvgPool2d_PyTorchGolden_Matches(string prefix, int oh, int ow) =>
        CheckGoldenCase(LoadGolden("adaptive_avg_pool2d.safetensors"), prefix, x => Core.Ops.AdaptiveAvgPool2d(x, oh, ow));

    [Theory]
    [InlineData("k7s3", 7, 3, 0)]
    [InlineData("k2s2", 2, 2, 0)]
    [InlineData("k3s2p1", 3, 2, 1)]
    public void MaxPool2d_PyTorchGoldenWithTies_Matches(string prefix, int k, int s, int p) =>
        CheckGoldenCase(LoadGolden("max_pool2d.safetensors"), prefix, x => Core.Ops.MaxPool2d(x, k, s, p), 0, 0);

    /// <summary>Without gradients the max pool takes rows then columns: the naive reference exactly, padding and NaN included.</summary>
    [Theory]
    [InlineData(7, 3, 0, 64, 65)]
    [InlineData(3, 2, 1, 9, 10)]
    [InlineData(2, 2, 0, 5, 7)]
    public void MaxPool2d_WithoutGradients_MatchesReference(int k, int s, int p, int h, int w)
    {
        var x = Tensor.Uniform(new Random(k * 10 + h), -1, 1, 2, 3, h, w);
        x.Data[17] = float.NaN;
        var expected = NaiveOps.MaxPool(ToDouble(x), 6, h, w, k, s, p).Select(v => (float)v).ToArray();
        Tensor got;
        using (NoGradScope.Enter()) got = Core.Ops.MaxPool2d(x, k, s, p);
        Assert.Contains(got.Data, float.IsNaN);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i].Equals(got.Data[i]), $"output {i}: {got.Data[i]} for {expected[i]}");
    }

    [Fact]
    public void MaxPool2d_TiedWindow_GradientGoesToFirstMaximum()
    {
        var x = Tensor.Full(1f, 1, 1, 2, 2);
        x.RequiresGrad = true;
        Core.Ops.MaxPool2d(x, 2, 2).Backward(Tensor.Full(3f, 1, 1, 1, 1));
        Assert.Equal([3f, 0f, 0f, 0f], x.Grad!.Data);
    }

    [Fact]
    public void Pools_LargeTensor_MatchReferenceOnParallelPath()
    {
        var x = Tensor.Uniform(new Random(8), -1, 1, 2, 8, 64, 65);
        var xd = ToDouble(x);
        TensorAssert.Close(NaiveOps.MaxPool(xd, 16, 64, 65, 7, 3, 0).Select(v => (float)v).ToArray(), Core.Ops.MaxPool2d(x, 7, 3).Data, 0, 0);
        TensorAssert.Close(NaiveOps.AvgPool(xd, 16, 64, 65, 3, 2, 1).Select(v => (float)v).ToArray(), Core.Ops.AvgPool2d(x, 3, 2, 1).Data, 1e-6, 1e-5);
        TensorAssert.Close(NaiveOps.AdaptiveAvgPool(xd, 16, 64, 65, 6, 8).Select(v => (float)v).ToArray(), Core.Ops.AdaptiveAvgPool2d(x, 6, 8).Data, 1e-6, 1e-5);
    }

    [Fact]
    public void MaxPool2d_KernelLargerThanInput_ThrowsNamingShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.MaxPool2d(Tensor.Zeros(1, 1, 3, 3), 5, 1));
        Assert.Contains("MaxPool2d", ex.Message);
        Assert.Contains("[1, 1, 3, 3]", ex.Message);
    }

    [Fact]
    public void AvgPool2d_NotNchw_Throws() =>
        Assert.Throws<ArgumentException>(() => Core.Ops.AvgPool2d(Tensor.Zeros(3, 3), 2, 2));

    [Fact]
    public void MaxPool2d_PaddingOverHalfKernel_Throws() =>
        Assert.Throws<ArgumentException>(() => Core.Ops.MaxPool2d(Tensor.Zeros(1, 1, 8, 8), 3, 1, 2));
}
