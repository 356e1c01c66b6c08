using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace SharpSR.Serve.Jobs;

/// <summary>Where a job stands: queued (with how many wait ahead), decoding, upscaling (tiles done of total), encoding, done or failed.</summary>
public sealed record JobProgress(string Stage, int Done = 0, int Total = 0, int Ahead = 0, string? Error = null)
{
    public bool Final => Stage is "done" or "failed";
}

/// <summary>
/// Live progress for the page. The page picks a random ticket, opens the event stream for it and sends the
/// upscale request with the same ticket; the job reports here and the stream relays each change. The
/// result itself comes back on the upscale request, so a closed page cancels its job like any client.
/// Tickets live only in memory, expire, and are capped in number.
/// </summary>
public sealed partial class ProgressHub
{
    public const int MaxTickets = 256;
    private static readonly TimeSpan s_expiry = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, Ticket> _tickets = new(StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9_-]{8,64}$")]
    private static partial Regex TicketPattern();

    public static bool IsValidTicket(string ticket) => TicketPattern().IsMatch(ticket);

    public int Count => _tickets.Count;

    public void Report(string? ticket, JobProgress progress)
    {
        if (ticket is null) return;
        var t = GetOrAdd(ticket);
        t?.Publish(progress);
    }

    /// <summary>False when too many tickets are alive (after dropping expired ones).</summary>
    public bool CanWatch(string ticket) => _tickets.ContainsKey(ticket) || Sweep() < MaxTickets;

    /// <summary>Every change of the ticket's progress until it is final, the client leaves, or nothing happens for a long time.</summary>
    public async IAsyncEnumerable<SseItem<JobProgress>> Watch(string ticket, [EnumeratorCancellation] CancellationToken cancel)
    {
        var t = GetOrAdd(ticket);
        if (t is null) yield break;
        int seen = -1;
        // An event at once, so the client knows the stream is open before it sends its job.
        if (t.Snapshot().Item2 is null) yield return new SseItem<JobProgress>(new JobProgress("waiting"), "progress");
        while (!cancel.IsCancellationRequested)
        {
            var (version, progress, changed) = t.Snapshot();
            if (version != seen && progress is not null)
            {
                seen = version;
                yield return new SseItem<JobProgress>(progress, "progress");
                if (progress.Final)
                {
                    _tickets.TryRemove(ticket, out _);
                    yield break;
                }
            }
            // A comment line now and then keeps proxies from closing an idle stream.
            var wake = await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(15), cancel)).ConfigureAwait(false);
            if (wake != changed)
            {
                if (cancel.IsCancellationRequested || DateTime.UtcNow - t.Touched > s_expiry) yield break;
                yield return new SseItem<JobProgress>(new JobProgress("waiting"), "heartbeat");
            }
        }
    }

    private Ticket? GetOrAdd(string ticket)
    {
        if (_tickets.TryGetValue(ticket, out var t)) return t;
        if (Sweep() >= MaxTickets) return null;
        return _tickets.GetOrAdd(ticket, _ => new Ticket());
    }

    private int Sweep()
    {
        var now = DateTime.UtcNow;
        foreach (var (key, t) in _tickets)
            if (now - t.Touched > s_expiry) _tickets.TryRemove(key, out _);
        return _tickets.Count;
    }

    private sealed class Ticket
    {
        private readonly object _lock = new();
        private JobProgress? _last;
        private int _version;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTime Touched { get; private set; } = DateTime.UtcNow;

        public void Publish(JobProgress progress)
        {
            TaskCompletionSource old;
            lock (_lock)
            {
                _last = progress;
                _version++;
                Touched = DateTime.UtcNow;
                old = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            old.TrySetResult();
        }

        public (int, JobProgress?, Task) Snapshot()
        {
            lock (_lock) return (_version, _last, _changed.Task);
        }
    }
}
