using System.Diagnostics;

namespace SharpSR.Core.Autograd;

/// <summary>
/// Where the time goes, op by op: while a profiler is active on a thread, each recorded op's forward
/// (the time since the previous op finished, so module glue counts with the op that follows it) and
/// each backward closure are timed, keyed by op name and output shape.
/// </summary>
public sealed class OpProfiler : IDisposable
{
    [ThreadStatic] private static OpProfiler? t_active;

    private readonly Dictionary<(string Op, string Shape, bool Backward), (double Seconds, long Calls)> _times = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly OpProfiler? _outer;
    private double _last;

    private OpProfiler()
    {
        _outer = t_active;
        t_active = this;
    }

    /// <summary>Starts profiling the current thread's ops until disposed.</summary>
    public static OpProfiler Start() => new();

    /// <summary>Restarts the clock of forward attribution (call before each timed run).</summary>
    public void Mark() => _last = _clock.Elapsed.TotalSeconds;

    /// <summary>Totals per (op, output shape, pass), the largest first.</summary>
    public IReadOnlyList<(string Op, string Shape, bool Backward, double Seconds, long Calls)> Results() =>
        _times.Select(kv => (kv.Key.Op, kv.Key.Shape, kv.Key.Backward, kv.Value.Seconds, kv.Value.Calls))
              .OrderByDescending(r => r.Seconds).ToList();

    public void Dispose()
    {
        if (t_active == this) t_active = _outer;
    }

    internal static bool IsActive => t_active is not null;

    internal static void Forward(string op, Tensor output)
    {
        var p = t_active!;
        double now = p._clock.Elapsed.TotalSeconds;
        p.Add(op, output, backward: false, now - p._last);
        p._last = p._clock.Elapsed.TotalSeconds;
    }

    internal static long BackwardStart() => Stopwatch.GetTimestamp();

    internal static void BackwardEnd(string op, Tensor output, long start)
    {
        var p = t_active!;
        p.Add(op, output, backward: true, Stopwatch.GetElapsedTime(start).TotalSeconds);
        p._last = p._clock.Elapsed.TotalSeconds;
    }

    private void Add(string op, Tensor output, bool backward, double seconds)
    {
        var key = (op, Shapes.Format(output.Shape), backward);
        _times.TryGetValue(key, out var v);
        _times[key] = (v.Seconds + seconds, v.Calls + 1);
    }
}
