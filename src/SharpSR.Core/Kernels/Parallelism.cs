namespace SharpSR.Core.Kernels;

/// <summary>
/// Work splitting for kernels. Items are claimed dynamically (the calling thread works too), so a core
/// taken by another process slows an op instead of stalling half of it; kernels stay deterministic by
/// giving each item a fixed slice of the output (or a fixed partial sum). Small tensors stay on the
/// calling thread, where the hand-off would cost more than it saves.
/// </summary>
internal static class Parallelism
{
    /// <summary>Element count above which plane-parallel element-wise loops go parallel.</summary>
    public const int MinParallelElements = 1 << 16;

    /// <summary>Worker count: the machine's logical cores, or fewer when limited (benchmarks, tests).</summary>
    public static int Threads { get; private set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Threads a kernel called here will actually use: 1 inside a parallel item, where loops run serially.</summary>
    public static int EffectiveThreads => WorkerPool.InJob ? 1 : Threads;

    /// <summary>Limits kernels to <paramref name="threads"/> threads (at least 1).</summary>
    public static void SetThreads(int threads)
    {
        Threads = Math.Max(1, threads);
    }

    /// <summary>Runs body(i) for i in [0, count); inline when there is one item or one core.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (count == 1 || Threads == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        WorkerPool.Run(count, Threads, body);
    }

    /// <summary>Runs body(0..count-1), in parallel only when <paramref name="totalElements"/> is large.</summary>
    public static void For(int count, long totalElements, Action<int> body)
    {
        if (totalElements >= MinParallelElements) For(count, body);
        else for (int i = 0; i < count; i++) body(i);
    }
}
