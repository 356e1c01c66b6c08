namespace SharpSR.Core;

public static partial class Ops
{
    /// <summary>A view with a new shape over the same data (one dimension may be -1). Backward reshapes back.</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        shape = (int[])shape.Clone();
        int infer = Array.IndexOf(shape, -1);
        if (infer >= 0)
        {
            long rest = 1;
            for (int i = 0; i < shape.Length; i++) if (i != infer) rest *= shape[i];
            if (rest == 0 || x.Length % rest != 0)
                throw new ArgumentException($"Reshape: cannot infer -1 in {Shapes.Format(shape)} for {x.Length} elements of {Shapes.Format(x.Shape)}.");
            shape[infer] = (int)(x.Length / rest);
        }
        if (Shapes.Numel(shape) != x.Length)
            throw new ArgumentException($"Reshape: {Shapes.Format(x.Shape)} ({x.Length} elements) cannot become {Shapes.Format(shape)}.");
        var y = new Tensor(x.Data, shape);
        int[] original = x.ShapeArray;
        return Autograd.Backprop.Record(y, "Reshape", [x], dy => [new Tensor(dy.Data, original)], shape);
    }
}
