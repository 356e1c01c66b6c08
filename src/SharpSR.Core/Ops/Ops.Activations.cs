using System.Numerics.Tensors;
using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>LeakyReLU's negative slope, for the ONNX tracer.</summary>
public sealed record LeakyReluAttributes(float Slope);

public static partial class Ops
{
    /// <summary>y = max(x, 0). Backward: dx = dy where x &gt; 0, else 0 (PyTorch's choice at 0).</summary>
    public static Tensor Relu(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Max(x.Data, 0f, y.Data);
        return Backprop.Record(y, "Relu", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            GateKernels.Gate(x.Data, dy.Data, 0f, float.PositiveInfinity, 0f, dx.Data);
            return [dx];
        });
    }

    /// <summary>y = min(max(x, 0), 6). Backward: dx = dy where 0 &lt; x &lt; 6, else 0.</summary>
    public static Tensor Relu6(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Max(x.Data, 0f, y.Data);
        TensorPrimitives.Min(y.Data, 6f, y.Data);
        return Backprop.Record(y, "Relu6", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            GateKernels.Gate(x.Data, dy.Data, 0f, 6f, 0f, dx.Data);
            return [dx];
        });
    }

    /// <summary>y = x &gt; 0 ? x : slope·x. Backward: dx = dy · (x &gt; 0 ? 1 : slope).</summary>
    public static Tensor LeakyRelu(Tensor x, float slope)
    {
        var y = Tensor.EmptyLike(x);
        GateKernels.Gate(x.Data, x.Data, 0f, float.PositiveInfinity, slope, y.Data);
        return Backprop.Record(y, "LeakyRelu", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            GateKernels.Gate(x.Data, dy.Data, 0f, float.PositiveInfinity, slope, dx.Data);
            return [dx];
        }, new LeakyReluAttributes(slope));
    }

    /// <summary>y = 1 / (1 + e^-x). Backward: dx = dy · y · (1 - y).</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Sigmoid(x.Data, y.Data);
        return Backprop.Record(y, "Sigmoid", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            TensorPrimitives.Subtract(1f, y.Data, dx.Data);
            TensorPrimitives.Multiply(dx.Data, y.Data, dx.Data);
            TensorPrimitives.Multiply(dx.Data, dy.Data, dx.Data);
            return [dx];
        });
    }
}
