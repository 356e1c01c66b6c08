using System.Numerics.Tensors;
using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>The (non-negative) axis a softmax runs along.</summary>
public sealed record SoftmaxAttributes(int Axis);

public static partial class Ops
{
    /// <summary>
    /// y = e^(x - max) / Σ e^(x - max) along <paramref name="axis"/> (the max shift keeps large inputs finite).
    /// Backward: dx = y · (dy - Σ dy·y) along the axis.
    /// </summary>
    /// <remarks>The tensor is viewed as [outer, L, inner]; each outer block [L, inner] is handled with
    /// element-wise ops across its L rows of length inner (inner = 1 is the contiguous last-axis case).</remarks>
    public static Tensor Softmax(Tensor x, int axis)
    {
        int ax = Shapes.Axis(axis, x.Rank, "Softmax");
        var (outer, len, inner) = AxisView(x.Shape, ax);
        var y = Tensor.EmptyLike(x);
        if (len > 0 && inner > 0)
        {
            float[] xd = x.Data, yd = y.Data;
            Parallelism.For(outer, x.Length, o =>
            {
                int block = o * len * inner;
                if (inner == 1)
                {
                    var xs = xd.AsSpan(block, len); var ys = yd.AsSpan(block, len);
                    TensorPrimitives.Subtract(xs, TensorPrimitives.Max(xs), ys);
                    TensorPrimitives.Exp(ys, ys);
                    TensorPrimitives.Divide(ys, TensorPrimitives.Sum(ys), ys);
                    return;
                }
                var m = new float[inner];
                var s = new float[inner];
                xd.AsSpan(block, inner).CopyTo(m);
                for (int j = 1; j < len; j++) TensorPrimitives.Max(m, xd.AsSpan(block + j * inner, inner), m);
                for (int j = 0; j < len; j++)
                {
                    var ys = yd.AsSpan(block + j * inner, inner);
                    TensorPrimitives.Subtract(xd.AsSpan(block + j * inner, inner), m, ys);
                    TensorPrimitives.Exp(ys, ys);
                    TensorPrimitives.Add(s, ys, s);
                }
                for (int j = 0; j < len; j++)
                {
                    var ys = yd.AsSpan(block + j * inner, inner);
                    TensorPrimitives.Divide(ys, s, ys);
                }
            });
        }
        return Backprop.Record(y, "Softmax", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            float[] yd = y.Data, gd = dy.Data, dd = dx.Data;
            Parallelism.For(outer, x.Length, o =>
            {
                int block = o * len * inner;
                if (inner == 1)
                {
                    var ys = yd.AsSpan(block, len); var d1 = dd.AsSpan(block, len);
                    TensorPrimitives.Subtract(gd.AsSpan(block, len), TensorPrimitives.Dot(gd.AsSpan(block, len), ys), d1);
                    TensorPrimitives.Multiply(d1, ys, d1);
                    return;
                }
                var s = new float[inner];
                for (int j = 0; j < len; j++)
                {
                    int off = block + j * inner;
                    TensorPrimitives.FusedMultiplyAdd(gd.AsSpan(off, inner), yd.AsSpan(off, inner), s, s);
                }
                for (int j = 0; j < len; j++)
                {
                    int off = block + j * inner;
                    var d = dd.AsSpan(off, inner);
                    TensorPrimitives.Subtract(gd.AsSpan(off, inner), s, d);
                    TensorPrimitives.Multiply(d, yd.AsSpan(off, inner), d);
                }
            });
            return [dx];
        }, new SoftmaxAttributes(ax));
    }

    /// <summary>Splits a shape around <paramref name="axis"/> into (product before, size of, product after).</summary>
    private static (int Outer, int Len, int Inner) AxisView(ReadOnlySpan<int> shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }
}
