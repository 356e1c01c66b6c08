using System.CommandLine;
using SharpSR.Interop.Archs;
using SharpSR.Models;
using SharpSR.Training;
using SharpSR.Inference;

namespace SharpSR.Cli.Commands;

/// <summary>PyTorch checkpoints: `--model FILE.pth --arch NAME` anywhere, and `sharpsr import` to convert once.</summary>
public static class TorchImport
{
    public static SrNetwork Load(string path, string arch, int? scale) => TorchModelImport.Load(path, arch, scale);

    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("checkpoint") { Description = "PyTorch .pth/.pt file (legacy or zip format; no pickle code is run)" };
        var arch = new Option<string>("--arch") { Description = "architecture: " + string.Join(", ", TorchModelImport.Architectures), Required = true };
        var scale = new Option<int?>("--scale", "-s") { Description = "expected scale (checked against the file)" };
        var outPath = new Option<string>("--output", "-o") { Description = "SharpSR model file (.safetensors)", Required = true };
        var cmd = new Command("import", "Convert an authors' PyTorch checkpoint to a SharpSR model file") { file, arch, scale, outPath };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            string src = r.GetValue(file)!;
            if (!File.Exists(src)) throw new FileNotFoundException($"checkpoint '{src}' does not exist");
            string dst = r.GetValue(outPath)!;
            EvalCommand.CheckOutputFolder(dst);
            var net = Load(src, r.GetValue(arch)!, r.GetValue(scale));
            ModelFile.Save(net, dst, new Dictionary<string, string> { ["imported_from"] = Path.GetFileName(src) });
            output.Out.WriteLine($"{net.Arch} x{net.Scale} ({net.ParameterCount():N0} parameters, options {net.OptionsJson()}) -> {dst}");
            return 0;
        }));
        return cmd;
    }
}
