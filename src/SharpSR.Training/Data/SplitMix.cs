namespace SharpSR.Training.Data;

/// <summary>
/// A small counter-based generator: the stream for (seed, iteration) is a pure function of both, so a
/// resumed training run draws exactly the batches an uninterrupted one would.
/// </summary>
public struct SplitMix
{
    private ulong _state;

    public SplitMix(ulong seed, ulong stream = 0) => _state = Mix(seed ^ Mix(stream + 0x9E3779B97F4A7C15UL));

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        return (int)((NextULong() >> 11) % (ulong)n);
    }

    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
