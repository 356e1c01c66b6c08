using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>Process-wide engine settings.</summary>
public static class Engine
{
    /// <summary>Threads the kernels use (default: every logical core).</summary>
    public static int Threads
    {
        get => Parallelism.Threads;
        set => Parallelism.SetThreads(value);
    }
}
