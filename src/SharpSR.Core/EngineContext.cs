using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>
/// The engine's execution state: how many threads kernels use and the workers that run them. A process starts
/// with <see cref="Default"/> (every logical core); a caller that needs its own — a server request, a rank of a
/// distributed run, a benchmark pinned to one core — creates one and runs its work inside <see cref="Enter"/>.
/// Each context has its own worker pool, so two contexts never wait for each other's parallel loops.
/// Scopes that belong to one computation (tensor arena, no-grad, Multi-Adds counting, the initialisation
/// generator) stay per thread, and so follow whoever runs the work.
/// </summary>
public sealed class EngineContext : IDisposable
{
    [ThreadStatic] private static EngineContext? t_current;
    private int _threads;

    public EngineContext(int threads)
    {
        Threads = threads;
        Pool = new WorkerPool(this);
    }

    /// <summary>The context of code that entered none: every logical core.</summary>
    public static EngineContext Default { get; } = new(Environment.ProcessorCount);

    /// <summary>The context entered on this thread (workers run in their pool's), else <see cref="Default"/>.</summary>
    public static EngineContext Current => t_current ?? Default;

    /// <summary>Threads the kernels use, the caller's included (at least 1).</summary>
    public int Threads
    {
        get => _threads;
        set => _threads = Math.Max(1, value);
    }

    internal WorkerPool Pool { get; }

    /// <summary>Makes this the current context on this thread until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        var previous = t_current;
        t_current = this;
        return new Scope(previous);
    }

    internal static void SetCurrentForThread(EngineContext context) => t_current = context;

    /// <summary>Ends the workers; work started later in this context runs on the calling thread.</summary>
    public void Dispose() => Pool.Dispose();

    public readonly struct Scope(EngineContext? previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }
}
