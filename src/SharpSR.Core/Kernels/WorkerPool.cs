using System.Runtime.ExceptionServices;

namespace SharpSR.Core.Kernels;

/// <summary>
/// The engine's own parallel loop: long-lived workers that spin briefly between jobs, so the hundreds of
/// short parallel regions of a training step start without a thread-pool wake-up each (the way OpenMP
/// runtimes keep their teams hot). The calling thread claims items too; items are taken one at a time
/// from a shared counter, so a worker that is late or preempted only means the others take more.
/// One job runs at a time per pool: a second caller, or a nested loop, runs its items on its own thread.
/// Each <see cref="EngineContext"/> owns a pool, so callers with their own contexts run side by side.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How long an idle worker polls for the next job before it blocks.</summary>
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 2000;   // 0.5 ms

    private sealed class Job(int count, Action<int> body)
    {
        public readonly int Count = count;
        public readonly Action<int> Body = body;
        public int Next;
        public int Active;
        public int Closed;
        public ExceptionDispatchInfo? Error;

        public void Work()
        {
            try
            {
                int i;
                while ((i = Interlocked.Increment(ref Next) - 1) < Count) Body(i);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref Error, ExceptionDispatchInfo.Capture(e), null);
                Volatile.Write(ref Next, Count);   // stop handing out items
            }
        }
    }

    private readonly object _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly List<Thread> _workers = [];
    private Job? _current;
    private int _sleepers;
    private int _wanted;   // workers that should take part (Threads - 1)
    [ThreadStatic] private static bool t_inJob;

    private readonly EngineContext _owner;
    private volatile bool _stopped;

    public WorkerPool(EngineContext owner) => _owner = owner;

    /// <summary>True on a thread that is running items of a job (nested loops run serially there).</summary>
    public static bool InJob => t_inJob;

    /// <summary>Runs body(i) for i in [0, count) on <paramref name="threads"/> threads including the caller.</summary>
    public void Run(int count, int threads, Action<int> body)
    {
        if (t_inJob || !Monitor.TryEnter(_gate))
        {
            // Serially, but as a job's items: kernels nested in them size their work the same way
            // whether the job ran in parallel or not, so results never depend on contention.
            bool outer = t_inJob;
            t_inJob = true;
            try { for (int i = 0; i < count; i++) body(i); }
            finally { t_inJob = outer; }
            return;
        }
        try
        {
            EnsureWorkers(_stopped ? 0 : threads - 1);
            var job = new Job(count, body);
            Volatile.Write(ref _current, job);
            if (Volatile.Read(ref _sleepers) > 0) _wake.Release(Math.Min(Volatile.Read(ref _sleepers), threads - 1));
            t_inJob = true;
            try { job.Work(); }
            finally { t_inJob = false; }
            Interlocked.Exchange(ref job.Closed, 1);
            var spin = new SpinWait();
            while (Volatile.Read(ref job.Active) != 0) spin.SpinOnce(-1);
            job.Error?.Throw();
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    private void EnsureWorkers(int wanted)
    {
        _wanted = wanted;
        while (_workers.Count < wanted)
        {
            int index = _workers.Count;
            var t = new Thread(() =>
            {
                EngineContext.SetCurrentForThread(_owner);   // kernels inside items size themselves by the owner's settings
                WorkerLoop(index);
            }) { IsBackground = true, Name = $"SharpSR worker {index + 1}" };
            _workers.Add(t);
            t.Start();
        }
    }

    private void WorkerLoop(int index)
    {
        Job? seen = null;
        while (true)
        {
            Job? job = WaitForJob(seen);
            if (job is null) return;   // the pool was disposed
            seen = job;
            if (index >= Volatile.Read(ref _wanted)) continue;   // fewer threads were asked for
            Interlocked.Increment(ref job!.Active);
            if (Volatile.Read(ref job.Closed) == 0)
            {
                t_inJob = true;
                job.Work();
                t_inJob = false;
            }
            Interlocked.Decrement(ref job.Active);
        }
    }

    /// <summary>Polls for a job other than <paramref name="seen"/>, then sleeps until woken.</summary>
    private Job? WaitForJob(Job? seen)
    {
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        while (true)
        {
            if (_stopped) return null;
            Job? job = Volatile.Read(ref _current);
            if (job != seen && job is not null) return job;
            if (System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(20);
                continue;
            }
            Interlocked.Increment(ref _sleepers);
            job = Volatile.Read(ref _current);
            if (job != seen && job is not null)
            {
                Interlocked.Decrement(ref _sleepers);
                return job;
            }
            _wake.Wait();
            Interlocked.Decrement(ref _sleepers);
            deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        }
    }

    /// <summary>Lets the workers end (they are background threads; a disposed pool runs later jobs on the caller).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _wanted = 0;
            if (_workers.Count > 0) _wake.Release(_workers.Count);
        }
    }
}
