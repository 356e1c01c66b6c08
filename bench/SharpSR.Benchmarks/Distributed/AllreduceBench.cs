using System.Diagnostics;
using System.Globalization;
using SharpSR.Distributed;

namespace SharpSR.Benchmarks.Distributed;

/// <summary>
/// `mpirun -np N dotnet SharpSR.Benchmarks.dll allreduce`: median time of the gradient allreduce (fp32 sum / N, in
/// place) for the parameter counts of SharpSR's networks, as a training step pays it once per iteration.
/// </summary>
public static class AllreduceBench
{
    public static int Run(string[] args)
    {
        int reps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        using var world = MpiWorld.Join();
        foreach (int n in new[] { 1_000, 144_000, 317_000, 580_000 })
        {
            var buffer = new float[n];
            var times = new double[reps];
            for (int warm = 0; warm < 5; warm++) world.AllReduceMean(buffer);
            for (int i = 0; i < reps; i++)
            {
                world.Barrier();
                var clock = Stopwatch.StartNew();
                world.AllReduceMean(buffer);
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            if (world.Rank == 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{world.Size} ranks, {n,7} floats ({n * 4 / 1e6:F2} MB): median {times[reps / 2]:F3} ms, min {times[0]:F3} ms"));
        }
        return 0;
    }
}
