using SharpSR.Core;
using SharpSR.Models;
using SharpSR.Models.Archs;
using SharpSR.Models.Blocks;

namespace SharpSR.Interop.Archs;

/// <summary>
/// G-IDRN from a state dict (no official checkpoint exists; SharpSR's own dicts use the same keys). Width and head
/// from head.*, groups from groups.k.conv, blocks per group from groups.0.m{i}, block groups from the refinement
/// conv's input channels, CFPB / ANRB / learnable shortcuts from their keys, reconstruction path from skip's
/// inputs, scale from the tail. Switches without weights cannot be read: channel shuffle is assumed off, ANRB's
/// sampling the default S = 110, weight-free shortcuts fixed at 1 (off when a group has other than three blocks)
/// and no skip conv the single-path reconstruction.
/// </summary>
public static class GIdrnImport
{
    public static ArchSignature Signature { get; } = new("g-idrn",
        ["head.square_conv.weight|head.weight", "groups.0.m1.c1_d.weight", "fuse.weight", "body_conv.weight", "tail.weight"],
        ["sub_mean", "add_mean", "head", "groups", "fuse", "body_conv", "anrb", "tail", "skip"],
        From);

    public static SrNetwork From(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        bool acb = t.ContainsKey("head.square_conv.weight");
        int n = ERfdnImport.Need(t, acb ? "head.square_conv.weight" : "head.weight").Dim(0);
        int groups = 0;
        while (t.ContainsKey($"groups.{groups}.conv.weight")) groups++;
        int blocks = 0;
        while (t.ContainsKey($"groups.0.m{blocks + 1}.c1_d.weight")) blocks++;
        if (groups == 0 || blocks == 0) throw new KeyNotFoundException("missing 'groups.0.conv.weight' / 'groups.0.m1.c1_d.weight'");
        int blockGroups = n / ERfdnImport.Need(t, "groups.0.m1.c1_r.weight").Dim(1);
        var shortcuts = t.ContainsKey("groups.0.w0") ? DenseShortcuts.Learnable
                      : blocks == Fdprg.DenseBlocks ? DenseShortcuts.Fixed : DenseShortcuts.Off;
        int scale = ERfdnImport.ScaleFromTail(ERfdnImport.Need(t, "tail.weight"));
        if (askedScale is { } s && s != scale) throw new InvalidDataException($"the checkpoint is an x{scale} model, x{s} was asked for");
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
