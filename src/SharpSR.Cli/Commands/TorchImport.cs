using System.CommandLine;
using SharpSR.Interop.Archs;
using SharpSR.Models;
using SharpSR.Training;
using SharpSR.Inference;

namespace SharpSR.Cli.Commands;

/// <summary>PyTorch checkpoints: `--model FILE.pth [--arch NAME]` anywhere (the architecture is recognised by its keys when not named), and `sharpsr import` to convert once.</summary>
public static class TorchImport
{
    public static SrNetwork Load(string path, string? arch, int? scale) => TorchModelImport.Load(path, arch, scale);

    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("checkpoint") { Description = "PyTorch .pth/.pt file (legacy or zip format; no pickle code is run) or a foreign .safetensors state dict" };
        var arch = new Option<string?>("--arch") { Description = "architecture (default: recognised by the checkpoint's keys): " + string.Join(", ", TorchModelImport.Architectures) };
        var scale = new Option<int?>("--scale", "-s") { Description = "expected scale (checked against the file)" };
        var outPath = new Option<string>("--output", "-o") { Description = "SharpSR model file (.safetensors)", Required = true };
        var cmd = new Command("import", "Convert an authors' PyTorch checkpoint to a SharpSR model file") { file, arch, scale, outPath };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            string src = r.GetValue(file)!;
            if (!File.Exists(src)) throw new FileNotFoundException($"checkpoint '{src}' does not exist");
            string dst = r.GetValue(outPath)!;
            // The output is a safetensors file whatever its name says; a name like x.png would mislead every later reader.
            if (!string.Equals(Path.GetExtension(dst), ".safetensors", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"output '{dst}' must end in .safetensors (a SharpSR model file)");
            EvalCommand.CheckOutputFolder(dst);
            var net = Load(src, r.GetValue(arch), r.GetValue(scale));
            ModelFile.Save(net, dst, new Dictionary<string, string> { ["imported_from"] = Path.GetFileName(src) });
            output.Out.WriteLine($"{net.Arch} x{net.Scale} ({net.ParameterCount():N0} parameters, options {net.OptionsJson()}) -> {dst}");
            return 0;
        }));
        return cmd;
    }
}
