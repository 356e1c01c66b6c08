using System.Reflection;
using SharpSR.Core.Serialization;
using SharpSR.Models;

namespace SharpSR.Inference;

/// <summary>A pretrained model that ships with SharpSR.</summary>
public sealed record ShippedModel(string Name, int Scale, string ResourceName);

/// <summary>
/// Resolves what a user names with --model: "bicubic", a model file (.safetensors), an architecture or
/// preset with its shipped weights. Shipped weights are embedded resources of this assembly
/// (models/&lt;preset&gt;_x&lt;scale&gt;.safetensors), so every app that references it has them.
/// </summary>
public static class ModelCatalog
{
    public const string DefaultModel = "s-lwsr16";

    /// <summary>The assembly whose resources hold the shipped weights (default: this one).</summary>
    public static Assembly? ResourceAssembly { get; set; }

    /// <summary>Shipped weights found among the given assembly's resources.</summary>
    public static IReadOnlyList<ShippedModel> Shipped(Assembly? assembly = null)
    {
        assembly ??= ResourceAssembly ?? typeof(ModelCatalog).Assembly;
        var list = new List<ShippedModel>();
        foreach (var res in assembly.GetManifestResourceNames())
        {
            if (!res.StartsWith("models/", StringComparison.Ordinal) || !res.EndsWith(".safetensors", StringComparison.Ordinal)) continue;
            string stem = res["models/".Length..^".safetensors".Length];
            int cut = stem.LastIndexOf("_x", StringComparison.Ordinal);
            if (cut > 0 && int.TryParse(stem[(cut + 2)..], out int scale)) list.Add(new ShippedModel(stem[..cut], scale, res));
        }
        return list;
    }

    /// <summary>The network behind a name or file, without the bicubic case (which has none).</summary>
    public static SrNetwork LoadNetwork(string model, int? scale, Func<string, string?, int?, SrNetwork>? importTorch = null, string? arch = null, Assembly? assembly = null)
    {
        if (LooksLikeFile(model))
        {
            if (!File.Exists(model)) throw new FileNotFoundException($"model file '{model}' does not exist");
            string ext = Path.GetExtension(model).ToLowerInvariant();
            if (ext is ".pth" or ".pt")
            {
                if (importTorch is null) throw new ArgumentException($"'{model}' is a PyTorch checkpoint, which this program cannot import");
                return importTorch(model, arch, scale);
            }
            // SharpSR's own files name their architecture in the metadata; a foreign state dict is recognised by its keys.
            var content = SafeTensorsFile.Read(model);
            if (content.Metadata.ContainsKey("arch") || importTorch is null) return ModelFile.FromContent(content, model, scale, arch);
            return importTorch(model, arch, scale);
        }
        int s = scale ?? 4;
        if (!ArchRegistry.IsKnown(model))
            throw new KeyNotFoundException($"unknown model '{model}' (known: bicubic, {string.Join(", ", ArchRegistry.Archs.Select(a => a.Name).Concat(ArchRegistry.Presets.Select(p => p.Name)))}, or a .safetensors/.pth file)");
        ScaleRules.CheckNetwork(model, s);
        var shipped = Shipped(assembly).FirstOrDefault(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase) && m.Scale == s);
        if (shipped is null)
        {
            var available = Shipped(assembly).Where(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase)).Select(m => $"x{m.Scale}").ToList();
            throw new ArgumentException($"no shipped weights for {model} x{s}" + (available.Count > 0 ? $" (shipped: {string.Join(", ", available)})" : "") + "; train one with `sharpsr train` or pass a model file");
        }
        using var stream = (assembly ?? ResourceAssembly ?? typeof(ModelCatalog).Assembly).GetManifestResourceStream(shipped.ResourceName)!;
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ModelFile.FromContent(SafeTensorsFile.Parse(ms.ToArray(), shipped.ResourceName), shipped.ResourceName, s);
    }

    /// <summary>The native factors <paramref name="model"/> offers: bicubic any, a file its own, a preset those with shipped weights.</summary>
    public static IReadOnlyList<int> NativeScales(string model, Assembly? assembly = null)
    {
        if (IsBicubic(model)) return Enumerable.Range(1, ScaleRules.MaxBicubic).ToList();
        return Shipped(assembly).Where(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase)).Select(m => m.Scale).Order().ToList();
    }

    public static ISrModel Load(string model, int? scale, int tile = 0, bool ensemble = false,
                                Func<string, string?, int?, SrNetwork>? importTorch = null, string? arch = null, Assembly? assembly = null,
                                SharpSR.Core.Lowering.PlanOptions? planOptions = null)
    {
        if (IsBicubic(model)) return new BicubicModel(ScaleRules.CheckBicubic(scale ?? 4));
        var net = LoadNetwork(model, scale, importTorch, arch, assembly);
        // A file is named by what its metadata says it holds (s-lwsr16), not by its file name (model.safetensors).
        string name = LooksLikeFile(model) ? ArchRegistry.NameOf(net) : model;
        return new NetworkModel(name, net) { Tile = tile, Ensemble = ensemble, PlanOptions = planOptions };
    }

    public static bool IsBicubic(string model) => string.Equals(model, "bicubic", StringComparison.OrdinalIgnoreCase);

    public static bool LooksLikeFile(string model) =>
        model.Contains('/') || model.Contains('\\') || Path.HasExtension(model) && !ArchRegistry.IsKnown(model);
}
