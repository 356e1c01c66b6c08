namespace SharpSR.Core.Tracing;

/// <summary>
/// Runs a <see cref="TracedGraph"/> op by op on the graph kernels, on an input of the traced shape (reshapes and
/// resizes keep the sizes they were traced with). It is the per-node fallback of lowered plans, and proves that a
/// trace holds everything needed to rebuild the network (what an exporter relies on).
/// </summary>
public static class GraphInterpreter
{
    /// <summary>Executes the graph on <paramref name="input"/> (the caller chooses grad or no-grad) and returns its output.</summary>
    public static Tensor Run(TracedGraph graph, Tensor input)
    {
        if (!graph.Values[graph.Input].Shape.SequenceEqual(input.ShapeArray))
            throw new ArgumentException($"graph: traced for input {Shapes.Format(graph.Values[graph.Input].Shape)}, given {Shapes.Format(input.Shape)}; trace again at this size.");
        var env = new Tensor?[graph.Values.Count];
        var uses = graph.UseCounts();
        env[graph.Input] = input;
        foreach (var (id, t) in graph.Tensors) env[id] = t;
        foreach (var node in graph.Nodes)
        {
            var ins = new Tensor[node.Inputs.Length];
            for (int i = 0; i < ins.Length; i++)
                ins[i] = env[node.Inputs[i]] ?? throw new InvalidOperationException($"graph: {node.Op} reads value {node.Inputs[i]} before it exists.");
            env[node.Output] = Execute(node, ins, graph);
            foreach (int i in node.Inputs)
                if (--uses[i] == 0 && graph.Values[i].Kind == TracedValueKind.Node) env[i] = null;   // let dead maps go
        }
        return env[graph.Output]!;
    }

    /// <summary>One node on the graph kernels.</summary>
    public static Tensor Execute(TracedNode node, Tensor[] x, TracedGraph graph)
    {
        object? a = node.Attributes;
        return node.Op switch
        {
            "Add" => Ops.Add(x[0], x[1]),
            "Sub" => Ops.Sub(x[0], x[1]),
            "Mul" => Ops.Mul(x[0], x[1]),
            "AddScalar" => Ops.AddScalar(x[0], ((ScalarAttributes)a!).Value),
            "MulScalar" => Ops.MulScalar(x[0], ((ScalarAttributes)a!).Value),
            "Relu" => Ops.Relu(x[0]),
            "Relu6" => Ops.Relu6(x[0]),
            "LeakyRelu" => Ops.LeakyRelu(x[0], ((LeakyReluAttributes)a!).Slope),
            "Sigmoid" => Ops.Sigmoid(x[0]),
            "Conv2d" => Ops.Conv2d(x[0], x[1], x.Length > 2 ? x[2] : null, (Conv2dOptions)a!),
            "Conv2dRelu" => Ops.Conv2d(x[0], x[1], x.Length > 2 ? x[2] : null, (Conv2dOptions)a!, relu: true, residual: null),
            "Conv2dAdd" => Ops.Conv2d(x[0], x[1], x.Length > 3 ? x[2] : null, (Conv2dOptions)a!, relu: false, residual: x[^1]),
            "ResidualBlock" => ResidualBlock(x, ((Conv2dOptions, Conv2dOptions, bool))a!),
            "Concat" => Ops.Concat(x, ((ConcatAttributes)a!).Axis),
            "Split" => Split(x[0], (SplitAttributes)a!),
            "Reshape" => Ops.Reshape(x[0], (int[])a!),
            "PixelShuffle" => Ops.PixelShuffle(x[0], ((PixelShuffleAttributes)a!).Factor),
            "ChannelShuffle" => Ops.ChannelShuffle(x[0], ((ChannelShuffleAttributes)a!).Groups),
            "ResizeBilinear" => Ops.ResizeBilinear(x[0], ((ResizeAttributes)a!).OutH, ((ResizeAttributes)a!).OutW),
            "UpsampleNearest" => Ops.UpsampleNearest(x[0], Factor(graph, node)),
            "UpsampleBicubic" => Ops.UpsampleBicubic(x[0], Factor(graph, node)),
            "AvgPool2d" => Ops.AvgPool2d(x[0], ((Pool2dAttributes)a!).Kernel, ((Pool2dAttributes)a!).Stride, ((Pool2dAttributes)a!).Padding),
            "MaxPool2d" => Ops.MaxPool2d(x[0], ((Pool2dAttributes)a!).Kernel, ((Pool2dAttributes)a!).Stride, ((Pool2dAttributes)a!).Padding),
            "AdaptiveAvgPool2d" => Ops.AdaptiveAvgPool2d(x[0], ((AdaptivePoolAttributes)a!).OutH, ((AdaptivePoolAttributes)a!).OutW),
            "MatMul" => Ops.MatMul(x[0], x[1]),
            "Softmax" => Ops.Softmax(x[0], ((SoftmaxAttributes)a!).Axis),
            "ScalarAttention" => Ops.ScalarAttention(x[0], x[1], x[2]),
            "ChannelMean" => Ops.ChannelMean(x[0]),
            "ChannelStd" => Ops.ChannelStd(x[0]),
            "DepthwiseFilter" => Ops.DepthwiseFilter(x[0], ((DepthwiseFilterAttributes)a!).Kernel, ((DepthwiseFilterAttributes)a!).Padding),
            "Sum" => Ops.Sum(x[0]),
            "Mean" => Ops.Mean(x[0]),
            _ => throw new NotSupportedException($"graph: no interpreter for op '{node.Op}'."),
        };
    }

    /// <summary>x, w1, [b1], w2, [b2]: a bias is the rank-1 tensor after its weight.</summary>
    private static Tensor ResidualBlock(Tensor[] x, (Conv2dOptions O1, Conv2dOptions O2, bool Relu) a)
    {
        int i = 1;
        Tensor w1 = x[i++];
        Tensor? b1 = i < x.Length && x[i].Rank == 1 ? x[i++] : null;
        Tensor w2 = x[i++];
        Tensor? b2 = i < x.Length ? x[i] : null;
        return Ops.ResidualBlock(x[0], w1, b1, a.O1, w2, b2, a.O2, a.Relu);
    }

    private static Tensor Split(Tensor x, SplitAttributes a) => Ops.Split(x, a.Sizes, a.Axis)[a.Index];

    private static int Factor(TracedGraph graph, TracedNode node) =>
        graph.Values[node.Output].Shape[^1] / graph.Values[node.Inputs[0]].Shape[^1];
}
