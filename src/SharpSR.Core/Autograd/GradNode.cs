namespace SharpSR.Core.Autograd;

/// <summary>
/// Computes the input gradients of one op from its output gradient <c>dy</c>. Entries may be null
/// for inputs that need no gradient. A returned tensor may be <c>dy</c> itself: Backprop copies on
/// the second use, so closures never have to.
/// </summary>
public delegate Tensor?[] BackwardFn(Tensor dy);

/// <summary>One recorded op: its name and attributes (read by the ONNX tracer), inputs and backward.</summary>
public sealed class GradNode(string op, Tensor[] inputs, BackwardFn backward, object? attributes)
{
    public string Op { get; } = op;
    public Tensor[] Inputs { get; } = inputs;
    public BackwardFn Backward { get; } = backward;
    public object? Attributes { get; } = attributes;
}
