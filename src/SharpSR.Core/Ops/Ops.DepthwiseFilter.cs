using System.Numerics.Tensors;
using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>The fixed kernel and border mode of a depthwise filter, for the ONNX tracer.</summary>
public sealed record DepthwiseFilterAttributes(float[,] Kernel, PaddingMode Padding);

public static partial class Ops
{
    /// <summary>
    /// Applies one fixed R×S kernel (odd sizes, cross-correlation) to every plane of [N,C,H,W] with 'same'
    /// output size; the border is zeros, the replicated edge, or the reflection without the edge pixel
    /// (PyTorch's 'reflect'). Backward (input only; the kernel is a constant): the transposed filter,
    /// with the padded border's gradient folded back onto the pixels it was copied from.
    /// </summary>
    public static Tensor DepthwiseFilter(Tensor x, float[,] kernel, PaddingMode padding)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        Shapes.RequireNchw(x, "DepthwiseFilter");
        int r = kernel.GetLength(0), s = kernel.GetLength(1);
        if (r % 2 == 0 || s % 2 == 0)
            throw new ArgumentException($"DepthwiseFilter: kernel {r}x{s} must have odd sizes.");
        int h = x.H, w = x.W, ph = r / 2, pw = s / 2;
        if (padding == PaddingMode.Reflect && (ph >= h || pw >= w))
            throw new ArgumentException($"DepthwiseFilter: reflect padding {ph}x{pw} needs a plane larger than that, input is {Shapes.Format(x.Shape)}.");
        if (padding != PaddingMode.Zeros && (h == 0 || w == 0))
            throw new ArgumentException($"DepthwiseFilter: {padding} padding of an empty plane {Shapes.Format(x.Shape)}.");
        var k = (float[,])kernel.Clone();
        int[] rowMap = BorderMap(h, ph, padding), colMap = BorderMap(w, pw, padding);
        int planes = x.N * x.C, hp = h + 2 * ph, wp = w + 2 * pw;

        var y = Tensor.Empty(x.ShapeArray);
        float[] xd = x.Data, yd = y.Data;
        Parallelism.For(planes, (long)x.Length * r * s / 4, nc =>
        {
            var pad = new float[hp * wp];
            for (int i = 0; i < hp; i++)
                for (int j = 0; j < wp; j++)
                    pad[i * wp + j] = rowMap[i] < 0 || colMap[j] < 0 ? 0f : xd[nc * h * w + rowMap[i] * w + colMap[j]];
            for (int oy = 0; oy < h; oy++)
            {
                var yr = yd.AsSpan(nc * h * w + oy * w, w);
                yr.Clear();
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < s; j++)
                        TensorPrimitives.MultiplyAdd(pad.AsSpan((oy + i) * wp + j, w), k[i, j], yr, yr);
            }
        });

        return Backprop.Record(y, "DepthwiseFilter", [x], dy =>
        {
            var dx = Tensor.ZerosLike(x);
            float[] gd = dy.Data, dd = dx.Data;
            Parallelism.For(planes, (long)x.Length * r * s / 4, nc =>
            {
                var dpad = new float[hp * wp];
                for (int oy = 0; oy < h; oy++)
                {
                    var g = gd.AsSpan(nc * h * w + oy * w, w);
                    for (int i = 0; i < r; i++)
                        for (int j = 0; j < s; j++)
                        {
                            var t = dpad.AsSpan((oy + i) * wp + j, w);
                            TensorPrimitives.MultiplyAdd(g, k[i, j], t, t);
                        }
                }
                for (int i = 0; i < hp; i++)
                {
                    if (rowMap[i] < 0) continue;
                    for (int j = 0; j < wp; j++)
                        if (colMap[j] >= 0) dd[nc * h * w + rowMap[i] * w + colMap[j]] += dpad[i * wp + j];
                }
            });
            return [dx];
        }, new DepthwiseFilterAttributes(k, padding));
    }

    /// <summary>For each padded position 0..n+2p-1, the source index in 0..n-1, or -1 for a zero.</summary>
    private static int[] BorderMap(int n, int p, PaddingMode mode)
    {
        var map = new int[n + 2 * p];
        for (int i = 0; i < map.Length; i++)
        {
            int src = i - p;
            map[i] = src >= 0 && src < n ? src : mode switch
            {
                PaddingMode.Zeros => -1,
                PaddingMode.Replicate => Math.Clamp(src, 0, n - 1),
                PaddingMode.Reflect => src < 0 ? -src : 2 * (n - 1) - src,
                _ => throw new ArgumentException($"DepthwiseFilter: unknown padding mode {mode}."),
            };
        }
        return map;
    }
}
