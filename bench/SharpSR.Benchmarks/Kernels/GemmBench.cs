using System.Runtime.Intrinsics;
using SharpSR.Core.Kernels;

namespace SharpSR.Benchmarks.Kernels;

/// <summary>The GEMM micro-kernel alone on L1-resident data (its ceiling), then Gemm.Multiply on square-ish sizes.</summary>
public static unsafe class GemmBench
{
    public static int Run()
    {
        const int kc = 144, reps = 20000;
        float[] a = new float[kc * 8], b = new float[kc * 48 + 64], c = new float[8 * 48];
        int[] off = new int[kc];
        fixed (float* pa = a, pb = b, pc = c)
        fixed (int* po = off)
        {
            float* xa = pa, xc = pc;
            float* xb = (float*)(((nint)pb + 63) & ~(nint)63);
            int* xo = po;
            foreach (int shift in new[] { 0, 1, 0, 1 })
            {
                for (int i = 0; i < kc; i++) off[i] = i * 48 + shift;   // shift 1: misaligned rows, as in the convolution
                double t = Conv2dBench.Median(7, () =>
                {
                    for (int r = 0; r < reps; r++) Gemm.Tile8x3<Simd512, Vector512<float>>(xa, xb, xo, kc, null, xc, 48, false);
                });
                Console.WriteLine($"Tile8x3 (512-bit, 1 thread, kc {kc}, rows {(shift == 0 ? "aligned" : "misaligned")}): {2.0 * 8 * 48 * kc * reps / t / 1e9:F0} GFLOP/s");
            }
        }
        foreach (var (m, n, k) in new[] { (64, 2304, 144), (256, 256, 256), (16, 57600, 96) })
        {
            var rng = new Random(1);
            float[] ma = new float[m * k], mb = new float[k * n], mc = new float[m * n];
            for (int i = 0; i < ma.Length; i++) ma[i] = (float)rng.NextDouble();
            for (int i = 0; i < mb.Length; i++) mb[i] = (float)rng.NextDouble();
            double t = Conv2dBench.Median(9, () => Gemm.Multiply(m, n, k, ma, k, mb, n, mc, n));
            Console.WriteLine($"Gemm {m}x{n}x{k}: {2.0 * m * n * k / t / 1e9:F0} GFLOP/s");
        }
        return 0;
    }
}
