using SharpSR.Core.Kernels.Packed;
using Graph = SharpSR.Core.Ops;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Kernels;

/// <summary>The packed inference convolutions against the autograd graph's Conv2d / PixelShuffle (PyTorch-checked).</summary>
public class PackedConvTests
{
    private static Tensor Random(Random rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }

    private static PackedMap Pack(Tensor x)
    {
        var m = new PackedMap(x.H, x.W, x.C);
        m.CopyFromPlanar(x.Data);
        return m;
    }

    private static Tensor Unpack(PackedMap m)
    {
        var t = Tensor.Zeros(1, m.C, m.H, m.W);
        m.CopyToPlanar(t.Data);
        return t;
    }

    /// <summary>The border must still be zero after a kernel wrote the interior.</summary>
    internal static unsafe void AssertBorderZero(PackedMap m)
    {
        for (int y = -1; y <= m.H; y++)
            for (int x = -1; x <= m.W; x++)
            {
                if (y >= 0 && y < m.H && x >= 0 && x < m.W) continue;
                float* p = m.At(y, x);
                for (int c = 0; c < m.C; c++) Assert.True(p[c] == 0, $"border pixel ({y},{x}) channel {c} is {p[c]}");
            }
    }

    /// <summary>Planar -> packed -> planar puts every value where the layout says (16x16 register blocks and the element-wise rest).</summary>
    [Theory]
    [InlineData(3, 2, 5)]
    [InlineData(16, 3, 16)]
    [InlineData(16, 2, 37)]
    [InlineData(32, 4, 33)]
    [InlineData(48, 1, 1)]
    public unsafe void PlanarCopies_PlaceEveryChannelAndRoundTrip(int c, int h, int w)
    {
        var planar = new float[c * h * w];
        for (int i = 0; i < planar.Length; i++) planar[i] = i + 1;
        using var map = new PackedMap(h, w, c);
        map.CopyFromPlanar(planar);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int k = 0; k < c; k++)
                    Assert.Equal(planar[(k * h + y) * w + x], map.At(y, x)[k]);
        AssertBorderZero(map);
        var back = new float[planar.Length];
        map.CopyToPlanar(back);
        Assert.Equal(planar, back);
    }

    /// <summary>The weight and bias gradients equal the graph's Conv2d backward (checked against PyTorch and finite differences).</summary>
    [Theory]
    [InlineData(16, 16, 5, 37)]
    [InlineData(32, 32, 4, 13)]
    [InlineData(16, 32, 3, 20)]
    [InlineData(64, 16, 2, 9)]
    [InlineData(48, 48, 1, 1)]
    public void FilterGradient3x3_MatchesGraph(int cin, int cout, int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(cin * 7 + cout + w);
        Tensor x = Random(rng, 1, cin, h, w), weight = Random(rng, cout, cin, 3, 3), bias = Random(rng, cout), dy = Random(rng, 1, cout, h, w);
        weight.RequiresGrad = true;
        bias.RequiresGrad = true;
        Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3)).Backward(dy);

        using PackedMap px = Pack(x), pdy = Pack(dy);
        var dw = new float[weight.Length];
        var db = new float[cout];
        PackedConv.FilterGradient3x3(px, pdy, dw, db);
        TensorAssert.Close(weight.Grad!, new Tensor(dw, weight.ShapeArray), 1e-4, 1e-4, "weight gradient");
        TensorAssert.Close(bias.Grad!, new Tensor(db, bias.ShapeArray), 1e-4, 1e-4, "bias gradient");

        var dwOnly = new float[weight.Length];
        PackedConv.FilterGradient3x3(px, pdy, dwOnly, default);
        Assert.Equal(dw, dwOnly);
    }

    /// <summary>Conv3x3 with transposed weights is the data gradient; the gate is a ReLU's backward, then a residual gradient adds.</summary>
    [Theory]
    [InlineData(16, 16, 6, 27)]
    [InlineData(32, 32, 3, 12)]
    [InlineData(16, 48, 4, 9)]
    public void TransposedConv3x3_WithGate_IsTheDataGradient(int cin, int cout, int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(cin + cout * 3 + h);
        Tensor x = Random(rng, 1, cin, h, w), weight = Random(rng, cout, cin, 3, 3), dy = Random(rng, 1, cout, h, w);
        Tensor gate = Random(rng, 1, cin, h, w), residual = Random(rng, 1, cin, h, w);
        x.RequiresGrad = true;
        Graph.Conv2d(x, weight, null, Conv2dOptions.Same(3)).Backward(dy);
        var expected = new float[x.Length];
        for (int i = 0; i < expected.Length; i++) expected[i] = (gate.Data[i] > 0 ? x.Grad!.Data[i] : 0) + residual.Data[i];

        var transposed = PackedWeights3x3.Transposed(weight.Data, cout: cin, cin: cout);
        using PackedMap pdy = Pack(dy), pgate = Pack(gate), pres = Pack(residual), dx = new(h, w, cin), plain = new(h, w, cin);
        PackedConv.Conv3x3(pdy, transposed, dx, residual: pres, gate: pgate);
        PackedConv.Conv3x3(pdy, transposed, plain);
        TensorAssert.Close(x.Grad!, Unpack(plain), 1e-4, 1e-4, "data gradient");
        TensorAssert.Close(new Tensor(expected, x.ShapeArray), Unpack(dx), 1e-4, 1e-4, "gated data gradient + residual");
        AssertBorderZero(dx);
    }

    /// <summary>The row-streamed residual block gives two Conv3x3 calls' numbers bit for bit, on every band split.</summary>
    [Theory]
    [InlineData(16, 1, 7, true, false)]
    [InlineData(16, 2, 5, false, true)]
    [InlineData(16, 3, 19, true, true)]
    [InlineData(16, 13, 37, true, false)]
    [InlineData(32, 9, 11, true, true)]
    [InlineData(64, 6, 4, false, false)]
    public void ResidualBlock3x3_Streamed_EqualsTwoConvolutions(int c, int h, int w, bool relu, bool extras)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(c + h * 10 + w);
        Tensor x = Random(rng, 1, c, h, w), w1 = Random(rng, c, c, 3, 3), b1 = Random(rng, c), w2 = Random(rng, c, c, 3, 3), b2 = Random(rng, c);
        Tensor r2 = Random(rng, 1, c, h, w), with = Random(rng, 1, c, h, w);
        var p1 = new PackedWeights3x3(w1.Data, b1.Data, c, c);
        var p2 = new PackedWeights3x3(w2.Data, b2.Data, c, c);
        using PackedMap px = Pack(x), pr2 = Pack(r2), pwith = Pack(with);
        using PackedMap inner = new(h, w, c), expected = new(h, w, c), expectedSum = new(h, w, c), got = new(h, w, c), gotSum = new(h, w, c);
        PackedConv.Conv3x3(px, p1, inner, relu);
        if (extras) PackedConv.Conv3x3(inner, p2, expected, residual: px, residual2: pr2, sumWith: pwith, sumInto: expectedSum);
        else PackedConv.Conv3x3(inner, p2, expected, residual: px);
        for (int round = 0; round < 2; round++)   // twice: the second run reuses the threads' rings
        {
            if (extras) PackedConv.ResidualBlock3x3(px, p1, relu, p2, got, residual2: pr2, sumWith: pwith, sumInto: gotSum);
            else PackedConv.ResidualBlock3x3(px, p1, relu, p2, got);
            Assert.Equal(Unpack(expected).Data, Unpack(got).Data);
            if (extras) Assert.Equal(Unpack(expectedSum).Data, Unpack(gotSum).Data);
            AssertBorderZero(got);
        }
    }

    // Widths cover every tile (16 and 10 wide) and each remainder tile (8, 4, 2, 1).
    [Theory]
    [InlineData(3, 16, 5, 37)]
    [InlineData(16, 16, 7, 31)]
    [InlineData(16, 16, 3, 1)]
    [InlineData(32, 32, 4, 29)]
    [InlineData(16, 64, 3, 23)]
    [InlineData(64, 48, 2, 19)]
    [InlineData(48, 16, 3, 17)]
    public void Conv3x3_WithReluResidualsAndSum_MatchesGraph(int cin, int cout, int h, int w)
    {
        var rng = new Random(cin * 100 + w);
        Tensor x = Random(rng, 1, cin, h, w), weight = Random(rng, cout, cin, 3, 3), bias = Random(rng, cout);
        Tensor r1 = Random(rng, 1, cout, h, w), r2 = Random(rng, 1, cout, h, w), extra = Random(rng, 1, cout, h, w);
        var packed = new PackedWeights3x3(weight.Data, bias.Data, cout, cin);
        using var src = Pack(x);
        using PackedMap dst = new(h, w, cout), pr1 = Pack(r1), pr2 = Pack(r2), pExtra = Pack(extra), sum = new(h, w, cout), plain = new(h, w, cout);
        if (!PackedConv.IsSupported)
        {
            Assert.Throws<PlatformNotSupportedException>(() => PackedConv.Conv3x3(src, packed, dst));
            return;
        }
        PackedConv.Conv3x3(src, packed, dst, relu: true, residual: pr1, residual2: pr2, sumWith: pExtra, sumInto: sum);
        PackedConv.Conv3x3(src, packed, plain);

        Tensor conv = Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3));
        Tensor expected = Graph.Relu(conv) + r1 + r2;
        TensorAssert.Close(conv, Unpack(plain), 1e-4, 1e-4, "plain");
        TensorAssert.Close(expected, Unpack(dst), 1e-4, 1e-4, "relu + residuals");
        TensorAssert.Close(expected + extra, Unpack(sum), 1e-4, 1e-4, "second sum");
        AssertBorderZero(dst);
        AssertBorderZero(sum);
    }

    [Theory]
    [InlineData(16, 2, 5, 13)]
    [InlineData(32, 2, 3, 11)]
    [InlineData(16, 3, 4, 9)]
    public void Conv3x3Shuffle_MatchesConvThenPixelShuffle(int c, int r, int h, int w)
    {
        if (!PackedConv.IsSupported) return;   // covered by the Conv3x3 test's platform check
        var rng = new Random(c + r);
        Tensor x = Random(rng, 1, c, h, w), weight = Random(rng, c * r * r, c, 3, 3), bias = Random(rng, c * r * r);
        var packed = new PackedWeights3x3(weight.Data, bias.Data, c * r * r, c, PackedConv.ShuffleOrder(c, r));
        using var src = Pack(x);
        using var dst = new PackedMap(h * r, w * r, c);
        PackedConv.Conv3x3Shuffle(src, packed, r, dst);
        Tensor expected = Graph.PixelShuffle(Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3)), r);
        TensorAssert.Close(expected, Unpack(dst), 1e-4, 1e-4, "shuffled");
        AssertBorderZero(dst);
    }

    /// <summary>Grouped 3x3s of 16 input channels per group (CARN-M): one, two and three output blocks per group, with a ReLU and a residual.</summary>
    [Theory]
    [InlineData(4, 64, 5, 37)]
    [InlineData(4, 128, 3, 23)]
    [InlineData(2, 32, 4, 13)]
    [InlineData(2, 96, 2, 9)]
    public void Conv3x3_Grouped_MatchesGraph(int groups, int cout, int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        int cin = 16 * groups;
        var rng = new Random(groups * 100 + cout + w);
        Tensor x = Random(rng, 1, cin, h, w), weight = Random(rng, cout, 16, 3, 3), bias = Random(rng, cout), res = Random(rng, 1, cout, h, w);
        var packed = new PackedWeights3x3(weight.Data, bias.Data, cout, 16, convGroups: groups);
        using PackedMap src = Pack(x), pres = Pack(res), dst = new(h, w, cout);
        PackedConv.Conv3x3(src, packed, dst, relu: true, residual: pres);
        Tensor expected = Graph.Relu(Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3, groups: groups))) + res;
        TensorAssert.Close(expected, Unpack(dst), 1e-4, 1e-4, "grouped");
        AssertBorderZero(dst);
    }

    /// <summary>
    /// G-IDRN's refinement conv: two groups of 28 channels made dense in a 64-channel map, each output block reading
    /// only its groups' input range (28, 56, 28, 28), against the graph's grouped Conv2d.
    /// </summary>
    [Theory]
    [InlineData(5, 37)]
    [InlineData(3, 11)]
    public void Conv3x3_DenseWithInputRanges_MatchesGroupedGraph(int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        const int c = 56, cp = 64, groups = 2, cg = c / groups;
        var rng = new Random(h * 10 + w);
        Tensor x = Random(rng, 1, c, h, w), weight = Random(rng, c, cg, 3, 3), bias = Random(rng, c);
        var (dense, denseBias) = DenseOfGrouped(weight, bias, c, cp, groups);
        (int, int)[] ranges = [(0, 28), (0, 56), (28, 28), (28, 28)];
        var packed = PackedWeights3x3.WithInputRanges(dense, denseBias, cp, cp, b => ranges[b]);
        var padded = Tensor.Zeros(1, cp, h, w);
        Array.Copy(x.Data, padded.Data, x.Length);
        using PackedMap src = Pack(padded), dst = new(h, w, cp);
        PackedConv.Conv3x3(src, packed, dst, relu: true);
        Tensor expected = Graph.Relu(Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3, groups: groups)));
        var got = Unpack(dst);
        var real = Tensor.Zeros(1, c, h, w);
        Array.Copy(got.Data, real.Data, real.Length);
        TensorAssert.Close(expected, real, 1e-4, 1e-4, "ranged");
        for (int i = real.Length; i < got.Length; i++) Assert.Equal(0f, got.Data[i]);
        AssertBorderZero(dst);
    }

    /// <summary>A [c, c/groups, 3, 3] conv's weight made dense [cp, cp, 3, 3] (zero outside its groups and in the padding) and its bias padded to cp.</summary>
    private static (float[] Weight, float[] Bias) DenseOfGrouped(Tensor weight, Tensor bias, int c, int cp, int groups)
    {
        int cg = c / groups;
        var dense = new float[cp * cp * 9];
        var denseBias = new float[cp];
        for (int o = 0; o < c; o++)
        {
            denseBias[o] = bias.Data[o];
            for (int ci = 0; ci < cg; ci++) Array.Copy(weight.Data, (o * cg + ci) * 9, dense, (o * cp + o / cg * cg + ci) * 9, 9);
        }
        return (dense, denseBias);
    }

    /// <summary>A map of <paramref name="cp"/> channels holding x in its first ones and NaN in the padding, which no kernel may read.</summary>
    private static PackedMap PackPoisoned(Tensor x, int cp)
    {
        var padded = Tensor.Zeros(1, cp, x.H, x.W);
        Array.Fill(padded.Data, float.NaN);
        Array.Copy(x.Data, padded.Data, x.Length);
        return Pack(padded);
    }

    /// <summary>The first c channels of a map, planar.</summary>
    private static Tensor UnpackFirst(PackedMap m, int c)
    {
        var t = Tensor.Zeros(1, c, m.H, m.W);
        m.CopyToPlanar(t.Data, c);
        return t;
    }

    /// <summary>
    /// E-RFDN's 50, PAN's 40, SPAN's 28 channels in maps padded to 64, 48, 32: the tiles loop over the real input channels
    /// only (the padding holds NaN here), the padded outputs come out zero, and the result is the graph's conv.
    /// </summary>
    [Theory]
    [InlineData(50, 64, 3, 37)]
    [InlineData(40, 48, 4, 13)]
    [InlineData(28, 32, 2, 19)]
    [InlineData(12, 16, 3, 9)]
    public void Conv3x3_PaddedInput_ReadsOnlyRealChannels_MatchesGraph(int c, int cp, int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(c * 10 + w);
        Tensor x = Random(rng, 1, c, h, w), weight = Random(rng, c, c, 3, 3), bias = Random(rng, c), res = Random(rng, 1, c, h, w);
        var (dense, denseBias) = DenseOfGrouped(weight, bias, c, cp, 1);
        var packed = PackedWeights3x3.WithInputRanges(dense, denseBias, cp, cp, _ => (0, c));
        var paddedRes = Tensor.Zeros(1, cp, h, w);
        Array.Copy(res.Data, paddedRes.Data, res.Length);
        using PackedMap src = PackPoisoned(x, cp), pres = Pack(paddedRes), dst = new(h, w, cp);
        PackedConv.Conv3x3(src, packed, dst, new PackedEpilogue(Before: 0.1f, Residual: pres));
        Tensor conv = Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3));
        Tensor expected = Graph.LeakyRelu(conv, 0.1f) + res;
        TensorAssert.Close(expected, UnpackFirst(dst, c), 1e-4, 1e-4, "padded input");
        var all = Unpack(dst);
        for (int i = c * h * w; i < all.Length; i++) Assert.Equal(0f, all.Data[i]);
        AssertBorderZero(dst);
    }

    /// <summary>A 1x1 over sources of 25 (E-RFDN's distilled parts) and 12 real channels of 32- and 16-channel maps: the padding (NaN) is never read.</summary>
    [Theory]
    [InlineData(25, 32, 50, 3, 21)]
    [InlineData(12, 16, 16, 2, 9)]
    public void Conv1x1_PaddedSources_ReadOnlyRealChannels_MatchesGraph(int c, int cp, int cout, int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(c + cout + w);
        Tensor a = Random(rng, 1, c, h, w), b = Random(rng, 1, c, h, w), p = Random(rng, 1, c, h, w);
        Tensor weight = Random(rng, cout, 2 * c, 1, 1), bias = Random(rng, cout);
        int coutP = (cout + 15) / 16 * 16;
        var wide = new float[coutP * 2 * cp];   // [coutP, 2·cp]: part j's columns at j·cp
        var paddedBias = new float[coutP];
        for (int o = 0; o < cout; o++)
        {
            paddedBias[o] = bias.Data[o];
            for (int j = 0; j < 2; j++) Array.Copy(weight.Data, o * 2 * c + j * c, wide, o * 2 * cp + j * cp, c);
        }
        var packed = new PackedWeights1x1(wide, paddedBias, coutP, 2 * cp, cp, [(0, 1f), (cp, 0.5f), (cp, 2f)], [c, c, c]);
        using PackedMap pa = PackPoisoned(a, cp), pb = PackPoisoned(b, cp), pp = PackPoisoned(p, cp), dst = new(h, w, coutP);
        PackedConv.Conv1x1([pa, pb, pp], packed, dst);
        Tensor expected = Graph.Conv2d(Graph.Concat([a, b * 0.5f + p * 2f]), weight, bias, Conv2dOptions.Same(1));
        TensorAssert.Close(expected, UnpackFirst(dst, cout), 1e-4, 1e-4, "1x1 over padded sources");
        AssertBorderZero(dst);
    }

    /// <summary>
    /// G-IDRN's refinement conv with its blocks placed inside the groups (channels 0, 12 | 28, 40, each reading its group's
    /// 28 inputs; the overlaps computed twice): the graph's grouped conv with a residual and a second sum, the padding
    /// outputs written zero over a destination that held NaN.
    /// </summary>
    [Theory]
    [InlineData(4, 29)]
    [InlineData(2, 3)]
    public unsafe void Conv3x3_GroupPlacedBlocks_MatchesGroupedGraph(int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        const int c = 56, cp = 64, groups = 2, cg = c / groups;
        var rng = new Random(h * 7 + w);
        Tensor x = Random(rng, 1, c, h, w), weight = Random(rng, c, cg, 3, 3), bias = Random(rng, c);
        Tensor res = Random(rng, 1, c, h, w), extra = Random(rng, 1, c, h, w);
        var (dense, denseBias) = DenseOfGrouped(weight, bias, c, cp, groups);
        int[] placed = [0, 12, 28, 40];
        var packed = PackedWeights3x3.WithInputRanges(dense, denseBias, cp, cp, b => (placed[b] / cg * cg, cg), placed, c);
        Tensor Padded(Tensor t)
        {
            var p = Tensor.Zeros(1, cp, h, w);
            Array.Copy(t.Data, p.Data, t.Length);
            return p;
        }
        using PackedMap src = PackPoisoned(x, cp), pres = Pack(Padded(res)), pextra = Pack(Padded(extra)), dst = new(h, w, cp), sum = new(h, w, cp);
        foreach (var m in new[] { dst, sum })
            for (int y = 0; y < h; y++)
                new Span<float>(m.At(y, 0), w * cp).Fill(float.NaN);
        PackedConv.Conv3x3(src, packed, dst, new PackedEpilogue(Before: 0.05f, Residual: pres, SumWith: pextra, SumInto: sum));
        Tensor expected = Graph.LeakyRelu(Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3, groups: groups)), 0.05f) + res;
        TensorAssert.Close(expected, UnpackFirst(dst, c), 1e-4, 1e-4, "placed blocks");
        TensorAssert.Close(expected + extra, UnpackFirst(sum, c), 1e-4, 1e-4, "placed blocks, second sum");
        foreach (var m in new[] { dst, sum })
        {
            var all = Unpack(m);
            for (int i = c * h * w; i < all.Length; i++) Assert.Equal(0f, all.Data[i]);
            AssertBorderZero(m);
        }
    }

    /// <summary>
    /// The same placed blocks on Winograd F(2x2) and F(4x4): each block's products read its group's 28 transformed
    /// inputs only; odd sizes leave partial tiles, the padding outputs are written zero over NaN.
    /// </summary>
    [Theory]
    [InlineData(4, 9, 29)]
    [InlineData(4, 5, 3)]
    [InlineData(2, 7, 11)]
    public unsafe void Winograd_GroupPlacedBlocks_MatchesGroupedGraph(int m, int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        const int c = 56, cp = 64, groups = 2, cg = c / groups;
        var rng = new Random(m * 100 + h * 7 + w);
        Tensor x = Random(rng, 1, c, h, w), weight = Random(rng, c, cg, 3, 3), bias = Random(rng, c), res = Random(rng, 1, c, h, w);
        var (dense, denseBias) = DenseOfGrouped(weight, bias, c, cp, groups);
        int[] placed = [0, 12, 28, 40];
        var packed = PackedWeightsWinograd.WithInputRanges(dense, denseBias, cp, cp, m, b => (placed[b] / cg * cg, cg), placed, c);
        var paddedRes = Tensor.Zeros(1, cp, h, w);
        Array.Copy(res.Data, paddedRes.Data, res.Length);
        using PackedMap src = PackPoisoned(x, cp), pres = Pack(paddedRes), dst = new(h, w, cp);
        for (int y = 0; y < h; y++) new Span<float>(dst.At(y, 0), w * cp).Fill(float.NaN);
        PackedConv.Conv3x3Winograd(src, packed, dst, new PackedEpilogue(Residual: pres, After: 0.05f));
        Tensor expected = Graph.LeakyRelu(Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3, groups: groups)) + res, 0.05f);
        TensorAssert.Close(expected, UnpackFirst(dst, c), 2e-4, 2e-4, $"placed blocks, F({m}x{m})");
        var all = Unpack(dst);
        for (int i = c * h * w; i < all.Length; i++) Assert.Equal(0f, all.Data[i]);
        AssertBorderZero(dst);
    }

    /// <summary>
    /// ESA's mask taken into its 1x1's store, then G-IDRN's weighted shortcuts: a · (sigmoid(conv(x)) + offset) + s1·r1 + s2·r2
    /// against the graph's ops, on 14 real input channels of 16 and 50 outputs of 64 (padding stays zero).
    /// </summary>
    [Theory]
    [InlineData(0f, 3, 21, false)]
    [InlineData(-0.5f, 2, 5, false)]
    [InlineData(0f, 3, 17, true)]    // SiLU-like: (out + a) · sigmoid(out)
    [InlineData(-0.5f, 1, 9, true)]  // SPAN's attention: (out + x) · (sigmoid(out) - 0.5)
    public void Conv1x1_GateAndScaledResiduals_MatchGraph(float offset, int h, int w, bool self)
    {
        if (!PackedConv.IsSupported) return;
        const int cin = 14, cinP = 16, cout = 50, coutP = 64;
        var rng = new Random(h * 31 + w);
        Tensor x = Random(rng, 1, cin, h, w) * 4f, weight = Random(rng, cout, cin, 1, 1), bias = Random(rng, cout);
        Tensor a = Random(rng, 1, cout, h, w), r1 = Random(rng, 1, cout, h, w), r2 = Random(rng, 1, cout, h, w);
        var wide = new float[coutP * cinP];
        var paddedBias = new float[coutP];
        for (int o = 0; o < cout; o++)
        {
            paddedBias[o] = bias.Data[o];
            Array.Copy(weight.Data, o * cin, wide, o * cinP, cin);
        }
        var packed = new PackedWeights1x1(wide, paddedBias, coutP, cinP, cinP, [(0, 1f)], [cin]);
        Tensor Padded(Tensor t)
        {
            var p = Tensor.Zeros(1, coutP, h, w);
            Array.Copy(t.Data, p.Data, t.Length);
            return p;
        }
        using PackedMap px = PackPoisoned(x, cinP), pa = Pack(Padded(a)), p1 = Pack(Padded(r1)), p2 = Pack(Padded(r2)), dst = new(h, w, coutP);
        PackedConv.Conv1x1([px], packed, dst, new PackedEpilogue(Residual: p1, Residual2: p2, Mask: pa, MaskOffset: offset, ResidualScale: 0.75f, Residual2Scale: -1.5f, MaskSelf: self));
        Tensor conv = Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(1));
        Tensor expected = (self ? conv + a : a) * Graph.AddScalar(Graph.Sigmoid(conv), offset) + r1 * 0.75f + r2 * -1.5f;
        TensorAssert.Close(expected, UnpackFirst(dst, cout), 1e-5, 1e-5, "gated 1x1");
        var all = Unpack(dst);
        for (int i = cout * h * w; i < all.Length; i++) Assert.Equal(0f, all.Data[i]);
        AssertBorderZero(dst);
    }

    /// <summary>The stores' float e^x over its whole useful range, within 2 ulps of the double result.</summary>
    [Fact]
    public void StoreExp_IsWithinTwoUlps()
    {
        if (!PackedConv.IsSupported) return;
        double worst = 0, at = 0, got = 0;
        var lanes = new float[16];
        for (float x0 = -87f; x0 < 88f; x0 += 0.37f)
        {
            for (int l = 0; l < 16; l++) lanes[l] = x0 + l * 0.0231f;
            var e = PackedEpilogue.Exp(System.Runtime.Intrinsics.Vector512.Create(lanes));
            for (int l = 0; l < 16; l++)
            {
                double exact = Math.Exp(lanes[l]);
                double ulp = (double)MathF.BitIncrement((float)exact) - (float)exact;
                if (exact > 1.2e-38 && exact < 3e38 && Math.Abs(e[l] - exact) / ulp > worst) (worst, at, got) = (Math.Abs(e[l] - exact) / ulp, lanes[l], e[l]);
            }
        }
        Assert.True(worst <= 2, $"e^x off by {worst:F2} ulps at x = {at}: {got} for {Math.Exp(at)}");
        var ends = PackedEpilogue.Sigmoid(System.Runtime.Intrinsics.Vector512.Create(-200f, 200f, 0f, 1f, -1f, 30f, -30f, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal(0f, ends[0], 1e-30f);
        Assert.Equal(1f, ends[1]);
        Assert.Equal(0.5f, ends[2]);
        Assert.Equal(1 / (1 + Math.Exp(-1)), ends[3], 1e-7);
    }

    /// <summary>CARN-M's upsampler step: a grouped conv, a ReLU and a pixel shuffle in one store.</summary>
    [Theory]
    [InlineData(4, 2, 3, 21)]
    [InlineData(2, 2, 4, 9)]
    public void Conv3x3Shuffle_GroupedWithRelu_MatchesGraph(int groups, int r, int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        int c = 16 * groups;
        var rng = new Random(groups + r + w);
        Tensor x = Random(rng, 1, c, h, w), weight = Random(rng, c * r * r, 16, 3, 3), bias = Random(rng, c * r * r);
        var packed = new PackedWeights3x3(weight.Data, bias.Data, c * r * r, 16, PackedConv.ShuffleOrder(c, r), groups);
        using PackedMap src = Pack(x), dst = new(h * r, w * r, c);
        PackedConv.Conv3x3Shuffle(src, packed, r, dst, relu: true);
        Tensor expected = Graph.PixelShuffle(Graph.Relu(Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3, groups: groups))), r);
        TensorAssert.Close(expected, Unpack(dst), 1e-4, 1e-4, "grouped shuffle");
        AssertBorderZero(dst);
    }

    [Theory]
    [InlineData(16, 16, 6, 33)]
    [InlineData(32, 32, 3, 27)]
    [InlineData(16, 16, 2, 1)]
    public void Conv1x1_OverScaledSources_MatchesConcatThenConv(int cin, int cout, int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(cin + w);
        Tensor a = Random(rng, 1, cin, h, w), b = Random(rng, 1, cin, h, w), p = Random(rng, 1, cin, h, w);
        Tensor weight = Random(rng, cout, 2 * cin, 1, 1), bias = Random(rng, cout);
        // The s-LWSR fusion: conv1x1(cat[a, 0.7·b + 0.3·p]) with the mix folded into the packed weights.
        var packed = new PackedWeights1x1(weight.Data, bias.Data, cout, 2 * cin, cin, [(0, 1f), (cin, 0.7f), (cin, 0.3f)]);
        using PackedMap pa = Pack(a), pb = Pack(b), pp = Pack(p), dst = new(h, w, cout);
        PackedConv.Conv1x1([pa, pb, pp], packed, dst);
        Tensor expected = Graph.Conv2d(Graph.Concat([a, b * 0.7f + p * 0.3f]), weight, bias, Conv2dOptions.Same(1));
        TensorAssert.Close(expected, Unpack(dst), 1e-4, 1e-4, "1x1");
        AssertBorderZero(dst);
    }

    [Theory]
    [InlineData(16, 3, 7, 21)]
    [InlineData(32, 3, 4, 5)]
    [InlineData(64, 1, 3, 4)]
    public void Conv3x3ToPlanar_MatchesGraph(int cin, int cout, int h, int w)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(cin * cout + h);
        Tensor x = Random(rng, 1, cin, h, w), weight = Random(rng, cout, cin, 3, 3), bias = Random(rng, cout);
        using var src = Pack(x);
        var output = Tensor.Zeros(1, cout, h, w);
        PackedConv.Conv3x3ToPlanar(src, new PackedWeightsToPlanar(weight.Data, bias.Data, cout, cin), output.Data);
        TensorAssert.Close(Graph.Conv2d(x, weight, bias, Conv2dOptions.Same(3)), output, 1e-4, 1e-4, "planar");
    }

    /// <summary>The streamed upsampler + head equals the shuffle conv followed by the head, bit for bit, on every band split.</summary>
    [Theory]
    [InlineData(16, 2, 1, 9, 3)]
    [InlineData(16, 2, 2, 5, 3)]
    [InlineData(16, 2, 7, 13, 3)]
    [InlineData(32, 2, 5, 6, 3)]
    [InlineData(16, 3, 4, 7, 3)]
    [InlineData(16, 3, 9, 3, 1)]
    [InlineData(64, 2, 3, 4, 2)]
    public void Conv3x3ShuffleToPlanar_EqualsShuffleThenHead(int c, int r, int h, int w, int cout)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(c + r * 10 + h);
        Tensor x = Random(rng, 1, c, h, w), upW = Random(rng, c * r * r, c, 3, 3), upB = Random(rng, c * r * r);
        Tensor headW = Random(rng, cout, c, 3, 3), headB = Random(rng, cout);
        var up = new PackedWeights3x3(upW.Data, upB.Data, c * r * r, c, PackedConv.ShuffleOrder(c, r));
        var head = new PackedWeightsToPlanar(headW.Data, headB.Data, cout, c);
        using var src = Pack(x);
        using var hr = new PackedMap(h * r, w * r, c);
        PackedConv.Conv3x3Shuffle(src, up, r, hr);
        var expected = new float[cout * h * r * w * r];
        PackedConv.Conv3x3ToPlanar(hr, head, expected);
        for (int round = 0; round < 2; round++)   // twice: the second run reuses the threads' rings
        {
            var got = new float[expected.Length];
            PackedConv.Conv3x3ShuffleToPlanar(src, up, r, head, got);
            Assert.Equal(expected, got);
        }
    }

    [Fact]
    public void MismatchedShapes_AreRefused()
    {
        var packed = new PackedWeights3x3(new float[16 * 16 * 9], [], 16, 16);
        using PackedMap src = new(4, 4, 32), ok = new(4, 4, 16), wrong = new(4, 5, 16);
        Assert.Throws<ArgumentException>(() => new PackedWeights3x3(new float[3 * 16 * 9], [], 3, 16));
        if (!PackedConv.IsSupported) return;
        Assert.Throws<ArgumentException>(() => PackedConv.Conv3x3(src, packed, ok));
        using var src16 = new PackedMap(4, 4, 16);
        Assert.Throws<ArgumentException>(() => PackedConv.Conv3x3(src16, packed, wrong));
        Assert.Throws<ArgumentException>(() => PackedConv.Conv3x3(src16, packed, ok, residual: wrong));
    }
}
