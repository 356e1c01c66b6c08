namespace SharpSR.Core.Kernels.Packed;

/// <summary>
/// A few numbered maps kept for reuse by one thread (hold it in a [ThreadStatic] field): a slot's map is
/// reallocated, zeroed, only when a different size is asked for, so its border is zero and the interior
/// holds whatever was written last. Kernels never write the border, so it stays zero between uses.
/// </summary>
internal sealed class PackedMapSlots(int slots)
{
    private readonly PackedMap?[] _maps = new PackedMap?[slots];

    public PackedMap Get(int slot, int h, int w, int c)
    {
        var map = _maps[slot];
        if (map is null || map.H != h || map.W != w || map.C != c)
        {
            map?.Dispose();
            map = _maps[slot] = new PackedMap(h, w, c);
        }
        return map;
    }
}
