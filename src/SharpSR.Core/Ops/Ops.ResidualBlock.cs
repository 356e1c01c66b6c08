using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;
using SharpSR.Core.Memory;

namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>
    /// EDSR's residual block as one op: h = act(conv(x, w1, b1)), y = x + conv(h, w2, b2), act ReLU or none.
    /// Same numbers as the ops in sequence; one op so that backward can fuse too:
    /// dz = (conv2ᵀ dy) ⊙ [h &gt; 0] in the transposed convolution's epilogue, dx = conv1ᵀ dz + dy likewise,
    /// dw2, db2 from (h, dy) and dw1, db1 from (x, dz) — no separate mask, add or copy passes.
    /// </summary>
    public static Tensor ResidualBlock(Tensor x, Tensor w1, Tensor? b1, Conv2dOptions o1, Tensor w2, Tensor? b2, Conv2dOptions o2, bool relu)
    {
        Conv2dShape s1 = CheckConv2d(x, w1, b1, o1);
        Tensor h = Tensor.Empty(s1.N, s1.K, s1.P, s1.Q);
        Conv2dKernels.Forward(x.Data, w1.Data, b1 is null ? default : b1.Data, s1, h.Data, relu, default);
        Conv2dShape s2 = CheckConv2d(h, w2, b2, o2);
        if (!x.Shape.SequenceEqual([s2.N, s2.K, s2.P, s2.Q]))
            throw new ArgumentException($"ResidualBlock: the body maps {Shapes.Format(x.Shape)} to {Shapes.Format([s2.N, s2.K, s2.P, s2.Q])}; the skip needs equal shapes.");
        Tensor y = Tensor.Empty(x.ShapeArray);
        Conv2dKernels.Forward(h.Data, w2.Data, b2 is null ? default : b2.Data, s2, y.Data, relu: false, residual: x.Data);

        var inputs = new List<Tensor>(5) { x, w1 };
        if (b1 is not null) inputs.Add(b1);
        inputs.Add(w2);
        if (b2 is not null) inputs.Add(b2);
        var result = Backprop.Record(y, "ResidualBlock", [.. inputs], dy =>
        {
            // dz: the gradient at conv1's output before its ReLU.
            Tensor dz = Tensor.Empty(h.ShapeArray);
            Conv2dKernels.BackwardData(dy.Data, w2.Data, s2, dz.Data, gate: relu ? h.Data : default, residual: default);
            var (dw2, db2) = FilterGradients(h, dy, w2, b2, s2);
            Tensor? dx = null;
            if (x.RequiresGrad)
            {
                dx = Tensor.Empty(x.ShapeArray);
                Conv2dKernels.BackwardData(dz.Data, w1.Data, s1, dx.Data, gate: default, residual: dy.Data);
            }
            var (dw1, db1) = FilterGradients(x, dz, w1, b1, s1);
            var grads = new List<Tensor?>(5) { dx, dw1 };
            if (b1 is not null) grads.Add(db1);
            grads.Add(dw2);
            if (b2 is not null) grads.Add(db2);
            return [.. grads];
        }, (o1, o2, relu));
        if (result.Node is null) TensorArena.Recycle(h);   // nothing recorded: h is dead
        return result;
    }

    /// <summary>dw and db of a convolution with input x and output gradient dy, each only when needed.</summary>
    private static (Tensor? Dw, Tensor? Db) FilterGradients(Tensor x, Tensor dy, Tensor weight, Tensor? bias, in Conv2dShape s)
    {
        Tensor? dw = null, db = null;
        if (bias is { RequiresGrad: true }) db = Tensor.Empty(bias.ShapeArray);
        if (weight.RequiresGrad)
        {
            dw = Tensor.Empty(weight.ShapeArray);
            Conv2dKernels.BackwardFilter(x.Data, dy.Data, s, dw.Data, db is null ? default : db.Data);
        }
        else if (db is not null)
        {
            Conv2dKernels.BackwardBias(dy.Data, s, db.Data);
        }
        return (dw, db);
    }
}
