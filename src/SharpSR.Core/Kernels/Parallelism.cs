namespace SharpSR.Core.Kernels;

/// <summary>
/// When to go parallel: heavy per-plane ops split their N·C planes across cores once the tensor is
/// large enough for the thread hand-off to pay; small tensors stay on the calling thread.
/// </summary>
internal static class Parallelism
{
    /// <summary>Element count above which plane-parallel loops use <see cref="Parallel.For(int, int, Action{int})"/>.</summary>
    public const int MinParallelElements = 1 << 16;

    /// <summary>Runs body(0..count-1), in parallel when <paramref name="totalElements"/> is large.</summary>
    public static void For(int count, long totalElements, Action<int> body)
    {
        if (count > 1 && totalElements >= MinParallelElements && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, count, body);
        }
        else
        {
            for (int i = 0; i < count; i++) body(i);
        }
    }
}
