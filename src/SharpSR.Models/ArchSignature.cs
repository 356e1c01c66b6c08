using System.Text.RegularExpressions;

namespace SharpSR.Models;

/// <summary>
/// How an architecture's state dict is recognised among foreign checkpoints.
/// <paramref name="Required"/>: keys every checkpoint of the architecture holds; an entry "a|b" is met by
/// either key (e.g. SPAN's folded or training form). <paramref name="Modules"/>: the top-level module names
/// it may hold, digit runs written as <c>#</c> (<c>block_#</c> covers block_1, block_2, …); a key under any
/// other module means the file is something else.
/// </summary>
public sealed record ArchSignature(string Arch, IReadOnlyList<string> Required, IReadOnlyList<string> Modules)
{
    /// <summary>How well a set of keys fits this signature.</summary>
    public SignatureMatch Match(IReadOnlyCollection<string> keys)
    {
        var present = keys as IReadOnlySet<string> ?? keys.ToHashSet(StringComparer.Ordinal);
        var missing = Required.Where(pattern => !pattern.Split('|').Any(present.Contains)).ToList();
        var foreignKeys = keys.Where(k => !Modules.Contains(ModuleOf(k), StringComparer.Ordinal)).ToList();
        var foreignModules = foreignKeys.Select(ModuleOf).Distinct(StringComparer.Ordinal).ToList();
        return new SignatureMatch(this, missing, foreignModules, foreignKeys.Count, keys.Count);
    }

    /// <summary>The top-level module of a key with digit runs as <c>#</c>: <c>block_12.c1_r.weight</c> → <c>block_#</c>.</summary>
    public static string ModuleOf(string key)
    {
        int dot = key.IndexOf('.');
        return Digits.Replace(dot < 0 ? key : key[..dot], "#");
    }

    private static readonly Regex Digits = new("[0-9]+", RegexOptions.Compiled);
}

/// <summary>The outcome of <see cref="ArchSignature.Match"/>: required keys not found and modules the architecture does not have.</summary>
public sealed record SignatureMatch(ArchSignature Signature, IReadOnlyList<string> MissingRequired, IReadOnlyList<string> ForeignModules, int ForeignKeyCount, int KeyCount)
{
    public bool IsFull => MissingRequired.Count == 0 && ForeignModules.Count == 0;

    /// <summary>1 for a full match: the share of required keys found times the share of keys the architecture owns.</summary>
    public double Score =>
        (Signature.Required.Count - MissingRequired.Count) / (double)Signature.Required.Count
        * (KeyCount == 0 ? 0 : (KeyCount - ForeignKeyCount) / (double)KeyCount);

    /// <summary>What did not match, for messages: "missing conv_cat.weight; unexpected modules foo.*".</summary>
    public string Mismatch
    {
        get
        {
            var parts = new List<string>();
            if (MissingRequired.Count > 0) parts.Add("missing " + string.Join(", ", MissingRequired.Take(3)) + (MissingRequired.Count > 3 ? ", …" : ""));
            if (ForeignModules.Count > 0) parts.Add("unexpected " + string.Join(", ", ForeignModules.Take(3).Select(m => m + ".*")) + (ForeignModules.Count > 3 ? ", …" : ""));
            return string.Join("; ", parts);
        }
    }
}
