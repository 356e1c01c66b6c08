namespace SharpSR.Imaging.Png.Filters;

// Every filter works on one scanline of filtered bytes without its leading filter-type byte.
// bpp = bytes per complete pixel, rounded up to 1 for sub-byte depths; prev = the unfiltered previous
// scanline of the same pass (all zero for the first). Encode writes the filtered bytes to dst and returns
// the sum of |signed byte| over them, the "minimum sum of absolute differences" heuristic cost.

/// <summary>Filter type 0: the bytes are stored as they are.</summary>
internal static class NoneFilter
{
    public const byte Type = 0;

    public static void Decode(Span<byte> row)
    {
        _ = row; // nothing to undo
    }

    public static int Encode(ReadOnlySpan<byte> row, Span<byte> dst)
    {
        row.CopyTo(dst);
        int cost = 0;
        foreach (byte b in row) cost += Math.Abs((int)(sbyte)b);
        return cost;
    }
}
