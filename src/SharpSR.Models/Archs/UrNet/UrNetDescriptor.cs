using SharpSR.Core;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>URNet: registry entry, options, and import from the authors' state dict (ytao-wang/URNet, <c>urn_x{2,3,4}.pt</c>).</summary>
public sealed class UrNetDescriptor() : ArchDescriptor<UrNetOptions>(
    "urnet", "URNet", "U-shaped residual network (Wang et al., Remote Sensing 2021)", [2, 3, 4])
{
    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "nf, the top level's width; the levels below have nf/2, nf/4, nf/8 (a multiple of 8, at least 32)"),
        new("cfpbName", "key of each FDPRG's pyramid block: aspp or cfpb (null: the authors' choice for the scale)"),
        new("anrbPoolSizes", "ANRB's key/value pool sizes (null: 1, 3, 6, 8; empty: every position)"),
        new("rgbRange", "pixel range the MeanShift works in"),
    ];

    public override SrNetwork Create(UrNetOptions options, int scale) => new UrNet(options with { Scale = scale });

    public override ArchSignature Signature => new(Name,
        ["head.square_conv.weight", "anrb.f_query.weight", "tail_up.0.weight", "up.0.aspp.fuse_conv.weight|up.0.cfpb.fuse_conv.weight"],
        ["sub_mean", "add_mean", "head", "down", "up", "conv", "anrb", "tail_up"]);

    /// <summary>
    /// Width from the ACBlock head, scale from tail_up.0 (3·s² outputs), and the pyramid block's name from
    /// whichever of up.0.aspp / up.0.cfpb the file holds (the authors renamed it for x3 only). ANRB's pool
    /// sizes have no weights; the released (1, 3, 6, 8) is assumed.
    /// </summary>
    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int nf = Need(t, "head.square_conv.weight").Dim(0);
        Need(t, "anrb.f_query.weight");
        int scale = Stored(SubPixelScale(Need(t, "tail_up.0.weight")), askedScale);
        string? cfpb = new[] { "aspp", "cfpb" }.FirstOrDefault(name => t.ContainsKey($"up.0.{name}.fuse_conv.weight"))
            ?? throw new KeyNotFoundException("missing the pyramid block 'up.0.aspp.*' / 'up.0.cfpb.*'");
        if (nf < 32 || nf % 8 != 0) throw new InvalidDataException($"head width {nf} is not a URNet width (a multiple of 8, at least 32)");
        return new UrNet(new UrNetOptions { Features = nf, Scale = scale, CfpbName = cfpb });
    }
}
