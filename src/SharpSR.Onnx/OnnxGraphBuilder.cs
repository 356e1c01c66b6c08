using System.Runtime.InteropServices;
using Google.Protobuf;
using SharpSR.Core;
using SharpSR.Onnx.Proto;

namespace SharpSR.Onnx;

/// <summary>
/// Appends ONNX nodes and initializers to a graph for one target opset: fresh value names, int64/float constants
/// shared by content, and a check that each op exists in the requested opset in the form used here.
/// </summary>
internal sealed class OnnxGraphBuilder(int opset)
{
    private readonly Dictionary<string, string> _constants = [];
    private readonly HashSet<string> _names = [];
    private int _next;

    public int Opset { get; } = opset;
    public GraphProto Graph { get; } = new() { Name = "sharpsr" };

    /// <summary>Refuses the export when the target opset is older than <paramref name="minOpset"/>.</summary>
    public void Require(int minOpset, string onnxOp, string forWhat)
    {
        if (Opset < minOpset)
            throw new NotSupportedException($"opset {Opset} is too old for {onnxOp} ({forWhat}): it needs opset {minOpset} or newer.");
    }

    /// <summary>A value name not used before, built from <paramref name="hint"/>.</summary>
    public string Fresh(string hint)
    {
        string name = hint;
        while (!_names.Add(name)) name = $"{hint}_{++_next}";
        return name;
    }

    /// <summary>Adds one node writing a fresh value and returns that value's name.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        NodeTo(Fresh(opType.ToLowerInvariant()), opType, inputs, attributes);

    /// <summary>Adds one node writing <paramref name="output"/> (a name the caller reserved or owns).</summary>
    public string NodeTo(string output, string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        _names.Add(output);
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{Graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>min(max(x, min), max) with the bounds as inputs (opset 11 on); into <paramref name="output"/> when given.</summary>
    public string Clip(string x, float min, float max, string? output = null)
    {
        Require(11, "Clip", "bounds as inputs");
        string[] inputs = [x, Floats([], min), Floats([], max)];
        return output is null ? Node("Clip", inputs) : NodeTo(output, "Clip", inputs);
    }

    /// <summary>A float32 initializer holding <paramref name="tensor"/> under <paramref name="name"/>.</summary>
    public string Initializer(string name, Tensor tensor) => AddInitializer(name, FloatTensor(name, tensor.Data, tensor.ShapeArray.Select(d => (long)d)));

    /// <summary>A 1-D int64 constant (shape vectors, axes, indices), one initializer per distinct content.</summary>
    public string Int64s(params long[] values) => Int64Tensor([values.Length], values);

    /// <summary>An int64 constant of any shape (an empty <paramref name="dims"/> is a scalar).</summary>
    public string Int64Tensor(long[] dims, long[] values)
    {
        string key = $"i64[{string.Join(',', dims)}]:{string.Join(',', values)}";
        if (_constants.TryGetValue(key, out var name)) return name;
        name = Fresh("const_i64");
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        _constants[key] = AddInitializer(name, t);
        return name;
    }

    /// <summary>A float32 constant of the given shape (an empty <paramref name="dims"/> is a scalar), shared by content.</summary>
    public string Floats(long[] dims, params float[] values)
    {
        string key = $"f32[{string.Join(',', dims)}]:{string.Join(',', values.Select(v => BitConverter.SingleToInt32Bits(v)))}";
        if (_constants.TryGetValue(key, out var name)) return name;
        name = Fresh("const_f32");
        _constants[key] = AddInitializer(name, FloatTensor(name, values, dims));
        return name;
    }

    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private string AddInitializer(string name, TensorProto tensor)
    {
        _names.Add(name);
        Graph.Initializer.Add(tensor);
        return name;
    }

    private static TensorProto FloatTensor(string name, float[] data, IEnumerable<long> dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        // Little-endian raw bytes: the compact form every reader accepts (the .NET targets are little-endian).
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
        return t;
    }
}
