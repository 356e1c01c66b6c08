using System.Diagnostics;
using System.Globalization;
using SharpSR.Core;
using SharpSR.Core.Kernels;

namespace SharpSR.Benchmarks.Kernels;

// N = batch, C = in channels, K = out channels, H×W = input, P×Q = output, R×S = kernel

/// <summary>
/// Convolution throughput in GFLOP/s (2·MACs per pass / median time) for the shapes that dominate
/// training and inference of the lightweight SR nets. Forward, backward-data and backward-filter are
/// timed separately (median of the runs after warm-up); the training line adds them up.
/// </summary>
public static class Conv2dBench
{
    public sealed record Case(string Name, int N, int C, int H, int W, int K, int R, int S, Conv2dOptions O, bool Backward);

    public static readonly Case[] Cases =
    [
        new("train 3x3 16->16 b16 48x48", 16, 16, 48, 48, 16, 3, 3, Conv2dOptions.Same(3), true),
        new("train 3x3 32->32 b16 48x48", 16, 32, 48, 48, 32, 3, 3, Conv2dOptions.Same(3), true),
        new("infer 3x3 16->16 1x180x320", 1, 16, 180, 320, 16, 3, 3, Conv2dOptions.Same(3), false),
        new("infer 3x3 16->64 1x180x320", 1, 16, 180, 320, 64, 3, 3, Conv2dOptions.Same(3), false),
        new("infer 3x3 32->32 1x180x320", 1, 32, 180, 320, 32, 3, 3, Conv2dOptions.Same(3), false),
        new("infer 3x3 32->128 1x180x320", 1, 32, 180, 320, 128, 3, 3, Conv2dOptions.Same(3), false),
        new("infer 1x1 96->16 1x180x320", 1, 96, 180, 320, 16, 1, 1, Conv2dOptions.Same(1), false),
        new("cached 3x3 16->16 1x48x48", 1, 16, 48, 48, 16, 3, 3, Conv2dOptions.Same(3), true),
        new("cached 3x3 16->16 1x8x48", 1, 16, 8, 48, 16, 3, 3, Conv2dOptions.Same(3), true),
    ];

    public static int Run(string[] args)
    {
        int runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(9);
        s_min = args.Contains("--min");
        bool machine = args.Contains("--tsv");
        string? only = args.SkipWhile(a => a != "--case").Skip(1).FirstOrDefault();
        if (!machine)
            Console.WriteLine($"SIMD width {GemmSimd.Width} bits, {Parallelism.Threads} threads, {(s_min ? "fastest" : "median")} of {runs} runs after warm-up");
        foreach (var c in Cases)
        {
            if (only is not null && !c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)) continue;
            var r = Measure(c, runs);
            double gflop = 2.0 * r.Shape.Macs / 1e9;
            double total = r.Forward + (c.Backward ? r.Data + r.Filter + r.Bias : 0);
            double passes = c.Backward ? 3 : 1;
            if (machine)
            {
                Console.WriteLine(string.Join('\t', c.Name, F(total * 1e3), F(passes * gflop / total)));
                continue;
            }
            Console.Write($"{c.Name,-30} fwd {r.Forward * 1e3,7:F2} ms {gflop / r.Forward,6:F0} GFLOP/s");
            if (c.Backward)
                Console.Write($" | bwd-data {r.Data * 1e3,7:F2} ms {gflop / r.Data,6:F0} | bwd-filter+bias {r.Filter * 1e3,7:F2} ms {gflop / r.Filter,6:F0} | fwd+bwd {total * 1e3,7:F2} ms {passes * gflop / total,6:F0} GFLOP/s");
            Console.WriteLine();
        }
        return 0;
    }

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

    private sealed record Result(Conv2dShape Shape, double Forward, double Data, double Filter, double Bias);

    private static Result Measure(Case c, int runs)
    {
        var rng = new Random(1);
        var s = Conv2dShape.Of(c.N, c.C, c.H, c.W, c.K, c.R, c.S, c.O);
        float[] x = Tensor.Uniform(rng, -1, 1, c.N, c.C, c.H, c.W).Data;
        float[] w = Tensor.Uniform(rng, -1, 1, c.K, c.C / c.O.Groups, c.R, c.S).Data;
        float[] b = Tensor.Uniform(rng, -1, 1, c.K).Data;
        float[] y = new float[c.N * c.K * s.P * s.Q], dy = Tensor.Uniform(rng, -1, 1, c.N, c.K, s.P, s.Q).Data;
        float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
        double fwd = Median(runs, () => Conv2dKernels.Forward(x, w, b, s, y));
        if (!c.Backward) return new Result(s, fwd, 0, 0, 0);
        double data = Median(runs, () => Conv2dKernels.BackwardData(dy, w, s, dx));
        double filter = Median(runs, () => Conv2dKernels.BackwardFilter(x, dy, s, dw, db));   // db fused, as Ops does
        return new Result(s, fwd, data, filter, 0);
    }

    private static bool s_min;

    /// <summary>Median (or with --min, fastest) seconds of <paramref name="runs"/> timed calls after 3 untimed ones.</summary>
    public static double Median(int runs, Action a)
    {
        for (int i = 0; i < 3; i++) a();
        var t = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            a();
            t[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        Array.Sort(t);
        return s_min ? t[0] : t[runs / 2];
    }
}
