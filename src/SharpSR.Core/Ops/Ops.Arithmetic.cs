using System.Numerics.Tensors;
using SharpSR.Core.Autograd;
using SharpSR.Core.Kernels;

namespace SharpSR.Core;

/// <summary>Attributes of the scalar ops (AddScalar, MulScalar) for the ONNX tracer.</summary>
public sealed record ScalarAttributes(float Value);

public static partial class Ops
{
    /// <summary>y = a + b with numpy broadcasting. Backward: da, db = dy summed over each side's broadcast dimensions.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var y = BroadcastForward(BinaryOp.Add, a, b, "Add");
        return Backprop.Record(y, "Add", [a, b], dy => [ReduceToShape(dy, a), ReduceToShape(dy, b)]);
    }

    /// <summary>y = a - b with numpy broadcasting. Backward: da = Σ dy, db = -Σ dy over broadcast dimensions.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        var y = BroadcastForward(BinaryOp.Sub, a, b, "Sub");
        return Backprop.Record(y, "Sub", [a, b], dy =>
        {
            Tensor? db = null;
            if (b.RequiresGrad)
            {
                db = Tensor.EmptyLike(b);
                TensorPrimitives.Negate(ReduceToShape(dy, b).Data, db.Data);
            }
            return [ReduceToShape(dy, a), db];
        });
    }

    /// <summary>y = a · b with numpy broadcasting. Backward: da = Σ dy·b, db = Σ dy·a over broadcast dimensions.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        var y = BroadcastForward(BinaryOp.Mul, a, b, "Mul");
        return Backprop.Record(y, "Mul", [a, b], dy =>
        {
            Tensor? da = null, db = null;
            if (a.RequiresGrad)
            {
                var t = Tensor.EmptyLike(dy);
                BroadcastPlan.Create(dy.Shape, dy.Shape, b.Shape).Forward(BinaryOp.Mul, dy.Data, b.Data, t.Data);
                da = ReduceToShape(t, a);
            }
            if (b.RequiresGrad)
            {
                var t = Tensor.EmptyLike(dy);
                BroadcastPlan.Create(dy.Shape, a.Shape, dy.Shape).Forward(BinaryOp.Mul, a.Data, dy.Data, t.Data);
                db = ReduceToShape(t, b);
            }
            return [da, db];
        });
    }

    /// <summary>y = x + s. Backward: dx = dy.</summary>
    public static Tensor AddScalar(Tensor x, float s)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Add(x.Data, s, y.Data);
        return Backprop.Record(y, "AddScalar", [x], dy => [dy], new ScalarAttributes(s));
    }

    /// <summary>y = x · s. Backward: dx = s · dy.</summary>
    public static Tensor MulScalar(Tensor x, float s)
    {
        var y = Tensor.EmptyLike(x);
        TensorPrimitives.Multiply(x.Data, s, y.Data);
        return Backprop.Record(y, "MulScalar", [x], dy =>
        {
            var dx = Tensor.EmptyLike(dy);
            TensorPrimitives.Multiply(dy.Data, s, dx.Data);
            return [dx];
        }, new ScalarAttributes(s));
    }

    private static Tensor BroadcastForward(BinaryOp op, Tensor a, Tensor b, string name)
    {
        int[] shape = BroadcastPlan.OutputShape(a.Shape, b.Shape)
            ?? throw new ArgumentException($"{name}: shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} do not broadcast " +
                                           "(right-aligned dimensions must be equal or 1).");
        var y = Tensor.Empty(shape);
        BroadcastPlan.Create(shape, a.Shape, b.Shape).Forward(op, a.Data, b.Data, y.Data);
        return y;
    }

    /// <summary>g (in the broadcast output shape) summed down to <paramref name="like"/>'s shape; g itself when shapes match.</summary>
    private static Tensor ReduceToShape(Tensor g, Tensor like)
    {
        if (g.SameShape(like)) return g;
        var target = Tensor.ZerosLike(like);
        BroadcastPlan.Create(g.Shape, like.Shape, g.Shape).ReduceInto(g.Data, target.Data);
        return target;
    }
}
