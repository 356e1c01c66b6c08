using SharpSR.Imaging.Jpeg;
using SharpSR.Imaging.Tests.Jpeg.Reference;
using Xunit;

namespace SharpSR.Imaging.Tests.Jpeg;

public sealed class JpegTransformTests(ITestOutputHelper output)
{
    /// <summary>Blocks shaped like real JPEG data: a DC term and AC terms that shrink with frequency, sometimes sparse.</summary>
    private static short[] RandomBlock(Random rng, int scale)
    {
        var block = new short[64];
        for (int i = 0; i < 64; i++)
        {
            int freq = i / 8 + i % 8;
            if (rng.NextDouble() < 0.35 + 0.05 * freq) continue;
            int amp = i == 0 ? 1000 : scale / (1 + freq);
            block[i] = (short)rng.Next(-amp, amp + 1);
        }
        return block;
    }

    [Fact]
    public void IdctTransform_RandomBlocks_WithinOneLevelOfDoubleReference()
    {
        var rng = new Random(7);
        var quant = new ushort[64];
        int worst = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            for (int i = 0; i < 64; i++) quant[i] = (ushort)(1 + rng.Next(trial % 3 == 0 ? 2 : 40));
            short[] block = RandomBlock(rng, trial % 2 == 0 ? 60 : 600);
            var pixels = new byte[8 * 11];
            JpegIdct.Transform(block, quant, pixels, 11);

            var dequant = new double[64];
            for (int i = 0; i < 64; i++) dequant[i] = block[i] * quant[i];
            double[] expected = NaiveDct.Inverse(dequant);
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                {
                    int want = (int)Math.Clamp(Math.Round(expected[y * 8 + x]), 0, 255);
                    worst = Math.Max(worst, Math.Abs(want - pixels[y * 11 + x]));
                }
        }
        output.WriteLine($"max |islow - exact| = {worst}");
        Assert.True(worst <= 1, $"integer IDCT is {worst} levels from the exact transform");
    }

    [Fact]
    public void IdctTransform_DcOnly_FillsBlockWithOneValue()
    {
        var block = new short[64];
        block[0] = -13;
        var quant = new ushort[64];
        quant.AsSpan().Fill(16);
        var pixels = new byte[64];
        JpegIdct.Transform(block, quant, pixels, 8);
        // DC −13·16 = −208 → −208/8 = −26 → 102.
        Assert.All(pixels, p => Assert.Equal(102, p));
    }

    [Fact]
    public void ForwardDctTransform_RandomBlocks_MatchesDoubleReference()
    {
        var rng = new Random(11);
        var quant = new byte[64];
        quant.AsSpan().Fill(1);
        var samples = new byte[64];
        var coef = new short[64];
        for (int trial = 0; trial < 200; trial++)
        {
            rng.NextBytes(samples);
            JpegForwardDct.Transform(samples, 8, quant, coef);
            double[] expected = NaiveDct.Forward(samples);
            for (int i = 0; i < 64; i++)
                Assert.True(Math.Abs(expected[i] - coef[i]) <= 0.5 + 1e-9, $"coefficient {i}: {coef[i]} vs {expected[i]:F3}");
        }
    }

    [Fact]
    public void ForwardThenInverse_QuantOne_RecoversSamplesWithinOneLevel()
    {
        var rng = new Random(3);
        var q8 = new byte[64];
        q8.AsSpan().Fill(1);
        var q16 = new ushort[64];
        q16.AsSpan().Fill(1);
        var samples = new byte[64];
        var coef = new short[64];
        var back = new byte[64];
        for (int trial = 0; trial < 200; trial++)
        {
            rng.NextBytes(samples);
            JpegForwardDct.Transform(samples, 8, q8, coef);
            JpegIdct.Transform(coef, q16, back, 8);
            for (int i = 0; i < 64; i++) Assert.InRange(back[i] - samples[i], -1, 1);
        }
    }

    [Fact]
    public void ZigZag_IsPermutationInDiagonalOrder()
    {
        byte[] zz = JpegConstants.ZigZag;
        Assert.Equal(Enumerable.Range(0, 64), zz.Select(b => (int)b).Order());
        Assert.Equal(new byte[] { 0, 1, 8, 16, 9, 2, 3, 10, 17, 24 }, zz[..10]);
        Assert.Equal(new byte[] { 55, 62, 63 }, zz[^3..]);
        for (int k = 1; k < 64; k++)   // consecutive entries are neighbours (one step along a diagonal or an edge)
        {
            int dr = Math.Abs(zz[k] / 8 - zz[k - 1] / 8), dc = Math.Abs(zz[k] % 8 - zz[k - 1] % 8);
            Assert.True(dr <= 1 && dc <= 1);
        }
    }
}
