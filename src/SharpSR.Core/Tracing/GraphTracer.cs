using System.Runtime.CompilerServices;
using SharpSR.Core.Autograd;
using SharpSR.Core.Nn;

namespace SharpSR.Core.Tracing;

/// <summary>
/// Records a forward pass: every op reports itself to <see cref="Backprop"/> as it runs (grad or not), and the tracer
/// numbers the tensors it sees. A tensor that no traced op produced is the input, a parameter of the module (by
/// reference) or a constant the forward built (kept by value).
/// </summary>
public static class GraphTracer
{
    /// <summary>Runs <paramref name="forward"/> on <paramref name="example"/> without grad and returns the ops it executed.</summary>
    public static TracedGraph Trace(Module module, Func<Tensor, Tensor> forward, Tensor example)
    {
        var names = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, p) in module.NamedParameters()) names.TryAdd(p, name);

        var ids = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var values = new List<TracedValue>();
        var nodes = new List<TracedNode>();
        var tensors = new Dictionary<int, Tensor>();

        int Add(Tensor t, TracedValueKind kind, string? name = null)
        {
            int id = values.Count;
            values.Add(new TracedValue(id, kind, t.ShapeArray, name));
            ids[t] = id;
            return id;
        }

        int Resolve(Tensor t)
        {
            if (ids.TryGetValue(t, out int id)) return id;
            if (names.TryGetValue(t, out var name))
            {
                id = Add(t, TracedValueKind.Parameter, name);
                tensors[id] = t;
                return id;
            }
            id = Add(t, TracedValueKind.Constant);
            tensors[id] = t.Clone();   // a constant may be a scratch tensor the forward reuses
            return id;
        }

        int input = Add(example, TracedValueKind.Input);
        var previous = Backprop.t_tracer;
        Backprop.t_tracer = (output, op, inputs, attributes) =>
        {
            var ins = inputs.Select(Resolve).ToArray();
            nodes.Add(new TracedNode(op, ins, Add(output, TracedValueKind.Node), attributes));
        };
        Tensor result;
        try
        {
            using (NoGradScope.Enter()) result = forward(example);
        }
        finally
        {
            Backprop.t_tracer = previous;
        }
        if (!ids.TryGetValue(result, out int outputId))
            throw new InvalidOperationException("trace: the forward pass returned a tensor no traced op produced.");
        return new TracedGraph(input, outputId, values, nodes, tensors);
    }

    /// <summary>Traces <paramref name="module"/>'s own forward.</summary>
    public static TracedGraph Trace(Module module, Tensor example) => Trace(module, module.Forward, example);
}
