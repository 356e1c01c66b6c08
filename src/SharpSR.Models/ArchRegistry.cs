using System.Text.Json;
using SharpSR.Models.Archs;

namespace SharpSR.Models;

/// <summary>One registered architecture: builds a network for a scale from an options JSON object (null = defaults).</summary>
public sealed record ArchInfo(string Name, string Description, IReadOnlyList<int> Scales, Func<int, string?, SrNetwork> Build);

/// <summary>A named configuration of an architecture (e.g. s-lwsr16 = s-lwsr with 16 features).</summary>
public sealed record ModelPreset(string Name, string Arch, string OptionsJson, string Description);

/// <summary>Architectures and presets by name, written out one line each (no reflection).</summary>
public static class ArchRegistry
{
    private static readonly Dictionary<string, ArchInfo> s_archs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["s-lwsr"] = new("s-lwsr", "s-LWSR: super lightweight SR network (Li et al., IEEE TIP)", [2, 3, 4, 8],
            (scale, json) => new SLwsr(Options<SLwsrOptions>(json) with { Scale = scale })),
        ["imdn"] = new("imdn", "IMDN: information multi-distillation network (Hui et al., ACM MM 2019)", [2, 3, 4], (scale, json) => new Imdn(Options<ImdnOptions>(json) with { Scale = scale })),
        ["pan"] = new("pan", "PAN: pixel attention network (Zhao et al., ECCVW 2020)", [2, 3, 4], (scale, json) => new Pan(Options<PanOptions>(json) with { Scale = scale })),
        ["e-rfdn"] = new("e-rfdn", "E-RFDN: residual feature distillation network, AIM 2020 release (Liu et al.)", [2, 3, 4], (scale, json) => new ERfdn(Options<ERfdnOptions>(json) with { Scale = scale })),
        ["urnet"] = new("urnet", "URNet: U-shaped residual network (Wang et al., Remote Sensing 2021)", [2, 3, 4], (scale, json) => new UrNet(Options<UrNetOptions>(json) with { Scale = scale })),
        ["g-idrn"] = new("g-idrn", "G-IDRN: group-wise information distillation residual network (Wang et al., Acta Automatica Sinica 2024), reconstructed", [2, 3, 4],
            (scale, json) => new GIdrn(Options<GIdrnOptions>(json) with { Scale = scale })),
        ["carn-m"] = new("carn-m", "CARN-M: cascading residual network, mobile (Ahn et al., ECCV 2018)", [2, 3, 4], (scale, json) => new CarnM(Options<CarnMOptions>(json) with { Scale = scale })),
        ["span"] = new("span", "SPAN: swift parameter-free attention network, NTIRE 2024 efficient-SR winner (Wan et al., CVPRW 2024)", [2, 3, 4], (scale, json) => new Span(Options<SpanOptions>(json) with { Scale = scale })),
        ["rlfn"] = new("rlfn", "RLFN: residual local feature network, NTIRE 2022 efficient-SR winner (Kong et al., CVPRW 2022)", [2, 3, 4], (scale, json) => new Rlfn(Options<RlfnOptions>(json) with { Scale = scale })),
    };

    private static readonly Dictionary<string, ModelPreset> s_presets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["s-lwsr16"] = new("s-lwsr16", "s-lwsr", """{"features":16}""", "s-LWSR, n_feats 16 (144K params at x4)"),
        ["s-lwsr32"] = new("s-lwsr32", "s-lwsr", """{"features":32}""", "s-LWSR, n_feats 32 (571K params at x4)"),
        ["s-lwsr64"] = new("s-lwsr64", "s-lwsr", """{"features":64}""", "s-LWSR, n_feats 64 (2277K params at x4)"),
    };

    public static IEnumerable<ArchInfo> Archs => s_archs.Values;
    public static IEnumerable<ModelPreset> Presets => s_presets.Values;

    public static bool IsKnown(string name) => s_archs.ContainsKey(name) || s_presets.ContainsKey(name);

    /// <summary>Builds an architecture or preset by name; unknown names throw, listing the known ones.</summary>
    public static SrNetwork Create(string name, int scale, string? optionsJson = null)
    {
        if (s_presets.TryGetValue(name, out var preset))
        {
            if (optionsJson is not null) throw new ArgumentException($"'{name}' is a preset; pass options to its architecture '{preset.Arch}' instead.");
            return Create(preset.Arch, scale, preset.OptionsJson);
        }
        if (!s_archs.TryGetValue(name, out var arch))
            throw new KeyNotFoundException($"unknown model '{name}' (known: {string.Join(", ", s_archs.Keys.Concat(s_presets.Keys).Order())})");
        if (!arch.Scales.Contains(scale))
            throw new ArgumentException($"{arch.Name} does not support scale {scale} (supported: {string.Join(", ", arch.Scales)})");
        return arch.Build(scale, optionsJson);
    }

    private static T Options<T>(string? json) where T : new()
    {
        if (string.IsNullOrWhiteSpace(json)) return new T();
        try
        {
            return JsonSerializer.Deserialize<T>(json, SrNetwork.JsonOptions) ?? new T();
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"invalid {typeof(T).Name} JSON: {e.Message}", e);
        }
    }
}
