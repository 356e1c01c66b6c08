using System.Collections.Concurrent;
using SharpSR.Core.Kernels;
using Xunit;

namespace SharpSR.Core.Tests;

public class EngineContextTests
{
    [Fact]
    public void Enter_SetsTheThreadsKernelsSee_AndRestoresOnExit()
    {
        using var one = new EngineContext(1);
        int outside = Parallelism.Threads;
        using (one.Enter())
        {
            Assert.Same(one, EngineContext.Current);
            Assert.Equal(1, Parallelism.Threads);
            var threads = new ConcurrentDictionary<int, bool>();
            Parallelism.For(64, _ => threads[Environment.CurrentManagedThreadId] = true);
            Assert.Single(threads);   // one thread: every item on the caller
        }
        Assert.Equal(outside, Parallelism.Threads);
        Assert.Same(EngineContext.Default, EngineContext.Current);
    }

    // With one shared pool, a second caller's loop ran serially while the first one's job held the pool. Each
    // context owns its workers: a loop in context B runs on two threads while context A's loop is still going.
    [Fact]
    public async Task TwoContexts_RunTheirLoopsSideBySide()
    {
        using var a = new EngineContext(2);
        using var b = new EngineContext(2);
        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var first = Task.Run(() =>
        {
            using var _ = a.Enter();
            Parallelism.For(2, i =>
            {
                started.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            });
        });
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        var threadsOfB = new ConcurrentDictionary<int, bool>();
        var second = Task.Run(() =>
        {
            using var _ = b.Enter();
            using var bothIn = new CountdownEvent(2);
            Parallelism.For(2, i =>
            {
                threadsOfB[Environment.CurrentManagedThreadId] = true;
                bothIn.Signal();
                bothIn.Wait(TimeSpan.FromSeconds(30));   // only two threads at once can pass
            });
        });
        bool finished = await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(30))) == second;
        release.Set();
        await first;
        Assert.True(finished, "context B's loop did not finish while A's was running");
        Assert.Equal(2, threadsOfB.Count);
    }

    [Fact]
    public void Workers_SeeTheirPoolsContext()
    {
        using var ctx = new EngineContext(2);
        var seen = new ConcurrentBag<EngineContext>();
        using (ctx.Enter())
        {
            using var together = new CountdownEvent(2);
            Parallelism.For(2, _ =>
            {
                seen.Add(EngineContext.Current);
                together.Signal();
                together.Wait(TimeSpan.FromSeconds(30));
            });
        }
        Assert.All(seen, c => Assert.Same(ctx, c));
    }

    [Fact]
    public void Disposed_RunsOnTheCaller()
    {
        var ctx = new EngineContext(2);
        ctx.Dispose();
        using var _ = ctx.Enter();
        int sum = 0;
        Parallelism.For(10, i => Interlocked.Add(ref sum, i));
        Assert.Equal(45, sum);
    }
}
