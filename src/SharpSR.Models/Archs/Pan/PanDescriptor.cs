using SharpSR.Core;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>
/// PAN: registry entry, options, and import from the authors' checkpoint (zhaohengyuan1/PAN): features from
/// conv_first, upsampling features from upconv1, block count from SCPA_trunk.{i}. A second upsampling stage
/// (upconv2) means x4; the x2 and x3 files have identical shapes (one stage whose factor is not stored), so
/// for them the scale must be given.
/// </summary>
public sealed class PanDescriptor() : ArchDescriptor<PanOptions>(
    "pan", "PAN", "pixel attention network (Zhao et al., ECCVW 2020)", [2, 3, 4])
{
    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "channels of the trunk (even)"),
        new("upsampleFeatures", "channels of the upsampling path (unf)"),
        new("blocks", "SC-PA blocks in the trunk"),
    ];

    public override SrNetwork Create(PanOptions options, int scale) => new Pan(options with { Scale = scale });

    public override ArchSignature Signature => new(Name,
        ["conv_first.weight", "SCPA_trunk.0.conv1_a.weight", "trunk_conv.weight", "upconv1.weight", "conv_last.weight"],
        ["conv_first", "SCPA_trunk", "trunk_conv", "upconv#", "att#", "HRconv#", "conv_last"]);

    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "conv_first.weight").Dim(0);
        int u = Need(t, "upconv1.weight").Dim(0);
        int blocks = CountRun(t, i => $"SCPA_trunk.{i}.conv1_a.weight", first: 0);
        if (blocks == 0) throw new KeyNotFoundException("missing 'SCPA_trunk.0.conv1_a.weight'");
        int scale;
        if (t.ContainsKey("upconv2.weight"))
        {
            if (askedScale is { } s4 && s4 != 4) throw new InvalidDataException($"the checkpoint is an x4 model (two upsampling stages), x{s4} was asked for");
            scale = 4;
        }
        else
        {
            scale = askedScale ?? throw new InvalidDataException("PAN x2 and x3 checkpoints have the same shapes (one upsampling stage): pass the scale (2 or 3)");
            if (scale is not (2 or 3)) throw new InvalidDataException($"the checkpoint has one upsampling stage (x2 or x3), x{scale} was asked for");
        }
        return new Pan(new PanOptions { Features = n, UpsampleFeatures = u, Blocks = blocks, Scale = scale });
    }
}
