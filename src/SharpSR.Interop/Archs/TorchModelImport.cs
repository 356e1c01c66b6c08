using SharpSR.Core;
using SharpSR.Core.Serialization;
using SharpSR.Interop.Torch;
using SharpSR.Models;

namespace SharpSR.Interop.Archs;

/// <summary>
/// Builds our network from an authors' PyTorch checkpoint (or a foreign .safetensors state dict): reads it
/// safely, recognises the architecture by its keys unless one is named, infers the options its tensor shapes
/// settle (width, scale, variant switches) and loads the weights strictly.
/// </summary>
public static class TorchModelImport
{
    private static readonly Dictionary<string, ArchSignature> s_signatures =
        ArchDetector.Signatures.ToDictionary(s => s.Arch, StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> Architectures => s_signatures.Keys;

    /// <summary>The network in a .pth/.pt checkpoint or a safetensors state dict; <paramref name="arch"/> null: detected from the keys.</summary>
    public static SrNetwork Load(string path, string? arch = null, int? scale = null)
    {
        if (arch is not null) SignatureOf(arch);   // an unknown --arch is reported before the file is read
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
        var signature = arch is null ? ArchDetector.Detect(tensors, source) : SignatureOf(arch);
        SrNetwork net;
        try
        {
            net = signature.Import(tensors, scale);
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidDataException($"{source}: not {WithArticle(DisplayName(signature.Arch))} checkpoint ({e.Message})", e);
        }
        var result = net.LoadStateDict(tensors, strict: false);
        if (!result.IsExact)
            throw new InvalidDataException($"{source}: keys do not match {DisplayName(signature.Arch)}: missing [{string.Join(", ", result.Missing.Take(5))}], unexpected [{string.Join(", ", result.Unexpected.Take(5))}]");
        return net;
    }

    private static ArchSignature SignatureOf(string arch) =>
        s_signatures.TryGetValue(arch, out var signature) ? signature
        : throw new NotSupportedException($"no PyTorch importer for architecture '{arch}' (available: {string.Join(", ", s_signatures.Keys)})");

    private static string DisplayName(string arch) => ArchRegistry.InfoOf(arch)?.DisplayName ?? arch;

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
