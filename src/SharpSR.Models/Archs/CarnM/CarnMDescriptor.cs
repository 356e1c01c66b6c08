using SharpSR.Core;
using SharpSR.Models.Blocks;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>
/// CARN-M: registry entry, options, and import from the authors' checkpoint (nmhkahn/CARN-pytorch
/// checkpoint/carn_m.pth): width from the entry conv, groups from the efficient residual block's 3x3 weight,
/// multi- or single-scale from the head keys. A multi-scale file holds every head, so the scale must be
/// asked for; it picks the head the forward uses.
/// </summary>
public sealed class CarnMDescriptor() : ArchDescriptor<CarnMOptions>(
    "carn-m", "CARN-M", "cascading residual network, mobile (Ahn et al., ECCV 2018)", [2, 3, 4])
{
    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "channels of every block"),
        new("groups", "groups of the 3x3 convs in the residual blocks and the upsampling heads"),
        new("multiScale", "heads for x2, x3 and x4 all registered (the released file), or one head (key upsample.up)"),
    ];

    public override SrNetwork Create(CarnMOptions options, int scale) => new CarnM(options with { Scale = scale });

    // b1.b1.body.4 is the efficient residual block's 1x1: what tells CARN-M from the other networks of the CARN family.
    public override ArchSignature Signature => new(Name,
        ["entry.weight", "b1.b1.body.0.weight", "b1.b1.body.4.weight", "sub_mean.shifter.weight", "upsample.up.body.0.weight|upsample.up2.body.0.weight", "exit.weight"],
        ["sub_mean", "add_mean", "entry", "b#", "c#", "upsample", "exit"]);

    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "entry.weight").Dim(0);
        var eb = Need(t, "b1.b1.body.0.weight");   // [n, n/groups, 3, 3]
        if (eb.Dim(1) < 1 || n % eb.Dim(1) != 0) throw new KeyNotFoundException($"b1.b1.body.0.weight has {eb.Dim(1)} input channels per group for {n} features");
        int groups = n / eb.Dim(1);
        Need(t, "sub_mean.shifter.weight");
        var (scale, multi) = CarnUpsampler.ReadHeads(t, n, askedScale, DisplayName);
        return new CarnM(new CarnMOptions { Features = n, Groups = groups, Scale = scale, MultiScale = multi });
    }
}
