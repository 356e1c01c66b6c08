using SharpSR.Imaging.Png.Filters;
using Xunit;

namespace SharpSR.Imaging.Tests.Png;

/// <summary>Each filter against a per-byte reference written from the PNG specification's formulas.</summary>
public class PngFilterTests
{
    private static int Predict(byte type, byte[] row, byte[] prev, int i, int bpp)
    {
        int a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
        switch (type)
        {
            case 0: return 0;
            case 1: return a;
            case 2: return b;
            case 3: return (a + b) / 2;
            default:
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)1)]
    [InlineData((byte)2)]
    [InlineData((byte)3)]
    [InlineData((byte)4)]
    public void EncodeDecode_AllLengthsAndBpp_MatchReferenceAndInvert(byte type)
    {
        var rng = new Random(type);
        foreach (int bpp in new[] { 1, 2, 3, 4, 6, 8 })
            foreach (int len in new[] { 0, 1, bpp, bpp + 1, 17, 64 })
            {
                var row = new byte[len];
                var prev = new byte[len];
                rng.NextBytes(row);
                rng.NextBytes(prev);
                var filtered = new byte[len];
                int cost = PngFilters.Encode(type, row, prev, bpp, filtered);
                int expectedCost = 0;
                for (int i = 0; i < len; i++)
                {
                    byte expected = (byte)(row[i] - Predict(type, row, prev, i, bpp));
                    Assert.Equal(expected, filtered[i]);
                    expectedCost += Math.Abs((int)(sbyte)expected);
                }
                Assert.Equal(expectedCost, cost);
                Assert.True(PngFilters.TryDecode(type, filtered, prev, bpp));
                Assert.Equal(row, filtered);
            }
    }

    [Fact]
    public void TryDecode_UnknownType_ReturnsFalse() => Assert.False(PngFilters.TryDecode(5, new byte[4], new byte[4], 1));
}
