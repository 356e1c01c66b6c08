namespace SharpSR.Imaging.Png.Filters;

/// <summary>Filter type 2: each byte minus the byte above it.</summary>
internal static class UpFilter
{
    public const byte Type = 2;

    public static void Decode(Span<byte> row, ReadOnlySpan<byte> prev)
    {
        for (int i = 0; i < row.Length; i++) row[i] = (byte)(row[i] + prev[i]);
    }

    public static int Encode(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prev, Span<byte> dst)
    {
        int cost = 0;
        for (int i = 0; i < row.Length; i++)
        {
            byte v = (byte)(row[i] - prev[i]);
            dst[i] = v;
            cost += Math.Abs((int)(sbyte)v);
        }
        return cost;
    }
}
