using SharpSR.Core;
using SharpSR.Models.Blocks;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>
/// G-IDRN: registry entry, options (every ablation switch of the paper), and import from a state dict (no
/// official checkpoint exists; SharpSR's own dicts use the same keys). Width and head from head.*, groups from
/// groups.k.conv, blocks per group from groups.0.m{i}, block groups from the refinement conv's input channels,
/// CFPB / ANRB / learnable shortcuts from their keys, reconstruction path from skip's inputs, scale from the
/// tail. Switches without weights cannot be read: channel shuffle is assumed off, ANRB's sampling the default
/// S = 110, weight-free shortcuts fixed at 1 (off when a group has other than three blocks) and no skip conv
/// the single-path reconstruction.
/// </summary>
public sealed class GIdrnDescriptor() : ArchDescriptor<GIdrnOptions>(
    "g-idrn", "G-IDRN", "group-wise information distillation residual network (Wang et al., Acta Automatica Sinica 2024), reconstructed", [2, 3, 4])
{
    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "n, the width of every block (a multiple of 4, at least 8)"),
        new("groups", "N, residual groups (G-IDRG), whose outputs are all fused"),
        new("blocksPerGroup", "B, blocks per group (three when dense shortcuts are on)"),
        new("block", "basic block: g-idb (grouped refinement convs) or rfdb"),
        new("blockGroups", "g, groups of a G-IDB's refinement convs"),
        new("channelShuffle", "channel shuffle after each grouped refinement conv"),
        new("shortcuts", "dense shortcuts inside each group: learnable, fixed (at 1) or off"),
        new("cfpb", "URNet's cascading feature pyramid block at the end of each group"),
        new("anrb", "ANRB sampled points S: off, 50, 110, 222 or inf (every position)"),
        new("head", "acb (asymmetric convolution block) or conv (a plain 3x3)"),
        new("reconstruction", "single path, or a second one: a (conv of the LR image), b (its bicubic upsampling), c (conv of the head features)"),
        new("rgbRange", "pixel range the MeanShift works in"),
    ];

    public override SrNetwork Create(GIdrnOptions options, int scale) => new GIdrn(options with { Scale = scale });

    public override ArchSignature Signature => new(Name,
        ["head.square_conv.weight|head.weight", "groups.0.m1.c1_d.weight", "fuse.weight", "body_conv.weight", "tail.weight"],
        ["sub_mean", "add_mean", "head", "groups", "fuse", "body_conv", "anrb", "tail", "skip"]);

    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        bool acb = t.ContainsKey("head.square_conv.weight");
        int n = Need(t, acb ? "head.square_conv.weight" : "head.weight").Dim(0);
        int groups = CountRun(t, i => $"groups.{i}.conv.weight", first: 0);
        int blocks = CountRun(t, i => $"groups.0.m{i}.c1_d.weight");
        if (groups == 0 || blocks == 0) throw new KeyNotFoundException("missing 'groups.0.conv.weight' / 'groups.0.m1.c1_d.weight'");
        int blockGroups = n / Need(t, "groups.0.m1.c1_r.weight").Dim(1);
        var shortcuts = t.ContainsKey("groups.0.w0") ? DenseShortcuts.Learnable
                      : blocks == Fdprg.DenseBlocks ? DenseShortcuts.Fixed : DenseShortcuts.Off;
        int scale = Stored(SubPixelScale(Need(t, "tail.weight")), askedScale);
        var reconstruction = !t.TryGetValue("skip.weight", out var skip) ? GIdrnReconstruction.Single
                           : skip.Dim(1) == 3 ? GIdrnReconstruction.A : GIdrnReconstruction.C;
        return new GIdrn(new GIdrnOptions
        {
            Features = n,
            Groups = groups,
            BlocksPerGroup = blocks,
            Block = blockGroups == 1 ? GIdrnBlock.Rfdb : GIdrnBlock.GIdb,
            BlockGroups = blockGroups == 1 ? new GIdrnOptions().BlockGroups : blockGroups,
            Shortcuts = shortcuts,
            Cfpb = t.ContainsKey("groups.0.cfpb.fuse_conv.weight"),
            Anrb = t.ContainsKey("anrb.f_query.weight") ? new GIdrnOptions().Anrb : "off",
            Head = acb ? GIdrnHead.Acb : GIdrnHead.Conv,
            Reconstruction = reconstruction,
            Scale = scale,
        });
    }
}
