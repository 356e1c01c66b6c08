using SharpSR.Core;
using SharpSR.Core.Tracing;
using SharpSR.Onnx.Proto;
using static SharpSR.Onnx.OnnxGraphBuilder;

namespace SharpSR.Onnx;

/// <summary>
/// Turns a traced SharpSR graph into ONNX nodes, op by op, with the meaning <see cref="GraphInterpreter"/> gives each
/// op. Parameters become initializers under their state-dict keys; integers that follow the input size (reshape
/// shapes, resize targets) are computed from the input's Shape when the graph is dynamic.
/// </summary>
internal sealed class TracedGraphLowering
{
    private readonly SymbolicGraph _symbolic;
    private readonly TracedGraph _graph;
    private readonly OnnxGraphBuilder _b;
    private readonly string[] _names;
    private readonly Dictionary<SymbolicSize, string> _sizeTensors = [];

    private TracedGraphLowering(SymbolicGraph symbolic, OnnxGraphBuilder builder, string inputName)
    {
        _symbolic = symbolic;
        _graph = symbolic.Graph;
        _b = builder;
        _names = new string[_graph.Values.Count];
        _names[_graph.Input] = inputName;
    }

    /// <summary>Lowers every node and returns the name of the graph's output value.</summary>
    public static string Lower(SymbolicGraph symbolic, OnnxGraphBuilder builder, string inputName)
    {
        var lowering = new TracedGraphLowering(symbolic, builder, inputName);
        foreach (var node in symbolic.Graph.Nodes) lowering.LowerNode(node);
        return lowering.Name(symbolic.Graph.Output);
    }

    private void LowerNode(TracedNode node)
    {
        string[] x = node.Inputs.Select(Name).ToArray();
        object? a = node.Attributes;
        string y = node.Op switch
        {
            "Add" or "Sub" or "Mul" => _b.Node(node.Op, x),
            "AddScalar" => _b.Node("Add", [x[0], _b.Floats([], ((ScalarAttributes)a!).Value)]),
            "MulScalar" => _b.Node("Mul", [x[0], _b.Floats([], ((ScalarAttributes)a!).Value)]),
            "Relu" => _b.Node("Relu", x),
            "Relu6" => _b.Clip(x[0], 0, 6),
            "LeakyRelu" => _b.Node("LeakyRelu", x, Attr("alpha", ((LeakyReluAttributes)a!).Slope)),
            "Sigmoid" => _b.Node("Sigmoid", x),
            "Conv2d" => Conv(x, node.Inputs, (Conv2dOptions)a!),
            "Conv2dRelu" => _b.Node("Relu", [Conv(x, node.Inputs, (Conv2dOptions)a!)]),
            // Inputs x, w, [b], residual: the residual is added after the convolution.
            "Conv2dAdd" => _b.Node("Add", [Conv(x[..^1], node.Inputs[..^1], (Conv2dOptions)a!), x[^1]]),
            "ResidualBlock" => ResidualBlock(x, node.Inputs, ((Conv2dOptions, Conv2dOptions, bool))a!),
            "Concat" => _b.Node("Concat", x, Attr("axis", (long)((ConcatAttributes)a!).Axis)),
            "Split" => Slice(x[0], (SplitAttributes)a!),
            "Reshape" => _b.Node("Reshape", [x[0], SizeVector(_symbolic.SizesOf(node))]),
            "PixelShuffle" => DepthToSpace(x[0], ((PixelShuffleAttributes)a!).Factor),
            "ChannelShuffle" => ChannelShuffle(x[0], _graph.Values[node.Inputs[0]].Shape[1], ((ChannelShuffleAttributes)a!).Groups),
            "ResizeBilinear" => ResizeToSize(x[0], node),
            "UpsampleNearest" => ResizeByFactor(x[0], node, "nearest"),
            "UpsampleBicubic" => ResizeByFactor(x[0], node, "cubic"),
            "AvgPool2d" => Pool("AveragePool", x[0], (Pool2dAttributes)a!, Attr("count_include_pad", 1L)),
            "MaxPool2d" => Pool("MaxPool", x[0], (Pool2dAttributes)a!),
            "AdaptiveAvgPool2d" => AdaptiveAvgPool(x[0], (AdaptivePoolAttributes)a!),
            "MatMul" => _b.Node("MatMul", x),
            "Softmax" => Softmax(x[0], ((SoftmaxAttributes)a!).Axis, _graph.Values[node.Inputs[0]].Shape.Length),
            "ScalarAttention" => ScalarAttention(x[0], x[1], x[2]),
            "ChannelMean" => _b.Node("GlobalAveragePool", x),
            "ChannelStd" => ChannelStd(x[0]),
            _ => throw new NotSupportedException($"ONNX export: no ONNX form for SharpSR op '{node.Op}'."),
        };
        _names[node.Output] = y;
    }

