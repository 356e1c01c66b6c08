using System.CommandLine;
using SharpSR.Inference;
using SharpSR.Interop.Archs;

namespace SharpSR.Cli.Commands;

/// <summary>The --model and --arch options every command shares.</summary>
public static class ModelOptions
{
    public static Option<string> Model(string? defaultModel = ModelCatalog.DefaultModel) => new("--model", "-m")
    {
        Description = "bicubic, an architecture/preset with shipped weights, or a model file (.safetensors, or a PyTorch .pth/.pt whose architecture is recognised by its keys)",
        DefaultValueFactory = _ => defaultModel ?? ModelCatalog.DefaultModel,
    };

    public static Option<string?> Arch() => new("--arch")
    {
        Description = "architecture of a PyTorch .pth/.pt or foreign .safetensors model file, overriding the one recognised by its keys (" + string.Join(", ", TorchModelImport.Architectures) + ")",
    };
}
