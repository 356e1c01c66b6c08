namespace SharpSR.Imaging.Png.Filters;

/// <summary>Filter type 3: each byte minus floor((left + above) / 2), computed without overflow.</summary>
internal static class AverageFilter
{
    public const byte Type = 3;

    public static void Decode(Span<byte> row, ReadOnlySpan<byte> prev, int bpp)
    {
        for (int i = 0; i < row.Length; i++)
        {
            int left = i >= bpp ? row[i - bpp] : 0;
            row[i] = (byte)(row[i] + ((left + prev[i]) >> 1));
        }
    }

    public static int Encode(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prev, int bpp, Span<byte> dst)
    {
        int cost = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int left = i >= bpp ? row[i - bpp] : 0;
            byte v = (byte)(row[i] - ((left + prev[i]) >> 1));
            dst[i] = v;
            cost += Math.Abs((int)(sbyte)v);
        }
        return cost;
    }
}
