using SharpSR.Core;
using SharpSR.Models;
using SharpSR.Models.Archs;

namespace SharpSR.Interop.Archs;

/// <summary>
/// CARN-M from the authors' checkpoint (nmhkahn/CARN-pytorch checkpoint/carn_m.pth): width from the entry
/// conv, groups from the efficient residual block's 3x3 weight, multi- or single-scale from the head keys.
/// A multi-scale file holds every head, so the scale must be asked for; it picks the head the forward uses.
/// </summary>
public static class CarnMImport
{
    public static ArchSignature Signature { get; } = new("carn-m",
        ["entry.weight", "b1.b1.body.0.weight", "sub_mean.shifter.weight", "upsample.up.body.0.weight|upsample.up2.body.0.weight", "exit.weight"],
        ["sub_mean", "add_mean", "entry", "b#", "c#", "upsample", "exit"],
        From);

    public static SrNetwork From(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "entry.weight").Dim(0);
        var eb = Need(t, "b1.b1.body.0.weight");   // [n, n/groups, 3, 3]
        if (eb.Dim(1) < 1 || n % eb.Dim(1) != 0) throw new KeyNotFoundException($"b1.b1.body.0.weight has {eb.Dim(1)} input channels per group for {n} features");
        int groups = n / eb.Dim(1);
        Need(t, "sub_mean.shifter.weight");

        bool multi = t.ContainsKey("upsample.up2.body.0.weight");
        int scale;
        if (multi)
        {
            scale = askedScale ?? throw new InvalidDataException("the CARN-M checkpoint is multi-scale (heads x2, x3, x4): give the scale (--scale 2, 3 or 4) to pick the head");
            if (scale is not (2 or 3 or 4)) throw new InvalidDataException($"CARN-M has heads for x2, x3 and x4, not x{scale}");
        }
        else
        {
            var up = Need(t, "upsample.up.body.0.weight");
            scale = t.ContainsKey("upsample.up.body.3.weight") ? 4 : up.Dim(0) == 9 * n ? 3 : 2;
            if (askedScale is { } s && s != scale) throw new InvalidDataException($"the checkpoint is a single-scale x{scale} CARN-M, x{s} was asked for");
        }
        return new CarnM(new CarnMOptions { Features = n, Groups = groups, Scale = scale, MultiScale = multi });
    }

    private static Tensor Need(IReadOnlyDictionary<string, Tensor> t, string key) =>
        t.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"missing '{key}'");
}
