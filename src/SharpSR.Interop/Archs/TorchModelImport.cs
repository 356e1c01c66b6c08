using SharpSR.Core;
using SharpSR.Core.Serialization;
using SharpSR.Interop.Torch;
using SharpSR.Models;

namespace SharpSR.Interop.Archs;

/// <summary>
/// Builds our network from an authors' PyTorch checkpoint (or a foreign .safetensors state dict): reads it
/// safely, recognises the architecture by its keys unless one is named, has the architecture's descriptor infer
/// the options its tensor shapes settle (width, scale, variant switches) and loads the weights strictly.
/// </summary>
public static class TorchModelImport
{
    public static IEnumerable<string> Architectures => ArchRegistry.Archs.Select(a => a.Name);

    /// <summary>The network in a .pth/.pt checkpoint or a safetensors state dict; <paramref name="arch"/> null: detected from the keys.</summary>
    public static SrNetwork Load(string path, string? arch = null, int? scale = null)
    {
        if (arch is not null) DescriptorOf(arch);   // an unknown --arch is reported before the file is read
        return FromStateDict(ReadStateDict(path), arch, scale, Path.GetFileName(path));
    }

    /// <summary>
    /// The tensors of a checkpoint with wrapper prefixes stripped. PyTorch files also lose their wrapper dicts
    /// (params_ema, state_dict, …) in the reader; safetensors files are flat by format.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> ReadStateDict(string path)
    {
        if (!string.Equals(Path.GetExtension(path), ".safetensors", StringComparison.OrdinalIgnoreCase))
            return TorchCheckpointReader.Load(path);
        try
        {
            return KeyHygiene.StripWrapperPrefixes(SafeTensorsFile.Read(path).Tensors, out _);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {e.Message}", e);
        }
    }

    /// <summary>Builds the network a state dict holds and loads it strictly; <paramref name="arch"/> null: detected.</summary>
    public static SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> tensors, string? arch, int? scale, string source = "checkpoint")
    {
        var descriptor = DescriptorOf(arch ?? ArchDetector.Detect(tensors, source).Arch);
        SrNetwork net;
        try
        {
            net = descriptor.FromStateDict(tensors, scale);
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidDataException($"{source}: not {WithArticle(descriptor.DisplayName)} checkpoint ({e.Message})", e);
        }
        var result = net.LoadStateDict(tensors, strict: false);
        if (!result.IsExact)
            throw new InvalidDataException($"{source}: keys do not match {descriptor.DisplayName}: missing [{string.Join(", ", result.Missing.Take(5))}], unexpected [{string.Join(", ", result.Unexpected.Take(5))}]");
        return net;
    }

    // Presets are not architectures here: a checkpoint's shapes, not a preset, say the width.
    private static ArchDescriptor DescriptorOf(string arch) =>
        ArchRegistry.Archs.FirstOrDefault(a => string.Equals(a.Name, arch, StringComparison.OrdinalIgnoreCase))
        ?? throw new NotSupportedException($"no PyTorch importer for architecture '{arch}' (available: {string.Join(", ", Architectures)})");

    /// <summary>
    /// "an IMDN", "an s-LWSR", "a PAN", "a SPAN": a name spelt letter by letter takes "an" before a letter whose name
    /// starts with a vowel sound; an all-capital name with a vowel in its first three letters is read as a word.
    /// </summary>
    private static string WithArticle(string name)
    {
        bool word = name.All(char.IsAsciiLetterUpper) && name.Take(3).Any(c => "AEIOU".Contains(c));
        bool an = word ? "AEIOU".Contains(name[0]) : "AEFHILMNORSX".Contains(char.ToUpperInvariant(name[0]));
        return (an ? "an " : "a ") + name;
    }
}
