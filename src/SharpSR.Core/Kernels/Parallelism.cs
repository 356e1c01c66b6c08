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

    /// <summary>Worker count of the current <see cref="EngineContext"/>.</summary>
    public static int Threads => EngineContext.Current.Threads;

    /// <summary>Threads a kernel called here will actually use: 1 inside a parallel item, where loops run serially.</summary>
    public static int EffectiveThreads => WorkerPool.InJob ? 1 : Threads;

    /// <summary>Runs body(i) for i in [0, count); inline when there is one item or one core.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (count == 1 || Threads == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        var context = EngineContext.Current;
        context.Pool.Run(count, context.Threads, body);
    }

    /// <summary>Runs body(0..count-1), in parallel only when <paramref name="totalElements"/> is large.</summary>
    public static void For(int count, long totalElements, Action<int> body)
    {
        if (totalElements >= MinParallelElements) For(count, body);
        else for (int i = 0; i < count; i++) body(i);
    }
}
