using System.Text.Json;
using System.Text.Json.Serialization;
using SharpSR.Core;
using SharpSR.Core.Serialization;

namespace SharpSR.Models;

/// <summary>One key of an architecture's options JSON and what it changes.</summary>
public sealed record ArchOption(string Name, string Help);

/// <summary>A named configuration of an architecture (e.g. s-lwsr16 = s-lwsr with 16 features).</summary>
public sealed record ModelPreset(string Name, string Arch, string OptionsJson, string Description);

/// <summary>
/// Everything SharpSR knows about one architecture, kept in its folder (<c>Archs/&lt;Name&gt;/</c>) beside the
/// network: names, scales, presets, the options and what each does, and how a foreign checkpoint is
/// recognised (<see cref="Signature"/>) and turned back into the network (<see cref="FromStateDict"/>).
/// <see cref="ArchRegistry"/> lists one instance of each.
/// </summary>
/// <param name="name">Registry name, as <see cref="SrNetwork.Arch"/> (e.g. "carn-m").</param>
/// <param name="displayName">The paper's spelling (CARN-M, s-LWSR).</param>
/// <param name="summary">What it is and where it comes from (the text after the display name in listings).</param>
/// <param name="scales">The scales the network can be built for (<see cref="ScaleRules"/> checks against these).</param>
public abstract class ArchDescriptor(string name, string displayName, string summary, IReadOnlyList<int> scales)
{
    public string Name => name;
    public string DisplayName => displayName;
    public string Summary => summary;
    public string Description => $"{DisplayName}: {Summary}";
    public IReadOnlyList<int> Scales => scales;

    public virtual IReadOnlyList<ModelPreset> Presets => [];

    /// <summary>The options record; its JSON (camelCase) is what --model-options and model files carry.</summary>
    public abstract Type OptionsType { get; }

    /// <summary>Every options key but the scale (given on its own), with what it changes.</summary>
    public abstract IReadOnlyList<ArchOption> Options { get; }

    /// <summary>The default options as JSON, which say each key's default value.</summary>
    public abstract string DefaultOptionsJson { get; }

    /// <summary>The network for a scale and an options JSON object (null: the defaults); unknown keys are refused.</summary>
    public abstract SrNetwork Build(int scale, string? optionsJson);

    /// <summary>The keys that recognise this architecture in a foreign checkpoint.</summary>
    public abstract ArchSignature Signature { get; }

    /// <summary>
    /// The network a foreign state dict holds, its options read off the tensor shapes (weights not loaded).
    /// <paramref name="askedScale"/> picks a scale the file does not store and is checked against one it does.
    /// A missing key throws <see cref="KeyNotFoundException"/> (the caller reports "not a … checkpoint").
    /// </summary>
    public abstract SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> tensors, int? askedScale);
}

/// <summary>An architecture whose options record is <typeparamref name="TOptions"/>: parsing and defaults done once here.</summary>
public abstract class ArchDescriptor<TOptions>(string name, string displayName, string summary, IReadOnlyList<int> scales)
    : ArchDescriptor(name, displayName, summary, scales) where TOptions : class, new()
{
    public sealed override Type OptionsType => typeof(TOptions);

    public sealed override string DefaultOptionsJson => JsonSerializer.Serialize(new TOptions(), SrNetwork.JsonOptions);

    public sealed override SrNetwork Build(int scale, string? optionsJson) => Create(ParseOptions(optionsJson), scale);

    /// <summary>The network for these options at <paramref name="scale"/> (which overrides the record's).</summary>
    public abstract SrNetwork Create(TOptions options, int scale);

    // Unknown keys are refused: a misspelt option would otherwise build (and train) the default network.
    private static readonly JsonSerializerOptions s_strict = new(SrNetwork.JsonOptions) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static TOptions ParseOptions(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return new TOptions();
        try
        {
            return JsonSerializer.Deserialize<TOptions>(json, s_strict) ?? new TOptions();
        }
        catch (JsonException e)
        {
            throw new ArgumentException("model options: " + StrictJson.Explain(e, typeof(TOptions), s_strict), e);
        }
    }
}
