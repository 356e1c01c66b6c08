using SharpSR.Core;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>s-LWSR: registry entry, presets, options, and import from the authors' checkpoint (Sudo-Biao/s-LWSR, <c>model_best.pt</c>) or our own state dicts.</summary>
public sealed class SLwsrDescriptor() : ArchDescriptor<SLwsrOptions>(
    "s-lwsr", "s-LWSR", "super lightweight SR network (Li et al., IEEE TIP)", [2, 3, 4, 8])
{
    public override IReadOnlyList<ModelPreset> Presets =>
    [
        new("s-lwsr16", Name, """{"features":16}""", "s-LWSR, n_feats 16 (144K params at x4)"),
        new("s-lwsr32", Name, """{"features":32}""", "s-LWSR, n_feats 32 (571K params at x4)"),
        new("s-lwsr64", Name, """{"features":64}""", "s-LWSR, n_feats 64 (2277K params at x4)"),
    ];

    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "n_feats, the width of every block"),
        new("pool", "information pool: on (the released network), off, all-former (every encoder block's output)"),
        new("poolMix", "weight w of the pool in each decoder mix (1-w)·skip + w·pool"),
        new("activations", "which residual blocks keep their ReLU: all, two-thirds, half, one-third, rare"),
        new("blocksWithoutActivation", "names of the blocks without ReLU (replaces activations)"),
        new("compressionExpansion", "expansion t of the MobileNetV2 compression module; 0 keeps plain residual blocks"),
        new("compressedBlocks", "blocks given the compression module when t > 0 (null: all)"),
        new("rgbRange", "pixel range the MeanShift works in"),
    ];

    public override SrNetwork Create(SLwsrOptions options, int scale) => new SLwsr(options with { Scale = scale });

    public override ArchSignature Signature => new(Name,
        ["sub_mean.weight", "head.0.weight", "feat2_1.body.0.weight", "tail.0.0.weight"],
        ["sub_mean", "add_mean", "head", "feat#_#", "conv#", "tail"]);

    /// <summary>n from the head conv, scale from the upsampler convs, pool mode from conv1, compression from block bodies.</summary>
    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "head.0.weight").Dim(0);
        var ups = Enumerable.Range(0, 8).Select(i => $"tail.0.{2 * i}.weight").TakeWhile(t.ContainsKey).ToList();
        if (ups.Count == 0) throw new KeyNotFoundException("no upsampler convs tail.0.*");
        int scale = Stored(ups.Count == 1 && t[ups[0]].Dim(0) == 9 * n ? 3 : 1 << ups.Count, askedScale);
        var pool = !t.TryGetValue("conv1.weight", out var p) ? InformationPool.Off
                 : p.Dim(1) == 15 * n ? InformationPool.AllFormer : InformationPool.On;
        var compressed = SLwsr.BlockNames.Where(b => t.ContainsKey(b + ".body.4.weight")).ToList();
        int expansion = compressed.Count > 0 ? t[compressed[0] + ".body.0.weight"].Dim(0) / n : 0;
        return new SLwsr(new SLwsrOptions
        {
            Features = n,
            Scale = scale,
            Pool = pool,
            CompressionExpansion = expansion,
            CompressedBlocks = compressed.Count > 0 ? compressed : null,
        });
    }
}
