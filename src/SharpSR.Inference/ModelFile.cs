using System.Globalization;
using SharpSR.Core;
using SharpSR.Core.Serialization;
using SharpSR.Models;

namespace SharpSR.Inference;

/// <summary>
/// A network in one safetensors file: its weights plus metadata (architecture, scale, options JSON)
/// so the file alone rebuilds the model. Extra metadata (how it was trained) rides along.
/// </summary>
public static class ModelFile
{
    public const string FormatTag = "sharpsr-model";

    public static void Save(SrNetwork net, string path, IReadOnlyDictionary<string, string>? extra = null)
    {
        var meta = new Dictionary<string, string>(extra ?? new Dictionary<string, string>())
        {
            ["format"] = FormatTag,
            ["arch"] = net.Arch,
            ["scale"] = net.Scale.ToString(CultureInfo.InvariantCulture),
            ["options"] = net.OptionsJson(),
        };
        SafeTensorsFile.Write(path, net.StateDict(), meta);
    }

    /// <summary>Metadata of a model file, read without building the network.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => SafeTensorsFile.Read(path).Metadata;

    /// <summary>Rebuilds the network a file describes and loads its weights strictly.</summary>
    public static SrNetwork Load(string path, int? expectedScale = null, string? expectedArch = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist");
        var content = SafeTensorsFile.Read(path);
        return FromContent(content, path, expectedScale, expectedArch);
    }

    public static SrNetwork FromContent(SafeTensorsContent content, string source, int? expectedScale = null, string? expectedArch = null)
    {
        var header = ReadHeader(content.Metadata, source, expectedArch, expectedScale);
        SrNetwork net;
        try { net = ArchRegistry.Create(header.Arch, header.Scale, header.OptionsJson); }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
        { throw new InvalidDataException($"{source}: {e.Message}", e); }
        var weights = content.Tensors.Where(kv => !kv.Key.Contains(':')).ToDictionary(kv => kv.Key, kv => kv.Value);
        net.LoadStateDict(weights, strict: true);
        return net;
    }

    /// <summary>
    /// The architecture, scale and options a SharpSR file (a model file, or a training state, which carries the
    /// same keys) declares in its metadata, checked against what the caller expects. The one place that decides
    /// whether a file is a SharpSR network: loading and warm-starting read it the same way.
    /// </summary>
    public static ModelHeader ReadHeader(IReadOnlyDictionary<string, string> meta, string source, string? expectedArch = null, int? expectedScale = null)
    {
        if (!meta.TryGetValue("arch", out var arch) || !meta.TryGetValue("scale", out var scaleText)
            || !int.TryParse(scaleText, CultureInfo.InvariantCulture, out int scale))
            throw new InvalidDataException($"{source}: not a SharpSR model file (metadata lacks arch/scale)");
        if (expectedArch is not null && !string.Equals(expectedArch, arch, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{source}: holds a {arch} network, not {expectedArch}");
        if (expectedScale is { } s && s != scale)
            throw new InvalidDataException($"{source}: is an x{scale} model, x{s} was asked for");
        return new ModelHeader(arch, scale, meta.GetValueOrDefault("options"));
    }
}

/// <summary>What a SharpSR file's metadata says it holds.</summary>
public sealed record ModelHeader(string Arch, int Scale, string? OptionsJson);
