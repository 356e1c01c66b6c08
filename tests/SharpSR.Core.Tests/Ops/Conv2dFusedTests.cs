using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Ops;

/// <summary>The fused convolution epilogues: conv → ReLU, and residual + conv.</summary>
public class Conv2dFusedTests
{
    // "N C H W K R S strideH strideW padH padW dilH dilW groups bias" as in Conv2dTests.
    public static TheoryData<string, bool> Configs() => new()
    {
        { "1 2 6 7 3 3 3 1 1 1 1 1 1 1 1", true },
        { "1 2 6 7 3 3 3 1 1 1 1 1 1 1 1", false },
        { "2 3 5 9 3 3 3 1 1 1 1 1 1 1 0", true },
        { "1 9 4 5 11 3 3 1 1 1 1 1 1 1 1", false },   // tile remainder rows
        { "1 2 3 19 17 3 3 1 1 1 1 1 1 1 1", true },   // partial column tile
        { "2 5 4 8 3 1 1 1 1 0 0 1 1 1 1", false },    // 1x1 read in place
        { "1 4 6 7 4 3 3 1 1 1 1 1 1 4 1", true },     // depthwise path
        { "1 2 7 8 3 3 3 2 2 0 0 1 1 1 1", false },    // stride 2
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Fused_Backward_MatchesFiniteDifferences(string config, bool relu)
    {
        var (n, o, bias) = Parse(config);
        var rng = new Random(config.Length * 31 + (relu ? 1 : 0));
        Tensor x = GradCheck.Random(rng, n.N, n.C, n.H, n.W);
        Tensor w = GradCheck.Random(rng, n.K, n.Cg, n.R, n.S);
        Tensor? b = bias ? GradCheck.Random(rng, n.K) : null;
        Tensor r = GradCheck.Random(rng, n.N, n.K, n.P, n.Q);
        var inputs = new List<Tensor> { x, w };
        if (b is not null) inputs.Add(b);
        if (!relu) inputs.Add(r);
        GradCheck.Check(
            t => Core.Ops.Conv2d(t[0], t[1], b is null ? null : t[2], o, relu, relu ? null : t[^1]),
            d =>
            {
                double[] y = n.Forward(d[0], d[1], b is null ? null : d[2]);
                if (relu) return y.Select(v => Math.Max(v, 0)).ToArray();
                double[] res = d[^1];
                return y.Select((v, i) => v + res[i]).ToArray();
            },
            [.. inputs],
            eps: 1e-6);   // the reference is double: a small step keeps pre-activations off ReLU's kink
    }

    /// <summary>Large shapes through the tiled kernel equal the unfused ops bit for bit, forward and backward.</summary>
    [Theory]
    [InlineData(2, 16, 20, 48, 16, true)]
    [InlineData(2, 16, 20, 48, 16, false)]
    [InlineData(1, 16, 9, 61, 64, true)]
    [InlineData(1, 32, 7, 50, 16, false)]
    public void Fused_EqualsUnfusedOps_BitForBit(int batch, int c, int h, int wd, int k, bool relu)
    {
        var rng = new Random(3);
        var o = Conv2dOptions.Same(3);
        Tensor NewX() => Tensor.Uniform(new Random(4), -1, 1, batch, c, h, wd);
        Tensor w = Tensor.Uniform(rng, -0.3f, 0.3f, k, c, 3, 3), b = Tensor.Uniform(rng, -1, 1, k);
        Tensor res = Tensor.Uniform(rng, -1, 1, batch, k, h, wd), dy = Tensor.Uniform(rng, -1, 1, batch, k, h, wd);
        w.RequiresGrad = b.RequiresGrad = res.RequiresGrad = true;

        var x1 = NewX(); x1.RequiresGrad = true;
        var plain = Core.Ops.Conv2d(x1, w, b, o);
        var expected = relu ? Core.Ops.Relu(plain) : res + plain;
        expected.Backward(dy);
        float[] dx1 = x1.Grad!.Data, dw1 = (float[])w.Grad!.Data.Clone(), dr1 = relu ? [] : (float[])res.Grad!.Data.Clone();
        w.Grad = b.Grad = res.Grad = null;

        var x2 = NewX(); x2.RequiresGrad = true;
        var fused = Core.Ops.Conv2d(x2, w, b, o, relu, relu ? null : res);
        Assert.Equal(expected.Data, fused.Data);
        fused.Backward(dy);
        Assert.Equal(dx1, x2.Grad!.Data);
        Assert.Equal(dw1, w.Grad!.Data);
        if (!relu) Assert.Equal(dr1, res.Grad!.Data);
    }

    [Fact]
    public void Fused_ReluAndResidualTogether_AreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Core.Ops.Conv2d(Tensor.Zeros(1, 1, 3, 3), Tensor.Zeros(1, 1, 1, 1), null, Conv2dOptions.Same(1), true, Tensor.Zeros(1, 1, 3, 3)));
        Assert.Contains("ReLU", ex.Message);
    }

    [Fact]
    public void Fused_ResidualOfWrongShape_NamesBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Core.Ops.Conv2d(Tensor.Zeros(1, 1, 3, 3), Tensor.Zeros(2, 1, 1, 1), null, Conv2dOptions.Same(1), false, Tensor.Zeros(1, 1, 3, 3)));
        Assert.Contains("[1, 1, 3, 3]", ex.Message);
        Assert.Contains("[1, 2, 3, 3]", ex.Message);
    }

    [Theory]
    [InlineData(1, 3, 6, 7, true, true)]
    [InlineData(2, 2, 5, 9, false, true)]
    [InlineData(1, 4, 7, 5, true, false)]
    [InlineData(1, 16, 4, 5, true, true)]     // 16 channels: the packed kernels where AVX-512 is present
    [InlineData(2, 16, 3, 4, false, false)]
    public void ResidualBlock_Backward_MatchesFiniteDifferences(int n, int c, int h, int w, bool relu, bool bias)
    {
        var rng = new Random(n * 100 + c * 10 + h);
        var o = Conv2dOptions.Same(3);
        var conv = new NaiveConv2d(n, c, h, w, c, 3, 3, o);
        Tensor x = GradCheck.Random(rng, n, c, h, w);
        Tensor w1 = GradCheck.Random(rng, c, c, 3, 3), w2 = GradCheck.Random(rng, c, c, 3, 3);
        Tensor? b1 = bias ? GradCheck.Random(rng, c) : null, b2 = bias ? GradCheck.Random(rng, c) : null;
        Tensor[] inputs = bias ? [x, w1, b1!, w2, b2!] : [x, w1, w2];
        GradCheck.Check(
            t => bias ? Core.Ops.ResidualBlock(t[0], t[1], t[2], o, t[3], t[4], o, relu) : Core.Ops.ResidualBlock(t[0], t[1], null, o, t[2], null, o, relu),
            d =>
            {
                double[] hd = conv.Forward(d[0], d[1], bias ? d[2] : null);
                if (relu) hd = hd.Select(v => Math.Max(v, 0)).ToArray();
                double[] y = conv.Forward(hd, bias ? d[3] : d[2], bias ? d[4] : null);
                return y.Select((v, i) => v + d[0][i]).ToArray();
            },
            inputs,
            eps: 1e-6);
    }

    /// <summary>
    /// The fused block gives the composed ops' forward and gradients bit for bit on the portable kernels
    /// (tiled kernel sizes); on the packed kernels (AVX-512) the sums run in another order, so to float rounding.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ResidualBlock_EqualsComposedOps(bool relu)
    {
        var rng = new Random(8);
        var o = Conv2dOptions.Same(3);
        Tensor P(params int[] shape) { var t = Tensor.Uniform(rng, -0.3f, 0.3f, shape); t.RequiresGrad = true; return t; }
        Tensor w1 = P(16, 16, 3, 3), b1 = P(16), w2 = P(16, 16, 3, 3), b2 = P(16);
        Tensor dy = Tensor.Uniform(rng, -1, 1, 2, 16, 20, 48);
        Tensor NewX() { var t = Tensor.Uniform(new Random(2), -1, 1, 2, 16, 20, 48); t.RequiresGrad = true; return t; }

        var x1 = NewX();
        var composed = x1 + Core.Ops.Conv2d(Core.Ops.Conv2d(x1, w1, b1, o, relu, null), w2, b2, o);
        composed.Backward(dy);
        float[][] expected = [x1.Grad!.Data, .. new[] { w1, b1, w2, b2 }.Select(p => (float[])p.Grad!.Data.Clone())];
        foreach (var p in new[] { w1, b1, w2, b2 }) p.Grad = null;

        var x2 = NewX();
        var fused = Core.Ops.ResidualBlock(x2, w1, b1, o, w2, b2, o, relu);
        AssertSame(composed.Data, fused.Data, "output");
        fused.Backward(dy);
        float[][] got = [x2.Grad!.Data, .. new[] { w1, b1, w2, b2 }.Select(p => p.Grad!.Data)];
        for (int i = 0; i < expected.Length; i++) AssertSame(expected[i], got[i], $"gradient {i}");
    }

    /// <summary>Bit for bit where the block runs the portable kernels; within float rounding on the packed ones.</summary>
    private static void AssertSame(float[] expected, float[] actual, string what)
    {
        if (!SharpSR.Core.Kernels.Packed.PackedConv.IsSupported) Assert.Equal(expected, actual);
        else TensorAssert.Close(expected, actual, 1e-4, 1e-5, what);
    }

    /// <summary>
    /// A batch large enough to run image by image: forward and input gradient still equal the composed
    /// ops (bit for bit on the portable kernels); weight gradients sum per-image partials, so they agree to float rounding.
    /// </summary>
    [Fact]
    public void ResidualBlock_ImageByImage_MatchesComposedOps()
    {
        var rng = new Random(12);
        var o = Conv2dOptions.Same(3);
        Tensor P(params int[] shape) { var t = Tensor.Uniform(rng, -0.3f, 0.3f, shape); t.RequiresGrad = true; return t; }
        Tensor w1 = P(16, 16, 3, 3), b1 = P(16), w2 = P(16, 16, 3, 3), b2 = P(16);
        int batch = 2 * Math.Max(2, Environment.ProcessorCount) + 1;
        Tensor dy = Tensor.Uniform(rng, -1, 1, batch, 16, 11, 19);
        Tensor NewX() { var t = Tensor.Uniform(new Random(6), -1, 1, batch, 16, 11, 19); t.RequiresGrad = true; return t; }

        var x1 = NewX();
        var composed = x1 + Core.Ops.Conv2d(Core.Ops.Conv2d(x1, w1, b1, o, true, null), w2, b2, o);
        composed.Backward(dy);
        float[] dx1 = x1.Grad!.Data;
        float[][] expected = new[] { w1, b1, w2, b2 }.Select(p => (float[])p.Grad!.Data.Clone()).ToArray();
        foreach (var p in new[] { w1, b1, w2, b2 }) p.Grad = null;

        var x2 = NewX();
        var fused = Core.Ops.ResidualBlock(x2, w1, b1, o, w2, b2, o, true);
        AssertSame(composed.Data, fused.Data, "output");
        fused.Backward(dy);
        AssertSame(dx1, x2.Grad!.Data, "input gradient");
        var got = new[] { w1, b1, w2, b2 }.Select(p => p.Grad!).ToArray();
        for (int i = 0; i < 4; i++) TensorAssert.Close(new Tensor(expected[i], got[i].ShapeArray), got[i], 1e-4, 1e-5, $"parameter {i}");
    }

    [Fact]
    public void ResidualBlock_BodyChangingShape_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.ResidualBlock(Tensor.Zeros(1, 2, 5, 5), Tensor.Zeros(3, 2, 3, 3), null, Conv2dOptions.Same(3),
            Tensor.Zeros(3, 3, 3, 3), null, Conv2dOptions.Same(3), true));
        Assert.Contains("skip", ex.Message);
    }

    private static (NaiveConv2d, Conv2dOptions, bool) Parse(string config)
    {
        int[] v = config.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var o = new Conv2dOptions(v[7], v[8], v[9], v[10], v[11], v[12], v[13]);
        return (new NaiveConv2d(v[0], v[1], v[2], v[3], v[4], v[5], v[6], o), o, v[14] != 0);
    }
}
