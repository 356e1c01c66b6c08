using SharpSR.Models.Archs;

namespace SharpSR.Models;

/// <summary>
/// Architectures and presets by name: one line per architecture, each a descriptor kept in the network's
/// folder (<c>Archs/&lt;Name&gt;/</c>). Adding a network is its folder plus one line here.
/// </summary>
public static class ArchRegistry
{
    private static readonly ArchDescriptor[] s_all =
    [
        new SLwsrDescriptor(),
        new ImdnDescriptor(),
        new PanDescriptor(),
        new ERfdnDescriptor(),
        new UrNetDescriptor(),
        new GIdrnDescriptor(),
        new CarnMDescriptor(),
        new CarnDescriptor(),
        new SpanDescriptor(),
        new RlfnDescriptor(),
    ];

    private static readonly Dictionary<string, ArchDescriptor> s_archs = s_all.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, ModelPreset> s_presets =
        s_all.SelectMany(a => a.Presets).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<ArchDescriptor> Archs => s_all;
    public static IEnumerable<ModelPreset> Presets => s_presets.Values;

    public static bool IsKnown(string name) => s_archs.ContainsKey(name) || s_presets.ContainsKey(name);

    /// <summary>The architecture behind a name or preset, or null when unknown.</summary>
    public static ArchDescriptor? InfoOf(string name) =>
        s_archs.GetValueOrDefault(s_presets.TryGetValue(name, out var preset) ? preset.Arch : name);

    /// <summary>The preset a network is an instance of (same architecture and options), else its architecture name.</summary>
    public static string NameOf(SrNetwork net)
    {
        string options = net.OptionsJson();
        foreach (var preset in s_presets.Values)
            if (string.Equals(preset.Arch, net.Arch, StringComparison.OrdinalIgnoreCase)
                && s_archs[preset.Arch].Scales.Contains(net.Scale)
                && Create(preset.Name, net.Scale).OptionsJson() == options)
                return preset.Name;
        return net.Arch;
    }

    /// <summary>Builds an architecture or preset by name; unknown names throw, listing the known ones.</summary>
    public static SrNetwork Create(string name, int scale, string? optionsJson = null)
    {
        if (s_presets.TryGetValue(name, out var preset))
        {
            if (optionsJson is not null) throw new ArgumentException($"'{name}' is a preset; pass options to its architecture '{preset.Arch}' instead.");
            ScaleRules.CheckNetwork(name, scale);   // checked here so the message names what the user asked for
            return Create(preset.Arch, scale, preset.OptionsJson);
        }
        if (!s_archs.TryGetValue(name, out var arch))
            throw new KeyNotFoundException($"unknown model '{name}' (known: {string.Join(", ", s_archs.Keys.Concat(s_presets.Keys).Order())})");
        ScaleRules.CheckNetwork(name, scale);
        return arch.Build(scale, optionsJson);
    }
}
