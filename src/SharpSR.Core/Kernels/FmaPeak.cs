using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpSR.Core.Kernels;

/// <summary>
/// Measures this machine's float32 FMA peak (GFLOP/s) with independent FMA chains in the vector width
/// and with the fused multiply-add the kernels use, on the given number of threads: the ceiling
/// benchmarks report their share of.
/// </summary>
public static class FmaPeak
{
    public static double Measure(int threads, double seconds = 0.3)
    {
        threads = Math.Max(1, threads);
        long flopsPerCall = 2L * GemmSimd.Lanes * 12 * Iterations;
        var counts = new long[threads];
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            long n = 0;
            while (clock.Elapsed.TotalSeconds < seconds) { Chains(1.0000001f); n++; }
            counts[t] = n;
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return counts.Sum() * (double)flopsPerCall / clock.Elapsed.TotalSeconds / 1e9;
    }

    private const int Iterations = 4096;

    /// <summary>One call's worth of FMAs in the vector width the kernels use.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains(float m) => GemmSimd.Width switch
    {
        512 => Chains<Simd512, Vector512<float>>(m),
        256 => Chains<Simd256, Vector256<float>>(m),
        _ => Chains<Simd128, Vector128<float>>(m),
    };

    // Twelve independent accumulators hide the FMA latency (4 cycles x 2 ports on wide cores).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chains<TS, TV>(float m) where TS : struct, ISimd<TV> where TV : struct
    {
        TV b = TS.Broadcast(m), c = TS.Broadcast(1e-7f);
        TV a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = TS.MulAdd(a0, b, c); a1 = TS.MulAdd(a1, b, c); a2 = TS.MulAdd(a2, b, c); a3 = TS.MulAdd(a3, b, c);
            a4 = TS.MulAdd(a4, b, c); a5 = TS.MulAdd(a5, b, c); a6 = TS.MulAdd(a6, b, c); a7 = TS.MulAdd(a7, b, c);
            a8 = TS.MulAdd(a8, b, c); a9 = TS.MulAdd(a9, b, c); a10 = TS.MulAdd(a10, b, c); a11 = TS.MulAdd(a11, b, c);
        }
        TV sum = TS.Add(TS.Add(TS.Add(a0, a1), TS.Add(a2, a3)), TS.Add(TS.Add(a4, a5), TS.Add(a6, a7)));
        return TS.Sum(TS.Add(sum, TS.Add(TS.Add(a8, a9), TS.Add(a10, a11))));
    }
}
