using System.Globalization;
using Google.Protobuf;
using SharpSR.Core;
using SharpSR.Core.Serialization;
using SharpSR.Core.Tracing;
using SharpSR.Models;
using SharpSR.Onnx.Proto;

namespace SharpSR.Onnx;

/// <summary>What to export: the ONNX opset, and a fixed input size (width, height) or null for free height and width.</summary>
public sealed record OnnxExportOptions(int Opset = OnnxExporter.DefaultOpset, (int Width, int Height)? FixedInput = null);

/// <summary>What an export wrote, for the CLI's summary line.</summary>
public sealed record OnnxExportSummary(bool DynamicSize, int Nodes, int Initializers, long Parameters, int Opset);

/// <summary>
/// Exports an <see cref="SrNetwork"/> as an ONNX model from its traced forward pass. The graph maps input
/// [1, 3, H, W] RGB 0..255 (float32) to output [1, 3, s·H, s·W] RGB clipped to 0..255, as SharpSR's upscaler does
/// before it rounds half to even to 8 bits (rounding, grey-to-RGB and alpha are left to the caller).
/// By default H and W are free: the network is traced at two sizes and every size-dependent integer becomes a
/// function of the input's Shape. Batch is 1, as SharpSR upscales one image at a time.
/// </summary>
public static class OnnxExporter
{
    public const int DefaultOpset = 17;

    /// <summary>Oldest opset accepted; each op still checks the opset it needs (Resize, Clip and DepthToSpace CRD need 11).</summary>
    public const int MinOpset = 7;

    /// <summary>Newest opset whose operator definitions this exporter was written and tested against.</summary>
    public const int MaxOpset = 21;

    public const string InputName = "input";
    public const string OutputName = "output";

    /// <summary>Refuses opsets outside [<see cref="MinOpset"/>, <see cref="MaxOpset"/>] before any work is done.</summary>
    public static void CheckOpset(int opset)
    {
        if (opset < MinOpset || opset > MaxOpset)
            throw new NotSupportedException($"opset {opset} is not supported: choose {MinOpset}..{MaxOpset} (default {DefaultOpset}).");
    }

    /// <summary>Builds the ONNX model in memory; throws (with the reason) when an op has no ONNX form in the opset.</summary>
    public static ModelProto Build(SrNetwork net, OnnxExportOptions options)
    {
        CheckOpset(options.Opset);
        var symbolic = Trace(net, options.FixedInput);
        var builder = new OnnxGraphBuilder(options.Opset);
        string result = TracedGraphLowering.Lower(symbolic, builder, InputName);
        builder.Clip(result, 0, 255, OutputName);   // the upscaler clamps before rounding to 8 bits

        var (h, w) = symbolic.IsDynamic ? ((long?)null, (long?)null) : (options.FixedInput!.Value.Height, options.FixedInput!.Value.Width);
        int s = net.Scale;
        builder.Graph.Input.Add(TensorInfo(InputName, Dim(1), Dim(3), Dim(h, "height"), Dim(w, "width")));
        builder.Graph.Output.Add(TensorInfo(OutputName, Dim(1), Dim(3), Dim(h * s, $"height_x{s}"), Dim(w * s, $"width_x{s}")));
        builder.Graph.DocString = $"{net.Arch} x{s}: RGB 0..255 [1,3,H,W] in, RGB 0..255 [1,3,{s}H,{s}W] out (clipped; round half to even for 8-bit)";

        var model = new ModelProto
        {
            IrVersion = IrVersion(options.Opset),
            ProducerName = "SharpSR",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = builder.Graph,
            DocString = builder.Graph.DocString,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["arch"] = net.Arch,
            ["scale"] = s.ToString(CultureInfo.InvariantCulture),
            ["options"] = net.OptionsJson(),
            ["dynamic_size"] = symbolic.IsDynamic ? "true" : "false",
            ["min_input_size"] = net.MinInputSize.ToString(CultureInfo.InvariantCulture),
        })
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>Builds the model, then writes it through a temporary sibling and a rename: a failed export leaves no file.</summary>
    public static OnnxExportSummary Export(SrNetwork net, string path, OnnxExportOptions options)
    {
        if (Directory.Exists(path)) throw new IOException($"output '{path}' is a folder, not a file");
        var model = Build(net, options);
        AtomicFile.Write(path, model.WriteTo);
        return new OnnxExportSummary(model.MetadataProps.Any(p => p is { Key: "dynamic_size", Value: "true" }), model.Graph.Node.Count,
            model.Graph.Initializer.Count, net.ParameterCount(), options.Opset);
    }

    private static SymbolicGraph Trace(SrNetwork net, (int Width, int Height)? fixedInput)
    {
        if (fixedInput is not { } size) return SizeSymbolicTracer.TraceDynamic(net, net.Forward, 1, 3, net.MinInputSize);
        if (size.Width < net.MinInputSize || size.Height < net.MinInputSize)
            throw new ArgumentException($"input {size.Width}x{size.Height} is smaller than the {net.MinInputSize}x{net.MinInputSize} {net.Arch} needs.");
        return SizeSymbolicTracer.TraceFixed(net, net.Forward, Tensor.Uniform(new Random(1), 0, 255, 1, 3, size.Height, size.Width));
    }

    /// <summary>The IR version each opset was released with (readers refuse an opset newer than the IR allows).</summary>
    private static long IrVersion(int opset) => opset switch
    {
        <= 8 => 3,
        <= 9 => 4,
        <= 10 => 5,
        <= 11 => 6,
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    private static TensorShapeProto.Types.Dimension Dim(long? value, string name = "") =>
        value is { } v ? new() { DimValue = v } : new() { DimParam = name };

    private static ValueInfoProto TensorInfo(string name, params TensorShapeProto.Types.Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims);
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
