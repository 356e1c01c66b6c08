namespace SharpSR.Imaging.Png;

/// <summary>Adler-32 (RFC 1950), the checksum that closes every zlib stream.</summary>
internal static class Adler32
{
    private const uint Mod = 65521;
    // Largest n such that 255·n·(n+1)/2 + (n+1)·(Mod-1) fits in 32 bits: sums may be deferred that long.
    private const int MaxRun = 5552;

    public static uint Update(uint adler, ReadOnlySpan<byte> data)
    {
        uint a = adler & 0xFFFF, b = adler >> 16;
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, MaxRun);
            foreach (byte x in data[..n])
            {
                a += x;
                b += a;
            }
            a %= Mod;
            b %= Mod;
            data = data[n..];
        }
        return (b << 16) | a;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Update(1, data);
}
