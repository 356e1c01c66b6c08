namespace SharpSR.Core.Kernels;

/// <summary>
/// Work splitting for kernels: items are claimed dynamically (the calling thread works too), so a
/// core taken by another process slows the op instead of stalling half of it. Kernels keep results
/// deterministic by giving each item a fixed slice of the output (or a fixed partial sum).
/// </summary>
internal static class Parallelism
{
    /// <summary>Worker count: the machine's logical cores.</summary>
    public static int Threads { get; } = Math.Max(1, Environment.ProcessorCount);

    private static readonly ParallelOptions s_options = new() { MaxDegreeOfParallelism = Threads };

    /// <summary>Runs body(i) for i in [0, count); inline when there is one item or one core.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (count == 1 || Threads == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, s_options, body);
    }
}
