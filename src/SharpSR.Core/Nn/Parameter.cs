namespace SharpSR.Core.Nn;

/// <summary>A trainable tensor: a <see cref="Tensor"/> that requires grad.</summary>
public sealed class Parameter : Tensor
{
    public Parameter(float[] data, params int[] shape) : base(data, shape) => RequiresGrad = true;

    public Parameter(Tensor init) : this(init.Data, init.ShapeArray) { }

    public static new Parameter Zeros(params int[] shape) => new(Tensor.Zeros(shape));
}
