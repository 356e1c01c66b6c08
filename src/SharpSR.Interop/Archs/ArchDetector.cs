using SharpSR.Core;
using SharpSR.Models;

namespace SharpSR.Interop.Archs;

/// <summary>
/// Recognises the architecture of a state dict by scoring every registered architecture's <see cref="ArchSignature"/>:
/// exactly one full match wins; none gives the closest architectures and what did not match; several are
/// refused with the candidates named (the caller then passes --arch).
/// </summary>
public static class ArchDetector
{
    /// <summary>Every registered architecture's signature, from its descriptor.</summary>
    public static IReadOnlyList<ArchSignature> Signatures { get; } = [.. ArchRegistry.Archs.Select(a => a.Signature)];

    /// <summary>How many near misses an "unknown architecture" message names.</summary>
    private const int ClosestShown = 3;

    /// <param name="candidates">Signatures to score; null: every shipped one.</param>
    public static ArchSignature Detect(IReadOnlyDictionary<string, Tensor> tensors, string source = "checkpoint", IReadOnlyList<ArchSignature>? candidates = null)
    {
        candidates ??= Signatures;
        var keys = tensors.Keys.ToHashSet(StringComparer.Ordinal);
        var matches = candidates.Select(s => s.Match(keys)).OrderByDescending(m => m.Score).ToList();
        var full = matches.Where(m => m.IsFull).ToList();
        if (full.Count == 1) return full[0].Signature;
        if (full.Count > 1)
            throw new InvalidDataException($"{source}: ambiguous architecture: the keys match {string.Join(" and ", full.Select(m => m.Signature.Arch))}; name it with --arch");
        var closest = matches.Where(m => m.Score > 0).Take(ClosestShown).Select(m => $"{m.Signature.Arch} ({m.Mismatch})").ToList();
        throw new InvalidDataException($"{source}: not a known architecture: "
            + (closest.Count > 0 ? "closest " + string.Join(", ", closest) : $"no key matches any of {string.Join(", ", candidates.Select(s => s.Arch))} (first keys: {string.Join(", ", keys.Take(4))})"));
    }
}
