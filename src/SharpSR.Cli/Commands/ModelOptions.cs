using System.CommandLine;
using SharpSR.Inference;
using SharpSR.Interop.Archs;
using SharpSR.Models;

namespace SharpSR.Cli.Commands;

/// <summary>The --model, --arch and --model-options options the commands share.</summary>
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

    /// <summary>--model-options: the keys each architecture takes, from its descriptor (`sharpsr models ARCH` explains them).</summary>
    public static Option<string?> ArchOptions() => new("--model-options")
    {
        Description = "architecture options as JSON, e.g. {\"features\":16}; keys by architecture: "
            + string.Join("; ", ArchRegistry.Archs.Select(a => $"{a.Name}: {string.Join(", ", a.Options.Select(o => o.Name))}"))
            + " (`sharpsr models ARCH` says what each does and its default)",
    };
}
