using SharpSR.Core.Kernels.Packed;
using Xunit;

namespace SharpSR.Core.Tests.Kernels;

/// <summary>
/// Winograd F(2x2,3x3) and F(4x4,3x3) convolutions against a double-precision convolution and against the direct
/// packed kernels, with every epilogue, on odd sizes (partial tiles at the right and bottom) and every channel count.
/// </summary>
public class WinogradConvTests
{
    // Rounding bound per output: k·2⁻²⁴·S, S = Σ|x·w| + |bias| (+ |residuals| for the adds). F(2x2)'s transforms only
    // add and subtract (coefficients ±1, ±1/2), so it rounds like the direct sum: worst ratio 2.3 on these cases, the
    // direct kernel's 3.5. F(4x4)'s reach coefficients 5 (Bᵀ), 8 (Aᵀ) and 1/24 (G), so intermediates grow ~10x before
    // they cancel: worst ratio 21. k = 8 and 64 leave about 3x over what was measured.
    private static double K(int m) => m == 2 ? 8 : 64;
    private const double Eps = 1.0 / (1 << 24);

    private static float[] Random(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    private static unsafe PackedMap Map(float[] planar, int c, int h, int w)
    {
        var m = new PackedMap(h, w, c);
        m.CopyFromPlanar(planar);
        return m;
    }

    private static float[] Planar(PackedMap m)
    {
        var t = new float[m.C * m.H * m.W];
        m.CopyToPlanar(t);
        return t;
    }

    /// <summary>conv3x3 + bias in double, and Σ|x·w| + |b| per output (planar [cout, h, w]).</summary>
    private static (double[] Value, double[] Magnitude) Reference(float[] x, float[] wt, float[] b, int cin, int cout, int h, int w)
    {
        var value = new double[cout * h * w];
        var mag = new double[cout * h * w];
        for (int o = 0; o < cout; o++)
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++)
                {
                    double s = b[o], a = Math.Abs(b[o]);
                    for (int ci = 0; ci < cin; ci++)
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++)
                            {
                                int iy = y + ky - 1, ix = xx + kx - 1;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                double p = (double)x[(ci * h + iy) * w + ix] * wt[((o * cin + ci) * 3 + ky) * 3 + kx];
                                s += p; a += Math.Abs(p);
                            }
                    value[(o * h + y) * w + xx] = s;
                    mag[(o * h + y) * w + xx] = a;
                }
        return (value, mag);
    }

    private static double Act(double v, float? slope) => slope is { } s ? (v > 0 ? v : v * s) : v;

    public static TheoryData<int, int, int, int, int, int> Cases => new()
    {
        // m, cin, cout, h, w, epilogue (0 plain, 1 relu + 2 residuals + sum, 2 lrelu + residual + lrelu after)
        { 2, 16, 16, 7, 31, 0 }, { 2, 16, 16, 5, 37, 1 }, { 2, 32, 32, 9, 13, 2 }, { 2, 48, 16, 3, 1, 1 }, { 2, 64, 48, 4, 19, 0 }, { 2, 16, 64, 1, 5, 2 },
        { 4, 16, 16, 7, 31, 0 }, { 4, 16, 16, 13, 37, 1 }, { 4, 32, 32, 9, 67, 2 }, { 4, 48, 16, 3, 1, 1 }, { 4, 64, 48, 5, 18, 0 }, { 4, 16, 64, 6, 11, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv3x3Winograd_WithEveryEpilogue_MatchesDoubleAndDirect(int m, int cin, int cout, int h, int w, int epilogue)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(m * 1000 + cin * 10 + w);
        float[] x = Random(rng, cin * h * w), wt = Random(rng, cout * cin * 9), b = Random(rng, cout);
        float[] r1 = Random(rng, cout * h * w), r2 = Random(rng, cout * h * w), extra = Random(rng, cout * h * w);
        using PackedMap src = Map(x, cin, h, w), pr1 = Map(r1, cout, h, w), pr2 = Map(r2, cout, h, w), pExtra = Map(extra, cout, h, w);
        using PackedMap got = new(h, w, cout), gotSum = new(h, w, cout), direct = new(h, w, cout), directSum = new(h, w, cout);
        PackedEpilogue Ep(PackedMap sumInto) => epilogue switch
        {
            0 => default,
            1 => new PackedEpilogue(Before: 0, Residual: pr1, Residual2: pr2, SumWith: pExtra, SumInto: sumInto),
            _ => new PackedEpilogue(Before: 0.1f, Residual: pr1, After: 0.2f),
        };
        PackedConv.Conv3x3Winograd(src, new PackedWeightsWinograd(wt, b, cout, cin, m), got, Ep(gotSum));
        PackedConv.Conv3x3(src, new PackedWeights3x3(wt, b, cout, cin), direct, Ep(directSum));

        var (conv, mag) = Reference(x, wt, b, cin, cout, h, w);
        float[] g = Planar(got), d = Planar(direct), gs = Planar(gotSum), ds = Planar(directSum);
        for (int i = 0; i < conv.Length; i++)
        {
            double v = conv[i], scale = mag[i];
            if (epilogue == 1) { v = Act(v, 0) + r1[i] + r2[i]; scale += Math.Abs(r1[i]) + Math.Abs(r2[i]); }
            else if (epilogue == 2) { v = Act(Act(v, 0.1f) + r1[i], 0.2f); scale += Math.Abs(r1[i]); }
            double bound = K(m) * Eps * scale;
            Assert.True(Math.Abs(g[i] - v) <= bound, $"output {i}: Winograd {g[i]}, double {v}, bound {bound}");
            if (epilogue == 1)
            {
                double sum = v + extra[i];
                Assert.True(Math.Abs(gs[i] - sum) <= bound + Eps * Math.Abs(sum), $"sum {i}: Winograd {gs[i]}, double {sum}");
                Assert.True(Math.Abs(gs[i] - ds[i]) <= 2 * bound + 2 * Eps * Math.Abs(sum), $"sum {i}: Winograd {gs[i]}, direct {ds[i]}");
            }
        }
        PackedConvTests.AssertBorderZero(got);
    }

    /// <summary>
    /// The streamed Winograd residual block gives its two convolutions' numbers bit for bit: one tile row, a partial last
    /// tile row, bands (each recomputing conv1's tile rows beside it) on one and on three threads, F(4x4) and F(2x2).
    /// </summary>
    [Theory]
    [InlineData(16, 9, 13, true, 4)]
    [InlineData(32, 5, 6, false, 4)]
    [InlineData(16, 3, 7, true, 4)]
    [InlineData(16, 150, 9, true, 4)]
    [InlineData(48, 71, 5, false, 4)]
    [InlineData(16, 67, 11, true, 2)]
    public void ResidualBlockWinograd_EqualsTwoConvolutions(int c, int h, int w, bool relu, int m)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(c + h);
        float[] x = Random(rng, c * h * w), w1 = Random(rng, c * c * 9), b1 = Random(rng, c), w2 = Random(rng, c * c * 9), b2 = Random(rng, c);
        float[] r2 = Random(rng, c * h * w), with = Random(rng, c * h * w);
        var p1 = new PackedWeightsWinograd(w1, b1, c, c, m);
        var p2 = new PackedWeightsWinograd(w2, b2, c, c, m);
        using PackedMap px = Map(x, c, h, w), pr2 = Map(r2, c, h, w), pwith = Map(with, c, h, w);
        using PackedMap inner = new(h, w, c), expected = new(h, w, c), expectedSum = new(h, w, c), got = new(h, w, c), gotSum = new(h, w, c);
        PackedConv.Conv3x3Winograd(px, p1, inner, new PackedEpilogue(Before: relu ? 0 : null));
        PackedConv.Conv3x3Winograd(inner, p2, expected, new PackedEpilogue(Residual: px, Residual2: pr2, SumWith: pwith, SumInto: expectedSum));
        foreach (int threads in new[] { 1, 3 })
        {
            using var engine = new EngineContext(threads);
            using var scope = engine.Enter();
            for (int round = 0; round < 2; round++)   // twice: the second run reuses the threads' buffers
            {
                PackedConv.ResidualBlockWinograd(px, p1, relu, p2, got, pr2, pwith, gotSum);
                Assert.Equal(Planar(expected), Planar(got));
                Assert.Equal(Planar(expectedSum), Planar(gotSum));
                PackedConvTests.AssertBorderZero(got);
            }
        }
        var f2 = new PackedWeightsWinograd(w2, b2, c, c, 6 - m);
        Assert.Throws<ArgumentException>(() => PackedConv.ResidualBlockWinograd(px, p1, relu, f2, got));
    }

    /// <summary>The shuffled store (a sub-pixel upsampler, with or without a ReLU before the shuffle) by Winograd matches the direct one within the rounding bound.</summary>
    [Theory]
    [InlineData(2, 16, 2, 7, 9, false)]
    [InlineData(2, 16, 2, 5, 6, true)]
    [InlineData(4, 16, 2, 5, 11, false)]
    [InlineData(4, 32, 2, 6, 3, false)]
    [InlineData(4, 16, 3, 4, 5, false)]
    [InlineData(4, 64, 2, 9, 26, true)]
    public void Conv3x3WinogradShuffle_MatchesDirectShuffle(int m, int c, int r, int h, int w, bool relu)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(m + c + r + w);
        int cout = c * r * r;
        float[] x = Random(rng, c * h * w), wt = Random(rng, cout * c * 9), b = Random(rng, cout);
        var order = PackedConv.ShuffleOrder(c, r);
        using PackedMap src = Map(x, c, h, w), direct = new(h * r, w * r, c), got = new(h * r, w * r, c);
        PackedConv.Conv3x3Shuffle(src, new PackedWeights3x3(wt, b, cout, c, order), r, direct, relu);
        PackedConv.Conv3x3WinogradShuffle(src, new PackedWeightsWinograd(wt, b, cout, c, m, order), r, got, relu);
        var (_, mag) = Reference(x, wt, b, c, cout, h, w);
        double bound = 2 * K(m) * Eps * mag.Max();   // both kernels' rounding, at the largest Σ|x·w| (outputs are shuffled, so bounded globally)
        float[] d = Planar(direct), g = Planar(got);
        for (int i = 0; i < d.Length; i++) Assert.True(Math.Abs(d[i] - g[i]) <= bound, $"output {i}: Winograd {g[i]}, direct {d[i]}, bound {bound}");
        PackedConvTests.AssertBorderZero(got);
    }

    /// <summary>
    /// The Winograd upsampler streamed into the RGB head equals the Winograd shuffle followed by the head, bit for bit: tile
    /// rows split into bands (each recomputing the tile row above), a partial last tile row, factors 2 and 3.
    /// </summary>
    [Theory]
    [InlineData(16, 2, 1, 9, 3)]
    [InlineData(16, 2, 6, 5, 3)]
    [InlineData(16, 2, 17, 13, 3)]
    [InlineData(32, 2, 13, 6, 3)]
    [InlineData(16, 3, 9, 7, 1)]
    [InlineData(64, 2, 8, 4, 2)]
    public void WinogradShuffleToPlanar_EqualsShuffleThenHead(int c, int r, int h, int w, int cout)
    {
        if (!PackedConv.IsSupported) return;
        var rng = new Random(c + r * 10 + h);
        int cu = c * r * r;
        float[] x = Random(rng, c * h * w), wt = Random(rng, cu * c * 9), b = Random(rng, cu), hw = Random(rng, cout * c * 9), hb = Random(rng, cout);
        var up = new PackedWeightsWinograd(wt, b, cu, c, 4, PackedConv.ShuffleOrder(c, r));
        var head = new PackedWeightsToPlanar(hw, hb, cout, c);
        using PackedMap src = Map(x, c, h, w), hr = new(h * r, w * r, c);
        PackedConv.Conv3x3WinogradShuffle(src, up, r, hr);
        var expected = new float[cout * h * r * w * r];
        PackedConv.Conv3x3ToPlanar(hr, head, expected);
        for (int round = 0; round < 2; round++)   // twice: the second run reuses the threads' rings
        {
            var got = new float[expected.Length];
            PackedConv.Conv3x3ShuffleToPlanar(src, up, r, head, got);
            Assert.Equal(expected, got);
        }
        Assert.Throws<ArgumentException>(() => PackedConv.Conv3x3ShuffleToPlanar(src, up, r, head, new float[expected.Length - 1]));
    }
}
