namespace SharpSR.Core.Nn;

/// <summary>A trainable tensor: a <see cref="Tensor"/> that requires grad.</summary>
public sealed class Parameter : Tensor
{
    public Parameter(float[] data, params int[] shape) : base(data, shape) => RequiresGrad = true;

    public Parameter(Tensor init) : this(init.Data, init.ShapeArray) { }

    private Tensor? _gradBuffer;

    /// <summary>
    /// The parameter's own gradient storage, made once and reused by every backward pass: gradients
    /// outlive a <see cref="Memory.TensorArena"/> scope and cost no allocation per step.
    /// </summary>
    internal Tensor GradBuffer() => _gradBuffer ??= new Tensor(new float[Length], ShapeArray);

    public static new Parameter Zeros(params int[] shape) => new(Tensor.Zeros(shape));
}
