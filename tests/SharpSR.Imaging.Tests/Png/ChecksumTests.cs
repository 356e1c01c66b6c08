using SharpSR.Imaging.Png;
using Xunit;

namespace SharpSR.Imaging.Tests.Png;

public class ChecksumTests
{
    [Fact]
    public void Crc32_KnownVector_MatchesStandard() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void Crc32_RandomLengths_MatchBitwiseReference()
    {
        var rng = new Random(3);
        foreach (int n in new[] { 0, 1, 2, 7, 8, 9, 255, 256, 1000, 70_000 })
        {
            var data = new byte[n];
            rng.NextBytes(data);
            Assert.Equal(PngTestBuilder.BitwiseCrc(data), Crc32.Compute(data));
        }
    }

    [Fact]
    public void Adler32_KnownVector_MatchesRfc1950Example() => Assert.Equal(0x11E60398u, Adler32.Compute("Wikipedia"u8));

    [Fact]
    public void Adler32_LongRunsOfFF_MatchesNaiveModuloEachStep()
    {
        // All-0xFF data is the worst case for the deferred modulo: lengths around the 5552-byte run limit.
        foreach (int n in new[] { 0, 1, 5551, 5552, 5553, 11104, 100_000 })
        {
            var data = new byte[n];
            Array.Fill(data, (byte)0xFF);
            uint a = 1, b = 0;
            foreach (byte x in data)
            {
                a = (a + x) % 65521;
                b = (b + a) % 65521;
            }
            Assert.Equal((b << 16) | a, Adler32.Compute(data));
        }
    }
}
