using SharpSR.Core;
using SharpSR.Models.Blocks;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>
/// CARN: registry entry, options, and import from a state dict with the authors' keys (nmhkahn/CARN-pytorch;
/// no weights are shipped): width from the entry conv, multi- or single-scale and the scale from the head keys.
/// </summary>
public sealed class CarnDescriptor() : ArchDescriptor<CarnOptions>(
    "carn", "CARN", "cascading residual network (Ahn et al., ECCV 2018)", [2, 3, 4])
{
    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "channels of every block"),
        new("multiScale", "heads for x2, x3 and x4 all registered (the authors' network), or one head (key upsample.up)"),
    ];

    public override SrNetwork Create(CarnOptions options, int scale) => new Carn(options with { Scale = scale });

    // b1.b2 is the second residual unit of a cascading block, which CARN-M (one shared unit) does not have.
    public override ArchSignature Signature => new(Name,
        ["entry.weight", "b1.b1.body.0.weight", "b1.b2.body.0.weight", "sub_mean.shifter.weight", "upsample.up.body.0.weight|upsample.up2.body.0.weight", "exit.weight"],
        ["sub_mean", "add_mean", "entry", "b#", "c#", "upsample", "exit"]);

    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "entry.weight").Dim(0);
        Need(t, "b1.b2.body.0.weight");
        Need(t, "sub_mean.shifter.weight");
        var (scale, multi) = CarnUpsampler.ReadHeads(t, n, askedScale, DisplayName);
        return new Carn(new CarnOptions { Features = n, Scale = scale, MultiScale = multi });
    }
}
