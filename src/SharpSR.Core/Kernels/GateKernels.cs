using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpSR.Core.Kernels;

// One element-wise kernel behind the piecewise-linear activations and their gradients:
//   d[i] = lo < x[i] < hi ? v[i] : outside · v[i]
// ReLU backward:        lo 0, hi +∞, outside 0,     v = dy
// ReLU6 backward:       lo 0, hi 6,  outside 0,     v = dy
// LeakyReLU forward:    lo 0, hi +∞, outside slope, v = x
// LeakyReLU backward:   lo 0, hi +∞, outside slope, v = dy
// Lanes: 16 floats per Vector512 step, 8 per Vector256 step, then a scalar tail.
internal static class GateKernels
{
    public static void Gate(ReadOnlySpan<float> x, ReadOnlySpan<float> v, float lo, float hi, float outside, Span<float> d)
    {
        if (x.Length != v.Length || d.Length < x.Length)
            throw new ArgumentException($"Gate: spans of {x.Length}, {v.Length} and {d.Length} elements.");
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float vr = ref MemoryMarshal.GetReference(v);
        ref float dr = ref MemoryMarshal.GetReference(d);
        int n = x.Length, i = 0;

        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var vlo = Vector512.Create(lo); var vhi = Vector512.Create(hi); var vout = Vector512.Create(outside);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var xv = Vector512.LoadUnsafe(ref xr, (nuint)i);
                var vv = Vector512.LoadUnsafe(ref vr, (nuint)i);
                var inside = Vector512.GreaterThan(xv, vlo) & Vector512.LessThan(xv, vhi);
                Vector512.ConditionalSelect(inside, vv, vv * vout).StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var vlo = Vector256.Create(lo); var vhi = Vector256.Create(hi); var vout = Vector256.Create(outside);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var xv = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var vv = Vector256.LoadUnsafe(ref vr, (nuint)i);
                var inside = Vector256.GreaterThan(xv, vlo) & Vector256.LessThan(xv, vhi);
                Vector256.ConditionalSelect(inside, vv, vv * vout).StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float xi = Unsafe.Add(ref xr, i), vi = Unsafe.Add(ref vr, i);
            Unsafe.Add(ref dr, i) = xi > lo && xi < hi ? vi : outside * vi;
        }
    }

    /// <summary>d[i] = g·sign(x[i]) with sign(0) = 0 (L1's gradient), in parallel chunks.</summary>
    public static void ScaledSign(float[] x, float g, float[] d)
    {
        if (d.Length < x.Length) throw new ArgumentException($"ScaledSign: {x.Length} inputs, {d.Length} outputs.");
        const int Chunk = 1 << 16;
        int n = x.Length, items = (n + Chunk - 1) / Chunk;
        Parallelism.For(items, n, item =>
        {
            int i = item * Chunk, end = Math.Min(n, i + Chunk);
            var vg = new System.Numerics.Vector<float>(g);
            var zero = System.Numerics.Vector<float>.Zero;
            int lanes = System.Numerics.Vector<float>.Count;
            for (; i + lanes <= end; i += lanes)
            {
                var v = new System.Numerics.Vector<float>(x, i);
                var r = System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.GreaterThan(v, zero), vg, zero)
                      - System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.LessThan(v, zero), vg, zero);
                r.CopyTo(d, i);
            }
            for (; i < end; i++) d[i] = x[i] > 0 ? g : x[i] < 0 ? -g : 0f;
        });
    }
}
