using System.Collections.Concurrent;
using SharpSR.Core;
using SharpSR.Inference;

namespace SharpSR.Serve.Jobs;

/// <summary>
/// Admission and execution of upscaling jobs: at most <c>workers</c> run at once, each on its own thread
/// in its own <see cref="EngineContext"/> with a share of the cores, and at most <c>queueLength</c> wait.
/// A request that finds the queue full is refused at once rather than piling up uploads in memory.
/// </summary>
public sealed class JobQueue : IDisposable
{
    private readonly SemaphoreSlim _free;
    private readonly ConcurrentBag<Worker> _idle = [];
    private readonly List<Worker> _all = [];
    private readonly int _capacity;
    private int _admitted, _running;

    public JobQueue(int workers, int queueLength, int threadsPerJob, ModelMenu menu)
    {
        _free = new SemaphoreSlim(workers, workers);
        _capacity = workers + queueLength;
        for (int i = 0; i < workers; i++)
        {
            var w = new Worker(new EngineContext(threadsPerJob), menu);
            _all.Add(w);
            _idle.Add(w);
        }
        Workers = workers;
    }

    public int Workers { get; }
    public int Capacity => _capacity;
    public int Running => Volatile.Read(ref _running);
    public int Waiting => Math.Max(0, Volatile.Read(ref _admitted) - Running);

    /// <summary>A place in the queue, or null when it is full; dispose it when the request ends.</summary>
    public Admission? TryAdmit()
    {
        if (Interlocked.Increment(ref _admitted) <= _capacity) return new Admission(this);
        Interlocked.Decrement(ref _admitted);
        return null;
    }

    /// <summary>Waits for a worker and runs <paramref name="work"/> on a thread of its own; cancellation is honoured while waiting and between tiles.</summary>
    public async Task<T> RunAsync<T>(Func<Worker, T> work, CancellationToken cancel)
    {
        await _free.WaitAsync(cancel).ConfigureAwait(false);
        _idle.TryTake(out var worker);
        Interlocked.Increment(ref _running);
        try
        {
            // The slot is held until the work has really stopped, so a cancelled job never overlaps the next.
            return await Task.Factory.StartNew(() =>
            {
                using var _ = worker!.Context.Enter();
                return work(worker);
            }, cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            _idle.Add(worker!);
            _free.Release();
        }
    }

    public void Dispose()
    {
        foreach (var w in _all) w.Context.Dispose();
        _free.Dispose();
    }

    public sealed class Admission(JobQueue queue) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref queue._admitted);
        }
    }

    /// <summary>One execution slot: its engine context and the networks it has loaded (kept for the next job).</summary>
    public sealed class Worker(EngineContext context, ModelMenu menu)
    {
        private readonly Dictionary<(string, int), ISrModel> _models = [];

        public EngineContext Context { get; } = context;

        public ISrModel Model(ModelChoice choice, int scale)
        {
            if (!_models.TryGetValue((choice.Name, scale), out var model)) _models[(choice.Name, scale)] = model = menu.Load(choice, scale);
            return model;
        }
    }
}
