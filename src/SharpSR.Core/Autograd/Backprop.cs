using System.Numerics.Tensors;

namespace SharpSR.Core.Autograd;

/// <summary>
/// Reverse-mode autograd. Ops call <see cref="Record"/> after computing their output; <see cref="Run"/>
/// walks the recorded graph from a loss in reverse topological order, accumulating into
/// <see cref="Tensor.Grad"/> of every tensor that requires a gradient, and then frees the graph.
/// </summary>
public static class Backprop
{
    [ThreadStatic] private static int t_noGradDepth;

    /// <summary>Optional observer of every op executed (used by the ONNX tracer); runs even without grad.</summary>
    [ThreadStatic] internal static Action<Tensor, string, Tensor[], object?>? t_tracer;

    /// <summary>False inside a <see cref="NoGradScope"/>.</summary>
    public static bool IsEnabled => t_noGradDepth == 0;

    internal static void EnterNoGrad() => t_noGradDepth++;
    internal static void ExitNoGrad() => t_noGradDepth--;

    /// <summary>
    /// Attaches <paramref name="backward"/> to <paramref name="output"/> when grad is on and some input
    /// requires a gradient; otherwise records nothing, so inference keeps no intermediate alive.
    /// </summary>
    public static Tensor Record(Tensor output, string op, Tensor[] inputs, BackwardFn backward, object? attributes = null)
    {
        t_tracer?.Invoke(output, op, inputs, attributes);
        if (OpProfiler.IsActive) OpProfiler.Forward(op, output);
        if (t_noGradDepth != 0) return output;
        bool any = false;
        foreach (var t in inputs) any |= t.RequiresGrad;
        if (!any) return output;
        output.RequiresGrad = true;
        output.Node = new GradNode(op, inputs, backward, attributes);
        return output;
    }

    /// <summary>Back-propagates from <paramref name="root"/>; a non-scalar root needs its output gradient.</summary>
    public static void Run(Tensor root, Tensor? outputGrad = null)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: the tensor does not require grad (no parameter or input with RequiresGrad led to it).");
        if (outputGrad is null)
        {
            if (root.Length != 1)
                throw new ArgumentException($"Backward: shape {Shapes.Format(root.Shape)} is not a scalar; pass the output gradient.");
            outputGrad = Tensor.Full(1f, root.ShapeArray);
        }
        else if (!outputGrad.SameShape(root))
        {
            throw new ArgumentException($"Backward: output gradient shape {Shapes.Format(outputGrad.Shape)} does not match {Shapes.Format(root.Shape)}.");
        }
        else
        {
            outputGrad = outputGrad.Clone();   // gradients are accumulated in place: never into the caller's tensor
        }

        var order = TopologicalOrder(root);
        var owned = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        Accumulate(root, outputGrad, owned);

        for (int i = order.Count - 1; i >= 0; i--)
        {
            Tensor t = order[i];
            GradNode node = t.Node!;
            Tensor? dy = t.Grad;
            // Non-leaf: release its gradient and its place in the graph as soon as it is used.
            t.Grad = null;
            t.Node = null;
            if (dy is null) continue;
            owned.Remove(dy);   // t is done with it: the first input it flows to may take it without a copy
            bool profile = OpProfiler.IsActive;
            long started = profile ? OpProfiler.BackwardStart() : 0;
            Tensor?[] dxs = node.Backward(dy);
            if (profile) OpProfiler.BackwardEnd(node.Op, t, started);
            if (dxs.Length != node.Inputs.Length)
                throw new InvalidOperationException($"Backward of {node.Op} returned {dxs.Length} gradients for {node.Inputs.Length} inputs.");
            for (int k = 0; k < dxs.Length; k++)
            {
                Tensor input = node.Inputs[k];
                if (dxs[k] is { } dx && input.RequiresGrad)
                {
                    if (!dx.SameShape(input))
                        throw new InvalidOperationException($"Backward of {node.Op}: gradient {Shapes.Format(dx.Shape)} for input {k} of shape {Shapes.Format(input.Shape)}.");
                    Accumulate(input, dx, owned);
                }
            }
        }
    }

    private static void Accumulate(Tensor t, Tensor g, HashSet<Tensor> owned)
    {
        if (t is Nn.Parameter sinkParam && GradientSink.Active is { } sink)
        {
            sink.Accumulate(sinkParam, g);
        }
        else if (t.Grad is null && t is Nn.Parameter p)
        {
            var buffer = p.GradBuffer();
            g.Data.AsSpan().CopyTo(buffer.Data);
            t.Grad = buffer;
        }
        else if (t.Grad is null)
            t.Grad = owned.Add(g) ? g : g.Clone();   // a gradient tensor is owned by one tensor only
        else
            TensorPrimitives.Add(t.Grad.Data, g.Data, t.Grad.Data);
    }

    /// <summary>Non-leaf tensors reachable from root, each after all its inputs (iterative DFS: graphs can be deep).</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        if (root.Node is null) return order;
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance) { root };
        var stack = new Stack<(Tensor T, int Next)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.Node!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                Tensor child = inputs[next];
                if (child.Node is not null && visited.Add(child)) stack.Push((child, 0));
            }
            else
            {
                order.Add(t);
            }
        }
        return order;
    }
}
