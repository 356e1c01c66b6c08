using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels.Packed;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Models.Tests.Archs;

/// <summary>The packed s-LWSR forward computes the same function as the autograd graph.</summary>
public class SLwsrInferencePlanTests
{
    /// <summary>A network with every parameter perturbed (biases and MeanShifts included), so no fold can hide.</summary>
    private static SLwsr Perturbed(SLwsrOptions o, int seed)
    {
        var net = new SLwsr(o);
        var rng = new Random(seed);
        foreach (var (name, p) in net.NamedParameters())
        {
            float scale = name.EndsWith("bias") ? (name.Contains("mean") ? 20f : 0.05f) : 0.02f;
            for (int i = 0; i < p.Length; i++) p.Data[i] += scale * (float)(rng.NextDouble() * 2 - 1);
        }
        return net;
    }

    private static void AssertSame(SLwsr net, IInferencePlan plan, Tensor x)
    {
        Tensor expected;
        using (NoGradScope.Enter()) expected = net.Forward(x);
        var got = plan.Run(x);
        Assert.Equal(expected.Shape, got.Shape);
        double rel = TensorAssert.RelativeMaxDiff(expected.Data, got.Data);
        Assert.True(rel < 1e-4, $"packed forward differs from the graph by {rel:G3} (relative)");
    }

    public static TheoryData<int, int, InformationPool, ActivationPreset, float, int, int> Cases => new()
    {
        { 16, 4, InformationPool.On, ActivationPreset.All, 0.5f, 11, 7 },
        { 32, 2, InformationPool.Off, ActivationPreset.Half, 0.5f, 9, 13 },
        { 16, 3, InformationPool.AllFormer, ActivationPreset.TwoThirds, 0.3f, 17, 5 },
        { 16, 8, InformationPool.On, ActivationPreset.Rare, 0.5f, 6, 9 },
        { 32, 4, InformationPool.On, ActivationPreset.OneThird, 0.5f, 21, 19 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_EqualsGraphForward(int n, int scale, InformationPool pool, ActivationPreset act, float mix, int w, int h)
    {
        var o = new SLwsrOptions { Features = n, Scale = scale, Pool = pool, Activations = act, PoolMix = mix };
        var net = Perturbed(o, n + scale);
        using var plan = net.CreateInferencePlan();
        if (!PackedConv.IsSupported)
        {
            Assert.Null(plan);
            return;
        }
        Assert.NotNull(plan);
        AssertSame(net, plan, Tensor.Uniform(new Random(scale), 0, 255, 1, 3, h, w));
    }

    [Fact]
    public void Run_AcrossSizesAndAfterRefresh_StaysEqual()
    {
        var net = Perturbed(new SLwsrOptions { Features = 16, Scale = 4 }, 3);
        using var plan = net.CreateInferencePlan();
        if (plan is null) return;   // no AVX-512: the theory above checks that
        Tensor a = Tensor.Uniform(new Random(1), 0, 255, 1, 3, 12, 10), b = Tensor.Uniform(new Random(2), 0, 255, 1, 3, 5, 33);
        Tensor aT = Tensor.Uniform(new Random(3), 0, 255, 1, 3, 10, 12);
        AssertSame(net, plan, a);
        AssertSame(net, plan, aT);   // the ensemble's transpose: a second set of maps
        AssertSame(net, plan, a);    // back to the first set
        AssertSame(net, plan, aT);
        AssertSame(net, plan, b);    // a third size: the oldest set goes
        AssertSame(net, plan, a);    // maps reallocated for a size seen before
        foreach (var p in net.Parameters()) p.Data[0] += 0.01f;
        plan.Refresh();
        AssertSame(net, plan, a);
    }

    [Theory]
    [InlineData(24, 0)]   // not a multiple of 16
    [InlineData(16, 2)]   // compression modules
    public void UnsupportedOptions_HaveNoPlan(int n, int expansion) =>
        Assert.Null(new SLwsr(new SLwsrOptions { Features = n, CompressionExpansion = expansion }).CreateInferencePlan());
}
