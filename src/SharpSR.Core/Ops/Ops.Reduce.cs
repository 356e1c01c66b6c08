using System.Numerics.Tensors;
using SharpSR.Core.Autograd;

namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>Sum of all elements as a [1] tensor. Backward: dx = dy everywhere.</summary>
    public static Tensor Sum(Tensor x)
    {
        var y = Tensor.Scalar(TensorPrimitives.Sum<float>(x.Data));
        return Backprop.Record(y, "Sum", [x], dy => [Tensor.Full(dy.Data[0], x.ShapeArray)]);
    }

    /// <summary>Mean of all elements as a [1] tensor. Backward: dx = dy / n everywhere.</summary>
    public static Tensor Mean(Tensor x)
    {
        if (x.Length == 0) throw new ArgumentException($"Mean: input {Shapes.Format(x.Shape)} is empty.");
        int n = x.Length;
        var y = Tensor.Scalar(TensorPrimitives.Sum<float>(x.Data) / n);
        return Backprop.Record(y, "Mean", [x], dy => [Tensor.Full(dy.Data[0] / n, x.ShapeArray)]);
    }
}
