using System.Diagnostics;
using SharpSR.Core;
using SharpSR.Core.Kernels.Packed;
using SharpSR.Core.Lowering;
using SharpSR.Models;

namespace SharpSR.Benchmarks.Kernels;

/// <summary>
/// Direct against Winograd F(4x4,3x3) kernel by kernel, on s-LWSR's layer shapes (320x180 maps, the last upsampler
/// step on 640x360): the two run alternately call by call, so a loaded machine slows both alike; prints each one's
/// median and fastest time and the ratio of the medians. `winograd [--threads N] [--runs N] [--case TEXT]`.
/// `winograd --models M[,M…] [--input WxH] [--scale S]` does the same for whole networks' lowered plans (all cores by
/// default), with the median of the run-by-run ratios beside the ratio of the medians.
/// </summary>
public static class WinogradBench
{
    public static int Run(string[] args)
    {
        int threads = 0, runs = 21, w0 = 320, h0 = 180, scale = 4;
        string? only = null, models = null;
        for (int i = 0; i + 1 < args.Length; i += 2)
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[i + 1]); break;
                case "--runs": runs = int.Parse(args[i + 1]); break;
                case "--case": only = args[i + 1]; break;
                case "--models": models = args[i + 1]; break;
                case "--input": var wh = args[i + 1].Split('x'); w0 = int.Parse(wh[0]); h0 = int.Parse(wh[1]); break;
                case "--scale": scale = int.Parse(args[i + 1]); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        if (models is not null) return Networks(models.Split(','), w0, h0, scale, threads, runs);
        Engine.Threads = threads == 0 ? 1 : threads;
        threads = Engine.Threads;
        Console.WriteLine($"{threads} thread(s), {runs} alternating runs each; ms median (min)");
        var rng = new Random(1);
        float[] R(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 0.2 - 0.1); return a; }
        PackedMap Map(int h, int w, int c) { var m = new PackedMap(h, w, c); m.CopyFromPlanar(R(c * h * w)); return m; }

        void Case(string name, Action direct, Action winograd)
        {
            if (only is not null && !name.Contains(only)) return;
            for (int i = 0; i < 2; i++) { direct(); winograd(); }
            var d = new double[runs];
            var g = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                long t0 = Stopwatch.GetTimestamp(); direct(); d[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                t0 = Stopwatch.GetTimestamp(); winograd(); g[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            Array.Sort(d); Array.Sort(g);
            Console.WriteLine($"{name,-40} direct {d[runs / 2],8:F2} ({d[0],7:F2})  winograd {g[runs / 2],8:F2} ({g[0],7:F2})  ratio {g[runs / 2] / d[runs / 2]:F2} (min {g[0] / d[0]:F2})");
        }

        foreach (int c in new[] { 16, 32 })
        {
            int h = 180, w = 320;
            using PackedMap x = Map(h, w, c), res = Map(h, w, c), y = new(h, w, c), inner = new(h, w, c);
            float[] w1 = R(c * c * 9), b1 = R(c), w2 = R(c * c * 9), b2 = R(c);
            PackedWeights3x3 d1 = new(w1, b1, c, c), d2 = new(w2, b2, c, c);
            PackedWeightsWinograd g1 = new(w1, b1, c, c, 4), g2 = new(w2, b2, c, c, 4);
            Case($"conv {c}->{c} + relu {w}x{h}", () => PackedConv.Conv3x3(x, d1, y, relu: true),
                () => PackedConv.Conv3x3Winograd(x, g1, y, new PackedEpilogue(Before: 0)));
            Case($"conv {c}->{c} + residual {w}x{h}", () => PackedConv.Conv3x3(x, d1, y, residual: res),
                () => PackedConv.Conv3x3Winograd(x, g1, y, new PackedEpilogue(Residual: res)));
            Case($"residual block {c} {w}x{h}", () => PackedConv.ResidualBlock3x3(x, d1, true, d2, y),
                () => PackedConv.ResidualBlockWinograd(x, g1, true, g2, y));
            Case($"residual block {c} two passes {w}x{h}", () => PackedConv.ResidualBlock3x3(x, d1, true, d2, y), () =>
            {
                PackedConv.Conv3x3Winograd(x, g1, inner, new PackedEpilogue(Before: 0));
                PackedConv.Conv3x3Winograd(inner, g2, y, new PackedEpilogue(Residual: x));
            });

            // The last x2 upsampler step of x4 on a 640x360 map, shuffled, then streamed into the RGB head.
            int uh = 360, uw = 640, r = 2, cu = c * r * r;
            using PackedMap u = Map(uh, uw, c), shuffled = new(uh * r, uw * r, c);
            float[] wu = R(cu * c * 9), bu = R(cu), wh = R(3 * c * 9), bh = R(3);
            var order = PackedConv.ShuffleOrder(c, r);
            PackedWeights3x3 du = new(wu, bu, cu, c, order);
            PackedWeightsWinograd gu = new(wu, bu, cu, c, 4, order);
            var head = new PackedWeightsToPlanar(wh, bh, 3, c);
            var planar = new float[3 * uh * r * uw * r];
            Case($"conv {c}->{cu} + shuffle {uw}x{uh}", () => PackedConv.Conv3x3Shuffle(u, du, r, shuffled),
                () => PackedConv.Conv3x3WinogradShuffle(u, gu, r, shuffled));
            Case($"conv {c}->{cu} + shuffle + head {uw}x{uh}", () => PackedConv.Conv3x3ShuffleToPlanar(u, du, r, head, planar),
                () => PackedConv.Conv3x3ShuffleToPlanar(u, gu, r, head, planar));
        }
        return 0;
    }

    private static int Networks(string[] models, int w, int h, int scale, int threads, int runs)
    {
        if (threads > 0) Engine.Threads = threads;
        Console.WriteLine($"x{scale} inference on {w}x{h}, {Engine.Threads} thread(s), {runs} alternating runs each; s median (min)");
        foreach (var name in models)
        {
            var net = ArchRegistry.Create(name, scale);
            var x = Tensor.Uniform(new Random(1), 0, 255, 1, 3, h, w);
            using var direct = LoweredInferencePlan.TryCreate(net, new PlanOptions(ConvAlgorithm.Direct));
            using var winograd = LoweredInferencePlan.TryCreate(net, new PlanOptions(ConvAlgorithm.Winograd));
            if (direct is null || winograd is null) { Console.WriteLine($"{name}: no lowered plan"); continue; }
            for (int i = 0; i < 2; i++) { direct.Run(x); winograd.Run(x); }
            string used = winograd.Plan is { } plan ? plan.Describe().Count(l => l.Contains("winograd")).ToString() : "?";
            double[] d = new double[runs], g = new double[runs], ratio = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                bool winogradFirst = i % 2 == 1;   // alternate which goes first, so neither always follows the other
                for (int k = 0; k < 2; k++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    if ((k == 0) == winogradFirst) winograd.Run(x); else direct.Run(x);
                    double t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    if ((k == 0) == winogradFirst) g[i] = t; else d[i] = t;
                }
                ratio[i] = g[i] / d[i];
            }
            Array.Sort(d); Array.Sort(g); Array.Sort(ratio);
            Console.WriteLine($"{name,-10} direct {d[runs / 2],7:F4} ({d[0],6:F4})  winograd {g[runs / 2],7:F4} ({g[0],6:F4})  " +
                              $"ratio of medians {g[runs / 2] / d[runs / 2]:F3}, median ratio {ratio[runs / 2]:F3}, of mins {g[0] / d[0]:F3}  ({used} Winograd steps)");
        }
        return 0;
    }
}
