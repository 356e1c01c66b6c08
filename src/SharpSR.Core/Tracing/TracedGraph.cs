namespace SharpSR.Core.Tracing;

/// <summary>What a value of a traced graph is: the input, a parameter, a constant, or an op's output.</summary>
public enum TracedValueKind { Input, Parameter, Constant, Node }

/// <summary>One value: its kind, the shape it had in the trace, and for parameters the state-dict key.</summary>
public sealed record TracedValue(int Id, TracedValueKind Kind, int[] Shape, string? Name = null);

/// <summary>One op as executed: its name (as recorded by the op), input value ids, output value id and attributes.</summary>
public sealed record TracedNode(string Op, int[] Inputs, int Output, object? Attributes);

/// <summary>
/// A network's forward pass as a list of ops in execution order, recorded by <see cref="GraphTracer"/>. Values are
/// numbered; parameters keep a reference to the live tensor (so a graph traced once follows later weight updates)
/// and their state-dict keys; constants are tensors the forward made itself. Consumers: <see cref="GraphInterpreter"/>
/// (runs it on the graph kernels), lowerings to faster plans, and exporters.
/// </summary>
public sealed class TracedGraph
{
    internal TracedGraph(int input, int output, IReadOnlyList<TracedValue> values, IReadOnlyList<TracedNode> nodes, IReadOnlyDictionary<int, Tensor> tensors)
    {
        Input = input;
        Output = output;
        Values = values;
        Nodes = nodes;
        Tensors = tensors;
    }

    public int Input { get; }
    public int Output { get; }

    /// <summary>Every value, indexed by id.</summary>
    public IReadOnlyList<TracedValue> Values { get; }

    public IReadOnlyList<TracedNode> Nodes { get; }

    /// <summary>The tensors of parameters and constants, by value id.</summary>
    public IReadOnlyDictionary<int, Tensor> Tensors { get; }

    public IEnumerable<TracedValue> Parameters => Values.Where(v => v.Kind == TracedValueKind.Parameter);

    /// <summary>How many nodes read each value (the output counts as one more reader).</summary>
    public int[] UseCounts()
    {
        var uses = new int[Values.Count];
        foreach (var node in Nodes)
            foreach (int i in node.Inputs) uses[i]++;
        uses[Output]++;
        return uses;
    }

    /// <summary>Op names and how often each occurs, for messages and tests.</summary>
    public IReadOnlyDictionary<string, int> OpCounts() =>
        Nodes.GroupBy(n => n.Op).ToDictionary(g => g.Key, g => g.Count());
}