    /// <summary>The ONNX name of a value; parameters and constants become initializers when first read.</summary>
    private string Name(int id)
    {
        if (_names[id] is { } name) return name;
        var value = _graph.Values[id];
        name = value.Kind switch
        {
            TracedValueKind.Parameter => _b.Initializer(_b.Fresh(value.Name!), _graph.Tensors[id]),
            TracedValueKind.Constant => _b.Initializer(_b.Fresh($"constant_{id}"), _graph.Tensors[id]),
            _ => throw new InvalidOperationException($"ONNX export: value {id} is read before an op wrote it."),
        };
        return _names[id] = name;
    }

    private bool IsBias(int id) => _graph.Values[id].Shape.Length == 1;

    /// <summary>x, weight and an optional bias (the rank-1 input after the weight).</summary>
    private string Conv(string[] x, int[] ids, Conv2dOptions o)
    {
        var w = _graph.Values[ids[1]].Shape;
        return _b.Node("Conv", x.Length > 2 && IsBias(ids[2]) ? x[..3] : x[..2],
            Attr("kernel_shape", w[2], w[3]), Attr("strides", o.StrideH, o.StrideW),
            Attr("pads", o.PadH, o.PadW, o.PadH, o.PadW), Attr("dilations", o.DilationH, o.DilationW), Attr("group", (long)o.Groups));
    }

    /// <summary>x + conv2(act(conv1(x))) from inputs x, w1, [b1], w2, [b2].</summary>
    private string ResidualBlock(string[] x, int[] ids, (Conv2dOptions First, Conv2dOptions Second, bool Relu) a)
    {
        int second = IsBias(ids[2]) ? 3 : 2;
        string h = Conv(x[..second], ids[..second], a.First);
        if (a.Relu) h = _b.Node("Relu", [h]);
        string r = Conv([h, .. x[second..]], [ids[0], .. ids[second..]], a.Second);
        return _b.Node("Add", [x[0], r]);
    }

    /// <summary>One part of a split as a Slice (valid from opset 10, unlike Split's sizes input).</summary>
    private string Slice(string x, SplitAttributes a)
    {
        _b.Require(10, "Slice", "a part of a split");
        long start = a.Sizes.Take(a.Index).Sum();
        return _b.Node("Slice", [x, _b.Int64s(start), _b.Int64s(start + a.Sizes[a.Index]), _b.Int64s(a.Axis)]);
    }

    private string DepthToSpace(string x, int factor)
    {
        _b.Require(11, "DepthToSpace", "CRD mode, PyTorch's pixel shuffle");
        return _b.Node("DepthToSpace", [x], Attr("blocksize", (long)factor), Attr("mode", "CRD"));
    }

    /// <summary>[N, g·k, H, W] → [N, g, k, H·W] → swap g and k → back to the input's shape.</summary>
    private string ChannelShuffle(string x, int channels, int groups)
    {
        string grouped = _b.Node("Reshape", [x, _b.Int64s(0, groups, channels / groups, -1)]);
        string swapped = _b.Node("Transpose", [grouped], Attr("perm", 0L, 2L, 1L, 3L));
        return _b.Node("Reshape", [swapped, _b.Node("Shape", [x])]);
    }

