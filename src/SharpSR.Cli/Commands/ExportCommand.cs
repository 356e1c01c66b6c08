using System.CommandLine;
using SharpSR.Onnx;
using SharpSR.Inference;

namespace SharpSR.Cli.Commands;

/// <summary>`sharpsr export --model M --onnx OUT.onnx [--opset N] [--input WxH] [--scale S]`: the network as an ONNX model.</summary>
public static class ExportCommand
{
    public static Command Create(CliOutput output)
    {
        var model = ModelOptions.Model();
        var arch = ModelOptions.Arch();
        var onnx = new Option<string>("--onnx") { Description = "ONNX file to write", Required = true };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX opset ({OnnxExporter.MinOpset}..{OnnxExporter.MaxOpset}; the ops used need 11 or newer)",
            DefaultValueFactory = _ => OnnxExporter.DefaultOpset,
        };
        var input = new Option<string?>("--input") { Description = "fix the input size WxH (default: height and width free)" };
        var scale = new Option<int?>("--scale", "-s") { Description = "upscaling factor of a named model (default 4; a model file has its own)" };
        var cmd = new Command("export", "Export a network as an ONNX model (RGB 0..255 in and out)") { model, arch, onnx, opset, input, scale };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            // Everything a request can get wrong is checked before the network is traced or a byte is written.
            string path = r.GetValue(onnx)!;
            EvalCommand.CheckOutputFolder(path);
            OnnxExporter.CheckOpset(r.GetValue(opset));
            (int W, int H)? fixedInput = r.GetValue(input) is { } size ? BenchCommand.ParseSize(size) : null;
            string name = r.GetValue(model)!;
            if (string.Equals(name, "bicubic", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException("bicubic is not a network; export an architecture, preset or model file");
            var net = ModelCatalog.LoadNetwork(name, r.GetValue(scale), TorchImport.Load, r.GetValue(arch));
            var summary = OnnxExporter.Export(net, path, new OnnxExportOptions(r.GetValue(opset), fixedInput));
            string shape = summary.DynamicSize ? "any HxW" : $"{fixedInput!.Value.W}x{fixedInput.Value.H} only";
            output.Out.WriteLine($"{net.Arch} x{net.Scale} ({summary.Parameters:N0} parameters) -> {path}: opset {summary.Opset}, input {shape}, "
                + $"{summary.Nodes} nodes, {summary.Initializers} initializers; RGB 0..255 in, RGB 0..255 out (clipped, unrounded)");
            return 0;
        }));
        return cmd;
    }
}
