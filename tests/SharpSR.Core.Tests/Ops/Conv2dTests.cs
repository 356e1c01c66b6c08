using SharpSR.Core.Autograd;
using SharpSR.Core.Serialization;
using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Ops;

public class Conv2dTests
{
    // "N C H W K R S strideH strideW padH padW dilH dilW groups bias": small enough for finite differences.
    public static TheoryData<string> SmallConfigs() =>
    [
        "1 3 5 6 4 1 1 1 1 0 0 1 1 1 1",     // 1x1
        "2 5 4 7 3 1 1 1 1 0 0 1 1 1 0",     // 1x1, no bias, batch 2
        "1 2 5 5 3 1 1 1 1 1 1 1 1 1 1",     // 1x1 with padding
        "2 5 4 8 3 1 1 1 1 0 0 1 1 1 1",     // 1x1 read in place: 32 pixels, whole vectors
        "1 2 6 7 3 3 3 1 1 1 1 1 1 1 1",     // plain 3x3
        "3 3 5 9 5 3 3 1 1 1 1 1 1 1 0",     // batch 3, odd width, no bias
        "1 2 6 8 3 1 3 1 1 0 1 1 1 1 1",     // 1x3, asymmetric padding
        "1 2 8 6 3 3 1 1 1 1 0 1 1 1 1",     // 3x1
        "1 2 7 7 2 5 5 1 1 2 2 1 1 1 1",     // 5x5, padding 2
        "1 2 7 8 3 3 3 2 2 0 0 1 1 1 1",     // stride 2, padding 0 (ESA)
        "2 2 8 9 3 3 3 2 2 1 1 1 1 1 1",     // stride 2, padding 1
        "1 2 7 9 2 3 3 1 2 1 0 1 1 1 1",     // stride (1, 2), asymmetric padding
        "1 2 9 9 3 3 3 1 1 2 2 2 2 1 1",     // dilation 2
        "1 1 10 11 2 3 3 1 1 3 3 3 3 1 0",   // dilation 3
        "1 1 13 14 2 3 3 1 1 6 6 6 6 1 1",   // dilation 6
        "1 1 9 10 2 3 3 1 1 2 1 2 1 1 1",    // dilation (2, 1)
        "1 4 5 6 6 3 3 1 1 1 1 1 1 2 1",     // groups 2
        "2 8 5 5 4 3 3 1 1 1 1 1 1 4 0",     // groups 4
        "1 4 6 7 4 3 3 1 1 1 1 1 1 4 1",     // depthwise
        "2 3 7 5 6 3 3 1 1 1 1 1 1 3 0",     // depthwise, multiplier 2
        "1 3 8 8 3 3 3 2 2 1 1 1 1 3 1",     // depthwise, stride 2
        "1 3 9 9 3 3 3 1 1 2 2 2 2 3 1",     // depthwise, dilation 2
        "1 9 4 5 11 3 3 1 1 1 1 1 1 1 1",    // 11 output channels: tile remainder
        "1 2 3 19 17 3 3 1 1 1 1 1 1 1 1",   // 17 outputs, width 19
        "1 2 4 4 2 3 3 1 1 0 0 1 1 1 1",     // padding 0, output 2x2
        "1 1 3 3 1 3 3 1 1 0 0 1 1 1 1",     // output 1x1
    ];

    [Theory]
    [MemberData(nameof(SmallConfigs))]
    public void Conv2d_Backward_MatchesFiniteDifferences(string config)
    {
        var (n, o, bias) = Parse(config);
        var rng = new Random(config.GetHashCode(StringComparison.Ordinal) & 0xffff);
        Tensor x = GradCheck.Random(rng, n.N, n.C, n.H, n.W);
        Tensor w = GradCheck.Random(rng, n.K, n.Cg, n.R, n.S);
        Tensor? b = bias ? GradCheck.Random(rng, n.K) : null;
        Tensor[] inputs = b is null ? [x, w] : [x, w, b];
        GradCheck.Check(
            t => Core.Ops.Conv2d(t[0], t[1], t.Length > 2 ? t[2] : null, o),
            d => n.Forward(d[0], d[1], d.Length > 2 ? d[2] : null),
            inputs);
    }

