using SharpSR.Core.Serialization;
using SharpSR.Inference;
using SharpSR.Models;

namespace SharpSR.Training;

/// <summary>
/// Starts a new run from another model file of the same architecture: tensors whose names and shapes match are
/// copied, the others keep their seeded initial values. That is how an x2 or x3 model is fine-tuned from an x4
/// body: everything but the upsampler carries over.
/// </summary>
public sealed record WarmStart(string Source, IReadOnlyList<string> Copied, IReadOnlyList<string> Kept)
{
    public static WarmStart Apply(SrNetwork net, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--init-from: model file '{path}' does not exist");
        var content = SafeTensorsFile.Read(path);
        // Any scale will do (that is the point), the architecture must be this run's.
        ModelFile.ReadHeader(content.Metadata, $"--init-from: '{path}'", expectedArch: net.Arch);
        var copied = new List<string>();
        var kept = new List<string>();
        foreach (var (name, p) in net.NamedParameters())
        {
            if (content.Tensors.TryGetValue(name, out var t) && t.ShapeArray.AsSpan().SequenceEqual(p.ShapeArray))
            {
                t.Data.CopyTo(p.Data);
                copied.Add(name);
            }
            else kept.Add(name);
        }
        if (copied.Count == 0)
            throw new InvalidDataException($"--init-from: no tensor of '{path}' fits this {net.Arch} x{net.Scale} network (other options?)");
        return new WarmStart(path, copied, kept);
    }

    /// <summary>"initialised 48 of 52 tensors from F (4 kept their seeded values: up.0.weight, …)".</summary>
    public string Describe()
    {
        string text = $"initialised {Copied.Count} of {Copied.Count + Kept.Count} tensors from {Source}";
        if (Kept.Count == 0) return text;
        var names = Kept.Take(4).ToList();
        if (Kept.Count > 4) names.Add("…");
        return $"{text} ({Kept.Count} kept their seeded values: {string.Join(", ", names)})";
    }
}
