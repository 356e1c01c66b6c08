namespace SharpSR.Imaging.Png.Filters;

/// <summary>Filter type 4: each byte minus the Paeth predictor of left (a), above (b) and upper-left (c).</summary>
internal static class PaethFilter
{
    public const byte Type = 4;

    /// <summary>Of a, b, c, the one closest to a + b − c; ties prefer a, then b.</summary>
    public static int Predictor(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    public static void Decode(Span<byte> row, ReadOnlySpan<byte> prev, int bpp)
    {
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int c = i >= bpp ? prev[i - bpp] : 0;
            row[i] = (byte)(row[i] + Predictor(a, prev[i], c));
        }
    }

    public static int Encode(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prev, int bpp, Span<byte> dst)
    {
        int cost = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int c = i >= bpp ? prev[i - bpp] : 0;
            byte v = (byte)(row[i] - Predictor(a, prev[i], c));
            dst[i] = v;
            cost += Math.Abs((int)(sbyte)v);
        }
        return cost;
    }
}
