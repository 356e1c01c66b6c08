using System.Numerics.Tensors;
using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>[N,C,H,W] → [N,C,1,1], the mean of each plane. Backward: dx = dy / (H·W) over the plane.</summary>
    public static Tensor ChannelMean(Tensor x)
    {
        Shapes.RequireNchw(x, "ChannelMean");
        int planes = x.N * x.C, hw = x.H * x.W;
        if (hw == 0) throw new ArgumentException($"ChannelMean: input {Shapes.Format(x.Shape)} has empty planes.");
        var y = Tensor.Empty(x.N, x.C, 1, 1);
        float[] xd = x.Data, yd = y.Data;
        Parallelism.For(planes, x.Length, nc => yd[nc] = TensorPrimitives.Sum(xd.AsSpan(nc * hw, hw)) / hw);
        return Backprop.Record(y, "ChannelMean", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            Parallelism.For(planes, x.Length, nc => dx.Data.AsSpan(nc * hw, hw).Fill(dy.Data[nc] / hw));
            return [dx];
        });
    }

    /// <summary>
    /// [N,C,H,W] → [N,C,1,1], the population standard deviation of each plane, σ = √(mean((x - μ)²)) (IMDN's
    /// contrast). Backward: dx = dy · (x - μ) / (H·W·σ); a constant plane (σ = 0) gets zero gradient.
    /// </summary>
    public static Tensor ChannelStd(Tensor x)
    {
        Shapes.RequireNchw(x, "ChannelStd");
        int planes = x.N * x.C, hw = x.H * x.W;
        if (hw == 0) throw new ArgumentException($"ChannelStd: input {Shapes.Format(x.Shape)} has empty planes.");
        var y = Tensor.Empty(x.N, x.C, 1, 1);
        var mean = new float[planes];
        float[] xd = x.Data, yd = y.Data;
        Parallelism.For(planes, x.Length, nc =>
        {
            var plane = xd.AsSpan(nc * hw, hw);
            float mu = TensorPrimitives.Sum(plane) / hw;
            var centred = new float[hw];
            TensorPrimitives.Subtract(plane, mu, centred);
            mean[nc] = mu;
            yd[nc] = MathF.Sqrt(TensorPrimitives.SumOfSquares(centred) / hw);
        });
        return Backprop.Record(y, "ChannelStd", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            Parallelism.For(planes, x.Length, nc =>
            {
                var d = dx.Data.AsSpan(nc * hw, hw);
                float sigma = yd[nc];
                if (sigma == 0f) { d.Clear(); return; }
                TensorPrimitives.Subtract(xd.AsSpan(nc * hw, hw), mean[nc], d);
                TensorPrimitives.Multiply(d, dy.Data[nc] / (hw * sigma), d);
            });
            return [dx];
        });
    }
}
