using System.CommandLine;
using SharpSR.Inference;

namespace SharpSR.Cli.Commands;

/// <summary>The --model and --arch options every command shares.</summary>
public static class ModelOptions
{
    public static Option<string> Model(string? defaultModel = ModelCatalog.DefaultModel) => new("--model", "-m")
    {
        Description = "bicubic, an architecture/preset with shipped weights, or a model file (.safetensors, .pth with --arch)",
        DefaultValueFactory = _ => defaultModel ?? ModelCatalog.DefaultModel,
    };

    public static Option<string?> Arch() => new("--arch")
    {
        Description = "architecture of a PyTorch .pth/.pt model file (imdn, pan, e-rfdn, carn-m, urnet, s-lwsr)",
    };
}
