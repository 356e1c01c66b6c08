using SharpSR.Core.Nn;

namespace SharpSR.Core.Tracing;

/// <summary>What a size-dependent integer of a trace is proportional to: nothing, the input's height, width, or area.</summary>
public enum SizeTerm { Constant, Height, Width, Area }

/// <summary>An integer of a traced graph as a function of the input size: <c>Factor · term</c> (the term is 1 for a constant).</summary>
public readonly record struct SymbolicSize(SizeTerm Term, long Factor)
{
    public static SymbolicSize Constant(long value) => new(SizeTerm.Constant, value);

    public long Evaluate(long height, long width) => Term switch
    {
        SizeTerm.Height => Factor * height,
        SizeTerm.Width => Factor * width,
        SizeTerm.Area => Factor * height * width,
        _ => Factor,
    };
}

/// <summary>
/// A trace whose size-dependent integers (reshape dimensions, resize targets, upsampling factors) are known as
/// functions of the input height and width, so a consumer can rebuild the network for any input size. Batch and
/// channels stay as traced.
/// </summary>
public sealed class SymbolicGraph
{
    private readonly IReadOnlyDictionary<TracedNode, SymbolicSize[]> _sizes;

    internal SymbolicGraph(TracedGraph graph, bool isDynamic, IReadOnlyDictionary<TracedNode, SymbolicSize[]> sizes)
    {
        Graph = graph;
        IsDynamic = isDynamic;
        _sizes = sizes;
    }

    /// <summary>The trace at the first size.</summary>
    public TracedGraph Graph { get; }

    /// <summary>True when height and width are free; false for a graph that holds for the traced size only.</summary>
    public bool IsDynamic { get; }

    /// <summary>The size integers of a node (see <see cref="SizeSymbolicTracer.SizeIntegers"/>) as functions of the input size.</summary>
    public SymbolicSize[] SizesOf(TracedNode node) =>
        _sizes.TryGetValue(node, out var sizes) ? sizes : throw new ArgumentException($"trace: {node.Op} carries no size integers.");
}

/// <summary>
/// Makes a trace size-independent: traces at two input sizes, checks that both ran the same ops on the same values
/// with the same attributes, and classifies every integer that differs as k·H, k·W or k·H·W. A network whose
/// structure or size arithmetic follows the input in any other way is refused with the reason.
/// </summary>
public static class SizeSymbolicTracer
{
    /// <summary>
    /// Traces <paramref name="forward"/> on [batch, channels, H, W] inputs at two sizes (each side at least
    /// <paramref name="minSide"/>) and returns the first trace with its sizes classified.
    /// </summary>
    public static SymbolicGraph TraceDynamic(Module module, Func<Tensor, Tensor> forward, int batch, int channels, int minSide = 1)
    {
        // Heights, widths and areas all differ between the two sizes, so no multiple of one can pass for another.
        int m = Math.Max(16, minSide);
        var (h1, w1, h2, w2) = (m, m + 4, m + 2, m + 1);
        var first = GraphTracer.Trace(module, forward, Example(batch, channels, h1, w1));
        var second = GraphTracer.Trace(module, forward, Example(batch, channels, h2, w2));
        RequireSameStructure(first, second);
        var sizes = new Dictionary<TracedNode, SymbolicSize[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < first.Nodes.Count; i++)
        {
            var a = SizeIntegers(first.Nodes[i], first);
            if (a is null) continue;
            var b = SizeIntegers(second.Nodes[i], second)!;
            sizes[first.Nodes[i]] = a.Select((v, k) => Classify(v, b[k], (h1, w1), (h2, w2), first.Nodes[i].Op)).ToArray();
        }
        return new SymbolicGraph(first, isDynamic: true, sizes);
    }