    /// <summary>PyTorch's bilinear resize (align_corners=False) to a size that may follow the input's.</summary>
    private string ResizeToSize(string x, TracedNode node)
    {
        _b.Require(11, "Resize", "half-pixel bilinear");
        var shape = _graph.Values[node.Inputs[0]].Shape;
        var target = _symbolic.SizesOf(node);
        string sizes = SizeVector([SymbolicSize.Constant(shape[0]), SymbolicSize.Constant(shape[1]), target[0], target[1]]);
        // half_pixel: source = (dst + 0.5)·in/out − 0.5, and linear mode clamps it to the border like PyTorch. Runtimes
        // divide by out/in where PyTorch multiplies by in/out: one float rounding apart (≤ 5.4e-4 on 0..255 seen at x3).
        return _b.Node("Resize", [x, EmptyFloats(), EmptyFloats(), sizes],
            Attr("mode", "linear"), Attr("coordinate_transformation_mode", "half_pixel"));
    }

    /// <summary>Integer upsampling as a Resize by scales, so it follows any input size.</summary>
    private string ResizeByFactor(string x, TracedNode node, string mode)
    {
        _b.Require(11, "Resize", $"{mode} upsampling");
        var factors = _symbolic.SizesOf(node);
        if (factors.Any(f => f.Term != SizeTerm.Constant))
            throw new NotSupportedException($"ONNX export: {node.Op} by a factor that follows the input size.");
        string scales = _b.Floats([4], 1, 1, factors[0].Factor, factors[1].Factor);
        AttributeProto[] attributes = mode == "nearest"
            // PyTorch's nearest: source = floor(dst / factor).
            ? [Attr("mode", "nearest"), Attr("coordinate_transformation_mode", "asymmetric"), Attr("nearest_mode", "floor")]
            // PyTorch's bicubic: Keys a = −0.75, unclamped half-pixel source, taps clamped to the border (exclude_outside 0).
            : [Attr("mode", "cubic"), Attr("coordinate_transformation_mode", "half_pixel"), Attr("cubic_coeff_a", -0.75f), Attr("exclude_outside", 0L)];
        return _b.Node("Resize", [x, EmptyFloats(), scales], attributes);
    }

    /// <summary>An empty float tensor: Resize's absent roi (and scales when sizes are given) before opset 13 made them optional.</summary>
    private string EmptyFloats() => _b.Floats([0]);

    private string Pool(string op, string x, Pool2dAttributes a, params AttributeProto[] extra) =>
        _b.Node(op, [x], [Attr("kernel_shape", a.Kernel, a.Kernel), Attr("strides", a.Stride, a.Stride), Attr("pads", a.Padding, a.Padding, a.Padding, a.Padding), .. extra]);

    /// <summary>
    /// PyTorch's adaptive average pool as two products with pooling matrices built from x's own shape:
    /// y = A_H · x · A_Wᵀ, where row i of A_L averages bin [floor(i·L/P), ceil((i+1)·L/P)). Works at any size.
    /// </summary>
    private string AdaptiveAvgPool(string x, AdaptivePoolAttributes a)
    {
        string shape = _b.Node("Shape", [x]);
        string rows = PoolingMatrix(shape, 2, a.OutH);                                       // [P, H]
        string columns = _b.Node("Transpose", [PoolingMatrix(shape, 3, a.OutW)], Attr("perm", 1L, 0L));   // [W, Q]
        return _b.Node("MatMul", [_b.Node("MatMul", [rows, x]), columns]);
    }

    /// <summary>[bins, L] averaging matrix for axis <paramref name="axis"/> of a tensor with the given Shape.</summary>
    private string PoolingMatrix(string shape, int axis, int bins)
    {
        _b.Require(11, "Range", "adaptive pooling bins");
        string length = _b.Node("Gather", [shape, _b.Int64s(axis)]);                          // [1]
        string bin = _b.Int64Tensor([bins, 1], Enumerable.Range(0, bins).Select(i => (long)i).ToArray());
        string nextBin = _b.Int64Tensor([bins, 1], Enumerable.Range(1, bins).Select(i => (long)i).ToArray());
        string p = _b.Int64s(bins);
        // Non-negative int64 Div truncates, i.e. floors: start = floor(i·L/P), end = ceil((i+1)·L/P).
        string start = _b.Node("Div", [_b.Node("Mul", [bin, length]), p]);
        string end = _b.Node("Div", [_b.Node("Add", [_b.Node("Mul", [nextBin, length]), _b.Int64s(bins - 1)]), p]);
        string scalarLength = _b.Node("Reshape", [length, _b.Int64Tensor([0], [])]);
        string position = _b.Node("Range", [_b.Int64Tensor([], [0]), scalarLength, _b.Int64Tensor([], [1])]);   // [L]
        string inBin = _b.Node("And", [_b.Node("Not", [_b.Node("Less", [position, start])]), _b.Node("Less", [position, end])]);
        string count = _b.Node("Cast", [_b.Node("Sub", [end, start])], Attr("to", (long)TensorProto.Types.DataType.Float));
        return _b.Node("Div", [_b.Node("Cast", [inBin], Attr("to", (long)TensorProto.Types.DataType.Float)), count]);
    }

