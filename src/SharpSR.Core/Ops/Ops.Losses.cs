using System.Numerics.Tensors;
using SharpSR.Core.Autograd;

namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>
    /// mean(|prediction - target|) as a [1] tensor (PyTorch L1Loss, reduction 'mean').
    /// Backward: dp = dy·sign(p - t)/n (sign 0 at equality, as PyTorch), dt = -dp.
    /// </summary>
    public static Tensor L1Loss(Tensor prediction, Tensor target)
    {
        var diff = LossDiff(prediction, target, "L1Loss");
        int n = diff.Length;
        var y = Tensor.Scalar(TensorPrimitives.SumOfMagnitudes<float>(diff) / n);
        return Backprop.Record(y, "L1Loss", [prediction, target], dy =>
        {
            float g = dy.Data[0] / n;
            var dp = Tensor.EmptyLike(prediction);
            Kernels.GateKernels.ScaledSign(diff, g, dp.Data);
            return [dp, NegatedIfNeeded(dp, target)];
        });
    }

    /// <summary>mean((prediction - target)²) as a [1] tensor. Backward: dp = 2·dy·(p - t)/n, dt = -dp.</summary>
    public static Tensor MseLoss(Tensor prediction, Tensor target)
    {
        var diff = LossDiff(prediction, target, "MseLoss");
        int n = diff.Length;
        var y = Tensor.Scalar(TensorPrimitives.SumOfSquares<float>(diff) / n);
        return Backprop.Record(y, "MseLoss", [prediction, target], dy =>
        {
            var dp = Tensor.EmptyLike(prediction);
            TensorPrimitives.Multiply(diff, 2f * dy.Data[0] / n, dp.Data);
            return [dp, NegatedIfNeeded(dp, target)];
        });
    }

    private static float[] LossDiff(Tensor prediction, Tensor target, string op)
    {
        if (!prediction.SameShape(target))
            throw new ArgumentException($"{op}: prediction {Shapes.Format(prediction.Shape)} and target {Shapes.Format(target.Shape)} must have the same shape.");
        if (prediction.Length == 0) throw new ArgumentException($"{op}: inputs of shape {Shapes.Format(prediction.Shape)} are empty.");
        var diff = Memory.TensorArena.Rent(prediction.Length, clear: false);
        TensorPrimitives.Subtract(prediction.Data, target.Data, diff);
        return diff;
    }

    private static Tensor? NegatedIfNeeded(Tensor g, Tensor input)
    {
        if (!input.RequiresGrad) return null;
        var neg = Tensor.EmptyLike(g);
        TensorPrimitives.Negate(g.Data, neg.Data);
        return neg;
    }
}
