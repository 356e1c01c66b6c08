using SharpSR.Core;
using SharpSR.Models;
using SharpSR.Models.Archs;

namespace SharpSR.Interop.Archs;

/// <summary>s-LWSR from the authors' checkpoint (Sudo-Biao/s-LWSR, <c>model_best.pt</c>) or our own state dicts.</summary>
public static class SLwsrImport
{
    public static ArchSignature Signature { get; } = new("s-lwsr",
        ["sub_mean.weight", "head.0.weight", "feat2_1.body.0.weight", "tail.0.0.weight"],
        ["sub_mean", "add_mean", "head", "feat#_#", "conv#", "tail"],
        From);

    /// <summary>n from the head conv, scale from the upsampler convs, pool mode from conv1, compression from block bodies.</summary>
    public static SrNetwork From(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = ERfdnImport.Need(t, "head.0.weight").Dim(0);
        var ups = Enumerable.Range(0, 8).Select(i => $"tail.0.{2 * i}.weight").TakeWhile(t.ContainsKey).ToList();
        if (ups.Count == 0) throw new KeyNotFoundException("no upsampler convs tail.0.*");
        int scale = ups.Count == 1 && t[ups[0]].Dim(0) == 9 * n ? 3 : 1 << ups.Count;
        if (askedScale is { } s && s != scale) throw new InvalidDataException($"the checkpoint is an x{scale} model, x{s} was asked for");
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
