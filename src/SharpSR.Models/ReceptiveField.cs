using SharpSR.Core;
using SharpSR.Core.Tracing;

namespace SharpSR.Models;

/// <summary>
/// The LR radius a network's output depends on, derived from its traced forward pass rather than by hand. Each
/// value carries the radius, in input pixels, of the window it reads; a convolution, pooling or resampling widens
/// it by its own reach at its own resolution (a 3x3 conv after a x2 pixel shuffle adds half an LR pixel),
/// element-wise ops and concatenations take their widest input. The total, rounded up, is the tile margin at which
/// tiled output equals one pass. Null when some path reads the whole plane (global pooling, channel statistics,
/// attention, reshapes): no finite margin covers that, and the network's own <see cref="SrNetwork.ReceptiveFieldRadius"/>
/// says what it uses instead.
/// </summary>
public static class ReceptiveField
{
    /// <param name="size">Side of the traced input; large enough that every layer keeps a spatial extent.</param>
    public static int? Derive(SrNetwork net, int size = 32)
    {
        var graph = GraphTracer.Trace(net, Tensor.Zeros(1, 3, size, size));
        var radius = new double[graph.Values.Count];       // input pixels; +inf: reads the whole plane; 0 for weights
        var resolution = new double[graph.Values.Count];   // pixels per input pixel, from strides and factors
        Array.Fill(resolution, 1.0);
        double inputWidth = graph.Values[graph.Input].Shape[^1];
        double Width(int value) => graph.Values[value].Shape[^1];

        foreach (var node in graph.Nodes)
        {
            int x = node.Inputs[0];
            double res = resolution[x];
            (double reach, double outRes) = node.Op switch
            {
                "Conv2d" or "Conv2dRelu" or "Conv2dAdd" => Conv(Width(node.Inputs[1]), (Conv2dOptions)node.Attributes!, res),
                "ResidualBlock" => (ResidualBlockReach(graph, node), res),
                "AvgPool2d" or "MaxPool2d" => Pool((Pool2dAttributes)node.Attributes!, res),
                "DepthwiseFilter" => ((((DepthwiseFilterAttributes)node.Attributes!).Kernel.GetLength(0) - 1) / 2.0, res),
                // Two source pixels either side of the sample point (one when shrinking by more than the ratio).
                "ResizeBilinear" => (Math.Max(1, res * inputWidth / Width(node.Output)), Width(node.Output) / inputWidth),
                "UpsampleBicubic" => (2, res * Width(node.Output) / Width(x)),
                "UpsampleNearest" or "PixelShuffle" => (0, res * Width(node.Output) / Width(x)),
                "Add" or "Sub" or "Mul" or "AddScalar" or "MulScalar" or "Relu" or "Relu6" or "LeakyRelu" or "Sigmoid"
                    or "Concat" or "Split" or "ChannelShuffle" => (0, res),
                _ => (double.PositiveInfinity, res),   // global: pooling to a fixed size, statistics, MatMul, Softmax, Reshape, …
            };
            radius[node.Output] = node.Inputs.Max(i => radius[i]) + reach / res;
            resolution[node.Output] = outRes;
        }
        double total = radius[graph.Output];
        return double.IsPositiveInfinity(total) ? null : (int)Math.Ceiling(total - 1e-9);
    }

    /// <summary>The farther side of a conv window (the padded side, or the rest of an unevenly padded kernel); a stride lowers the resolution.</summary>
    private static (double Reach, double Resolution) Conv(double kernel, Conv2dOptions o, double res) =>
        (ConvReach((int)kernel, o), res / o.StrideW);

    private static double ConvReach(int kernel, Conv2dOptions o) => Math.Max(o.PadW, o.DilationW * (kernel - 1) - o.PadW);

    private static (double Reach, double Resolution) Pool(Pool2dAttributes a, double res) =>
        (Math.Max(a.Padding, a.Kernel - 1 - a.Padding), res / a.Stride);

    /// <summary>EDSR's block runs two convolutions; their weights are the rank-4 inputs.</summary>
    private static double ResidualBlockReach(TracedGraph graph, TracedNode node)
    {
        var (o1, o2, _) = ((Conv2dOptions, Conv2dOptions, bool))node.Attributes!;
        var weights = node.Inputs.Skip(1).Where(i => graph.Values[i].Shape.Length == 4).Select(i => graph.Values[i].Shape[^1]).ToArray();
        return ConvReach(weights[0], o1) + ConvReach(weights[1], o2);
    }
}