    private string Softmax(string x, int axis, int rank)
    {
        // Before opset 13 Softmax flattens everything from the axis on; that equals a one-axis softmax only on the last axis.
        if (axis != rank - 1) _b.Require(13, "Softmax", "a softmax along an inner axis");
        return _b.Node("Softmax", [x], Attr("axis", (long)axis));
    }

    /// <summary>ctx_i = Σ_j softmax_j(q_i·k_j)·v_j for q [N, L], k and v [N, S]: the affinities as one [N, L, S] product.</summary>
    private string ScalarAttention(string q, string k, string v)
    {
        string column = _b.Int64s(0, -1, 1), row = _b.Int64s(0, 1, -1);
        string affinity = _b.Node("MatMul", [_b.Node("Reshape", [q, column]), _b.Node("Reshape", [k, row])]);
        string weights = _b.Node("Softmax", [affinity], Attr("axis", 2L));
        string context = _b.Node("MatMul", [weights, _b.Node("Reshape", [v, column])]);
        return _b.Node("Reshape", [context, _b.Int64s(0, -1)]);
    }

    /// <summary>Population standard deviation per plane: √mean((x − mean x)²).</summary>
    private string ChannelStd(string x)
    {
        string deviation = _b.Node("Sub", [x, _b.Node("GlobalAveragePool", [x])]);
        return _b.Node("Sqrt", [_b.Node("GlobalAveragePool", [_b.Node("Mul", [deviation, deviation])])]);
    }

    /// <summary>A 1-D int64 tensor of sizes: one constant when none follows the input, else pieces computed from its Shape.</summary>
    private string SizeVector(SymbolicSize[] sizes)
    {
        if (sizes.All(s => s.Term == SizeTerm.Constant)) return _b.Int64s(sizes.Select(s => s.Factor).ToArray());
        var pieces = new List<string>();
        var constants = new List<long>();
        foreach (var s in sizes)
        {
            if (s.Term == SizeTerm.Constant) { constants.Add(s.Factor); continue; }
            if (constants.Count > 0) { pieces.Add(_b.Int64s([.. constants])); constants.Clear(); }
            pieces.Add(SizeTensor(s));
        }
        if (constants.Count > 0) pieces.Add(_b.Int64s([.. constants]));
        return _b.Node("Concat", pieces, Attr("axis", 0L));
    }

    /// <summary>A [1] int64 tensor holding Factor · H, W or H·W of the graph input, built once per distinct size.</summary>
    private string SizeTensor(SymbolicSize size)
    {
        if (_sizeTensors.TryGetValue(size, out var name)) return name;
        string term = size.Term switch
        {
            SizeTerm.Height => InputDim(2),
            SizeTerm.Width => InputDim(3),
            _ => _b.Node("Mul", [InputDim(2), InputDim(3)]),
        };
        return _sizeTensors[size] = size.Factor == 1 ? term : _b.Node("Mul", [term, _b.Int64s(size.Factor)]);
    }

    private string InputDim(int axis)
    {
        var key = new SymbolicSize(axis == 2 ? SizeTerm.Height : SizeTerm.Width, 1);
        if (_sizeTensors.TryGetValue(key, out var name)) return name;
        _inputShape ??= _b.Node("Shape", [_names[_graph.Input]]);
        return _sizeTensors[key] = _b.Node("Gather", [_inputShape, _b.Int64s(axis)]);
    }

    private string? _inputShape;
}
