using SharpSR.Core;
using SharpSR.Core.Kernels;
using SharpSR.Core.Kernels.Packed;

namespace SharpSR.Benchmarks.Kernels;

/// <summary>
/// The packed kernels one image at a time, by default on one thread, the way a training step's residual
/// blocks call them (each image's maps in L2), and on an inference-sized map: microseconds per call and
/// GFLOP/s, median of 9 runs. `packed --threads 2` splits rows over two threads.
/// </summary>
public static class PackedBench
{
    public static int Run(string[] args)
    {
        int threads = args.Length >= 2 && args[0] == "--threads" ? int.Parse(args[1]) : 1;
        Engine.Threads = threads;
        Console.WriteLine($"{threads} thread(s)");
        foreach (var (c, h, w) in new[] { (16, 48, 48), (32, 48, 48), (16, 180, 320) })
        {
            var rng = new Random(1);
            float[] R(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1); return a; }
            float[] planar = R(c * h * w), weight = R(c * c * 9), bias = R(c), dw = new float[c * c * 9], db = new float[c];
            using PackedMap x = new(h, w, c), y = new(h, w, c), g = new(h, w, c);
            x.CopyFromPlanar(planar);
            g.CopyFromPlanar(R(c * h * w));
            var fwd = new PackedWeights3x3(weight, bias, c, c);
            var bwd = PackedWeights3x3.Transposed(weight, c, c);
            double macs = (double)h * w * c * c * 9;
            int reps = Math.Max(1, (int)(2e8 / macs));
            void Line(string what, double flops, Action body)
            {
                double t = Conv2dBench.Median(9, () => { for (int r = 0; r < reps; r++) body(); }) / reps;
                string rate = flops > 0 ? $"{flops / t / 1e9,7:F0} GFLOP/s" : "";
                Console.WriteLine($"{c,3}ch {h}x{w}  {what,-34} {t * 1e6,9:F1} us {rate}");
            }
            Line("copy planar -> packed", 0, () => x.CopyFromPlanar(planar));
            Line("copy packed -> planar", 0, () => x.CopyToPlanar(planar));
            Line("clear border", 0, () => y.ClearBorder());
            Line("conv3x3 + relu", 2 * macs, () => PackedConv.Conv3x3(x, fwd, y, relu: true));
            Line("conv3x3 + residual", 2 * macs, () => PackedConv.Conv3x3(x, fwd, y, residual: g));
            Line("transposed conv3x3 + gate", 2 * macs, () => PackedConv.Conv3x3(x, bwd, y, gate: g));
            Line("filter gradient (+ bias)", 2 * macs, () => PackedConv.FilterGradient3x3(x, g, dw, db));
        }
        return 0;
    }
}