    // Larger shapes that fill whole micro-kernel tiles and run in parallel, checked against the analytic
    // float64 gradients of the reference.
    public static TheoryData<string> LargeConfigs() =>
    [
        "2 16 20 48 16 3 3 1 1 1 1 1 1 1 1",   // s-LWSR block shape
        "1 32 9 50 32 3 3 1 1 1 1 1 1 1 1",
        "1 16 7 33 64 3 3 1 1 1 1 1 1 1 1",    // upsampler
        "2 40 6 37 24 1 1 1 1 0 0 1 1 1 1",    // 1x1 pool
        "1 8 96 100 9 1 1 1 1 0 0 1 1 1 1",    // 1x1 on a long row: column blocks, in-place reads
        "1 64 12 18 3 3 3 1 1 1 1 1 1 1 1",    // final 64->3
        "1 16 21 30 16 3 3 2 2 0 0 1 1 1 1",   // stride 2
        "1 24 11 40 24 3 3 1 1 1 1 1 1 24 1",  // depthwise, wide rows
        "2 8 12 20 16 3 3 1 1 2 2 2 2 2 0",    // groups + dilation
        "1 12 9 70 20 1 3 1 1 0 1 1 1 1 1",    // 1x3
    ];

    [Theory]
    [MemberData(nameof(LargeConfigs))]
    public void Conv2d_LargeShapes_MatchReferenceGradients(string config)
    {
        var (n, o, bias) = Parse(config);
        var rng = new Random(7);
        Tensor x = GradCheck.Random(rng, n.N, n.C, n.H, n.W);
        Tensor w = GradCheck.Random(rng, n.K, n.Cg, n.R, n.S);
        Tensor? b = bias ? GradCheck.Random(rng, n.K) : null;
        Tensor y = Core.Ops.Conv2d(x, w, b, o);
        Tensor dy = Tensor.Uniform(rng, -1, 1, y.ShapeArray);
        y.Backward(dy);

        double[] xd = ToDouble(x), wd = ToDouble(w);
        double[] yRef = n.Forward(xd, wd, b is null ? null : ToDouble(b));
        var (dx, dw, db) = n.Backward(xd, wd, ToDouble(dy));
        double reduce = Math.Sqrt(n.Cg * n.R * n.S);
        TensorAssert.Close(ToFloat(yRef), y.Data, 1e-5 * reduce, 1e-4, "y");
        TensorAssert.Close(ToFloat(dx), x.Grad!.Data, 1e-5 * Math.Sqrt(n.Kg * n.R * n.S), 1e-4, "dx");
        TensorAssert.Close(ToFloat(dw), w.Grad!.Data, 1e-5 * Math.Sqrt(n.N * n.P * n.Q), 1e-4, "dw");
        if (b is not null) TensorAssert.Close(ToFloat(db), b.Grad!.Data, 1e-5 * Math.Sqrt(n.N * n.P * n.Q), 1e-4, "db");
    }

    [Fact]
    public void Conv2d_RepeatedRuns_AreBitIdentical()
    {
        var rng = new Random(11);
        var x = GradCheck.Random(rng, 4, 16, 24, 48);
        var w = GradCheck.Random(rng, 16, 16, 3, 3);
        var b = GradCheck.Random(rng, 16);
        var o = Conv2dOptions.Same(3);
        var dy = Tensor.Uniform(rng, -1, 1, 4, 16, 24, 48);
        float[]? y0 = null, dx0 = null, dw0 = null;
        for (int run = 0; run < 3; run++)
        {
            x.Grad = null; w.Grad = null; b.Grad = null;
            var y = Core.Ops.Conv2d(x, w, b, o);
            y.Backward(dy);
            y0 ??= y.Data; dx0 ??= x.Grad!.Data; dw0 ??= w.Grad!.Data;
            Assert.Equal(y0, y.Data);
            Assert.Equal(dx0, x.Grad!.Data);
            Assert.Equal(dw0, w.Grad!.Data);
        }
    }

    [Fact]
    public void Conv2d_OnlyWeightRequiresGrad_ComputesOnlyWeightGradient()
    {
        var rng = new Random(5);
        var x = Tensor.Uniform(rng, -1, 1, 1, 2, 5, 5);
        var w = GradCheck.Random(rng, 3, 2, 3, 3);
        var b = Tensor.Uniform(rng, -1, 1, 3);
        Core.Ops.Conv2d(x, w, b, Conv2dOptions.Same(3)).Backward(Tensor.Full(1f, 1, 3, 5, 5));
        Assert.Null(x.Grad);
        Assert.Null(b.Grad);
        Assert.NotNull(w.Grad);
    }

    [Fact]
    public void Conv2d_OnlyBiasRequiresGrad_GivesPerChannelSums()
    {
        var rng = new Random(6);
        var x = Tensor.Uniform(rng, -1, 1, 2, 2, 5, 6);
        var w = Tensor.Uniform(rng, -1, 1, 3, 2, 3, 3);
        var b = GradCheck.Random(rng, 3);
        var dy = Tensor.Uniform(rng, -1, 1, 2, 3, 5, 6);
        Core.Ops.Conv2d(x, w, b, Conv2dOptions.Same(3)).Backward(dy);
        Assert.Null(w.Grad);
        for (int k = 0; k < 3; k++)
        {
            double e = 0;
            for (int n = 0; n < 2; n++) for (int i = 0; i < 30; i++) e += dy.Data[(n * 3 + k) * 30 + i];
            Assert.Equal(e, b.Grad!.Data[k], 1e-5);
        }
    }

