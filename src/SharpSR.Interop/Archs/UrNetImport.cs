using SharpSR.Core;
using SharpSR.Models;
using SharpSR.Models.Archs;

namespace SharpSR.Interop.Archs;

/// <summary>URNet from the authors' state dict (ytao-wang/URNet, <c>urn_x{2,3,4}.pt</c>): options from tensor shapes.</summary>
public static class UrNetImport
{
    public static ArchSignature Signature { get; } = new("urnet",
        ["head.square_conv.weight", "anrb.f_query.weight", "tail_up.0.weight", "up.0.aspp.fuse_conv.weight|up.0.cfpb.fuse_conv.weight"],
        ["sub_mean", "add_mean", "head", "down", "up", "conv", "anrb", "tail_up"],
        From);

    /// <summary>
    /// Width from the ACBlock head, scale from tail_up.0 (3·s² outputs), and the pyramid block's name from
    /// whichever of up.0.aspp / up.0.cfpb the file holds (the authors renamed it for x3 only). ANRB's pool
    /// sizes have no weights; the released (1, 3, 6, 8) is assumed.
    /// </summary>
    public static SrNetwork From(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int nf = ERfdnImport.Need(t, "head.square_conv.weight").Dim(0);
        ERfdnImport.Need(t, "anrb.f_query.weight");
        int scale = ERfdnImport.ScaleFromTail(ERfdnImport.Need(t, "tail_up.0.weight"));
        if (askedScale is { } s && s != scale) throw new InvalidDataException($"the checkpoint is an x{scale} model, x{s} was asked for");
        string? cfpb = new[] { "aspp", "cfpb" }.FirstOrDefault(name => t.ContainsKey($"up.0.{name}.fuse_conv.weight"))
            ?? throw new KeyNotFoundException("missing the pyramid block 'up.0.aspp.*' / 'up.0.cfpb.*'");
        if (nf < 32 || nf % 8 != 0) throw new InvalidDataException($"head width {nf} is not a URNet width (a multiple of 8, at least 32)");
        return new UrNet(new UrNetOptions { Features = nf, Scale = scale, CfpbName = cfpb });
    }
}
