namespace SharpSR.Imaging.Png.Filters;

/// <summary>Filter type 1: each byte minus the corresponding byte of the pixel to its left.</summary>
internal static class SubFilter
{
    public const byte Type = 1;

    public static void Decode(Span<byte> row, int bpp)
    {
        for (int i = bpp; i < row.Length; i++) row[i] = (byte)(row[i] + row[i - bpp]);
    }

    public static int Encode(ReadOnlySpan<byte> row, int bpp, Span<byte> dst)
    {
        int cost = 0;
        for (int i = 0; i < row.Length; i++)
        {
            byte v = (byte)(row[i] - (i >= bpp ? row[i - bpp] : 0));
            dst[i] = v;
            cost += Math.Abs((int)(sbyte)v);
        }
        return cost;
    }
}
