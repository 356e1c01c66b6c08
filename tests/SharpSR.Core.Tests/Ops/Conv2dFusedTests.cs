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

    private static (NaiveConv2d, Conv2dOptions, bool) Parse(string config)
    {
        int[] v = config.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var o = new Conv2dOptions(v[7], v[8], v[9], v[10], v[11], v[12], v[13]);
        return (new NaiveConv2d(v[0], v[1], v[2], v[3], v[4], v[5], v[6], o), o, v[14] != 0);
    }
}
