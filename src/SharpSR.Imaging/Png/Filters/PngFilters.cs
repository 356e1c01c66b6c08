namespace SharpSR.Imaging.Png.Filters;

/// <summary>Dispatch over the five scanline filters of PNG filter method 0.</summary>
internal static class PngFilters
{
    /// <summary>Undoes filter <paramref name="type"/> in place; false for an unknown type.</summary>
    public static bool TryDecode(byte type, Span<byte> row, ReadOnlySpan<byte> prev, int bpp)
    {
        switch (type)
        {
            case NoneFilter.Type: NoneFilter.Decode(row); return true;
            case SubFilter.Type: SubFilter.Decode(row, bpp); return true;
            case UpFilter.Type: UpFilter.Decode(row, prev); return true;
            case AverageFilter.Type: AverageFilter.Decode(row, prev, bpp); return true;
            case PaethFilter.Type: PaethFilter.Decode(row, prev, bpp); return true;
            default: return false;
        }
    }

    /// <summary>Applies filter <paramref name="type"/> (0-4) into dst and returns its heuristic cost.</summary>
    public static int Encode(byte type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prev, int bpp, Span<byte> dst) => type switch
    {
        NoneFilter.Type => NoneFilter.Encode(row, dst),
        SubFilter.Type => SubFilter.Encode(row, bpp, dst),
        UpFilter.Type => UpFilter.Encode(row, prev, dst),
        AverageFilter.Type => AverageFilter.Encode(row, prev, bpp, dst),
        PaethFilter.Type => PaethFilter.Encode(row, prev, bpp, dst),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "PNG filter types are 0-4"),
    };
}