    [Fact]
    public void Conv2d_InsideNoGradScope_RecordsNothing()
    {
        var rng = new Random(5);
        var x = GradCheck.Random(rng, 1, 2, 5, 5);
        var w = GradCheck.Random(rng, 3, 2, 3, 3);
        using var _ = NoGradScope.Enter();
        Assert.Null(Core.Ops.Conv2d(x, w, null, Conv2dOptions.Same(3)).Node);
    }

    [Fact]
    public void Conv2d_ChannelMismatch_ThrowsNamingShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.Conv2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(4, 2, 3, 3), null, Conv2dOptions.Same(3)));
        Assert.Contains("Conv2d", ex.Message);
        Assert.Contains("[1, 3, 8, 8]", ex.Message);
        Assert.Contains("[4, 2, 3, 3]", ex.Message);
    }

    [Fact]
    public void Conv2d_GroupsNotDividingChannels_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.Conv2d(Tensor.Zeros(1, 6, 8, 8), Tensor.Zeros(4, 2, 3, 3), null, new Conv2dOptions(Groups: 4)));
        Assert.Contains("groups = 4", ex.Message);
    }

    [Fact]
    public void Conv2d_BadBias_ThrowsNamingExpectedShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.Conv2d(Tensor.Zeros(1, 2, 8, 8), Tensor.Zeros(4, 2, 3, 3), Tensor.Zeros(3), Conv2dOptions.Same(3)));
        Assert.Contains("[4]", ex.Message);
        Assert.Contains("[3]", ex.Message);
    }

    [Fact]
    public void Conv2d_KernelLargerThanPaddedInput_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.Conv2d(Tensor.Zeros(1, 2, 2, 8), Tensor.Zeros(4, 2, 3, 3), null, new Conv2dOptions(StrideH: 1)));
        Assert.Contains("smaller than the dilated kernel", ex.Message);
    }

    [Fact]
    public void Conv2d_NonNchwInput_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.Conv2d(Tensor.Zeros(3, 8, 8), Tensor.Zeros(4, 3, 3, 3), null, Conv2dOptions.Same(3)));
        Assert.Contains("NCHW", ex.Message);
    }

    // PyTorch goldens written by tests/fixtures/gen/make_conv_goldens.py.
    public static TheoryData<string> Goldens() =>
        ["plain3x3_16", "groups2", "depthwise", "dilation2", "stride2_pad0", "asym1x3"];

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Conv2d_PyTorchGolden_MatchesForwardAndGradients(string name)
    {
        var f = SafeTensorsFile.Read(TestData.RequireFixture($"conv/{name}.safetensors"));
        var t = f.Tensors;
        var m = f.Metadata;
        var o = new Conv2dOptions(int.Parse(m["stride_h"]), int.Parse(m["stride_w"]), int.Parse(m["pad_h"]), int.Parse(m["pad_w"]),
                                  int.Parse(m["dil_h"]), int.Parse(m["dil_w"]), int.Parse(m["groups"]));
        Tensor x = t["x"], w = t["w"];
        Tensor? b = t.TryGetValue("b", out var bt) ? bt : null;
        x.RequiresGrad = w.RequiresGrad = true;
        if (b is not null) b.RequiresGrad = true;
        Tensor y = Core.Ops.Conv2d(x, w, b, o);
        TensorAssert.Close(t["y"], y, 1e-5, 1e-4, "y");
        y.Backward(t["dy"]);
        TensorAssert.Close(t["dx"], x.Grad!, 1e-5, 1e-4, "dx");
        TensorAssert.Close(t["dw"], w.Grad!, 1e-4, 1e-4, "dw");
        if (b is not null) TensorAssert.Close(t["db"], b.Grad!, 1e-4, 1e-4, "db");
    }

    private static (NaiveConv2d, Conv2dOptions, bool) Parse(string config)
    {
        int[] v = config.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var o = new Conv2dOptions(v[7], v[8], v[9], v[10], v[11], v[12], v[13]);
        return (new NaiveConv2d(v[0], v[1], v[2], v[3], v[4], v[5], v[6], o), o, v[14] != 0);
    }

    private static double[] ToDouble(Tensor t) => t.Data.Select(v => (double)v).ToArray();
    private static float[] ToFloat(double[] d) => d.Select(v => (float)v).ToArray();
}