    /// <summary>One trace at the example's size; every size integer is a constant.</summary>
    public static SymbolicGraph TraceFixed(Module module, Func<Tensor, Tensor> forward, Tensor example)
    {
        var graph = GraphTracer.Trace(module, forward, example);
        var sizes = new Dictionary<TracedNode, SymbolicSize[]>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.Nodes)
            if (SizeIntegers(node, graph) is { } values) sizes[node] = values.Select(v => SymbolicSize.Constant(v)).ToArray();
        return new SymbolicGraph(graph, isDynamic: false, sizes);
    }

    /// <summary>
    /// The integers of a node that may follow the input size: a reshape's target shape, a bilinear resize's
    /// (OutH, OutW), an integer upsampling's (factor along H, factor along W) read from the traced shapes; null for other ops.
    /// </summary>
    public static long[]? SizeIntegers(TracedNode node, TracedGraph graph) => node.Op switch
    {
        "Reshape" => ((int[])node.Attributes!).Select(v => (long)v).ToArray(),
        "ResizeBilinear" => [((ResizeAttributes)node.Attributes!).OutH, ((ResizeAttributes)node.Attributes!).OutW],
        "UpsampleNearest" or "UpsampleBicubic" => UpsampleFactors(node, graph),
        _ => null,
    };

    private static long[] UpsampleFactors(TracedNode node, TracedGraph graph)
    {
        var x = graph.Values[node.Inputs[0]].Shape;
        var y = graph.Values[node.Output].Shape;
        return [y[^2] / x[^2], y[^1] / x[^1]];
    }

    private static Tensor Example(int batch, int channels, int h, int w) => Tensor.Uniform(new Random(1), 0, 255, batch, channels, h, w);

    private static SymbolicSize Classify(long a, long b, (long H, long W) s1, (long H, long W) s2, string op)
    {
        if (a == b) return SymbolicSize.Constant(a);
        foreach (var (term, t1, t2) in new[] { (SizeTerm.Height, s1.H, s2.H), (SizeTerm.Width, s1.W, s2.W), (SizeTerm.Area, s1.H * s1.W, s2.H * s2.W) })
            if (a % t1 == 0 && b % t2 == 0 && a / t1 == b / t2) return new SymbolicSize(term, a / t1);
        throw new NotSupportedException(
            $"trace: a {op} size is {a} at {s1.W}x{s1.H} and {b} at {s2.W}x{s2.H}, not a multiple of the height, width or area; export at a fixed size instead.");
    }

    private static void RequireSameStructure(TracedGraph a, TracedGraph b)
    {
        if (a.Nodes.Count != b.Nodes.Count || a.Values.Count != b.Values.Count || a.Output != b.Output)
            throw new NotSupportedException($"trace: the network runs {a.Nodes.Count} ops at one input size and {b.Nodes.Count} at another; export at a fixed size instead.");
        for (int i = 0; i < a.Nodes.Count; i++)
        {
            TracedNode x = a.Nodes[i], y = b.Nodes[i];
            bool sizeCarrier = SizeIntegers(x, a) is not null;
            if (x.Op != y.Op || x.Output != y.Output || !x.Inputs.SequenceEqual(y.Inputs) || (!sizeCarrier && !SameAttributes(x.Attributes, y.Attributes)))
                throw new NotSupportedException($"trace: op {i} ({x.Op}) differs between two input sizes; export at a fixed size instead.");
        }
        foreach (var (id, t) in a.Tensors)
        {
            if (a.Values[id].Kind != TracedValueKind.Constant) continue;
            if (!b.Tensors.TryGetValue(id, out var u) || !t.Shape.SequenceEqual(u.Shape) || !t.Data.AsSpan().SequenceEqual(u.Data))
                throw new NotSupportedException($"trace: a constant of shape {Shapes.Format(t.Shape)} depends on the input size; export at a fixed size instead.");
        }
    }

    /// <summary>Attribute records compared by content (the few that hold arrays compare them element by element).</summary>
    private static bool SameAttributes(object? a, object? b) => (a, b) switch
    {
        (SplitAttributes x, SplitAttributes y) => x.Axis == y.Axis && x.Index == y.Index && x.Sizes.SequenceEqual(y.Sizes),
        (DepthwiseFilterAttributes x, DepthwiseFilterAttributes y) => x.Padding == y.Padding && x.Kernel.Cast<float>().SequenceEqual(y.Kernel.Cast<float>()),
        _ => Equals(a, b),
    };
}
