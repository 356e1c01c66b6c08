using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>Shortcuts to the current <see cref="EngineContext"/>.</summary>
public static class Engine
{
    /// <summary>Threads the kernels of the current context use (default: every logical core).</summary>
    public static int Threads
    {
        get => EngineContext.Current.Threads;
        set => EngineContext.Current.Threads = value;
    }

    /// <summary>
    /// Runs body(i) for i in [0, count) on the engine's threads (the caller included). With several
    /// items, kernels called inside an item run on that item's thread alone: for coarse work split by
    /// the caller, such as data-parallel training.
    /// </summary>
    public static void For(int count, Action<int> body) => Parallelism.For(count, body);
}
