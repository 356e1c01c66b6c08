using SharpSR.Core;
using SharpSR.Models;
using SharpSR.Models.Archs;

namespace SharpSR.Interop.Archs;

/// <summary>
/// IMDN from the authors' checkpoint (Zheng222/IMDN, keys with DataParallel's <c>module.</c> prefix, which the
/// reader strips): features from fea_conv, block count from the IMDB{i} modules, scale from the upsampler conv
/// (3·s² outputs). A missing key means the file is not an IMDN checkpoint.
/// </summary>
public static class ImdnImport
{
    public static ArchSignature Signature { get; } = new("imdn",
        ["fea_conv.weight", "IMDB1.c1.weight", "LR_conv.weight", "upsampler.0.weight"],
        ["fea_conv", "IMDB#", "c", "LR_conv", "upsampler"],
        From);

    public static SrNetwork From(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "fea_conv.weight").Dim(0);
        int blocks = 0;
        while (t.ContainsKey($"IMDB{blocks + 1}.c1.weight")) blocks++;
        if (blocks == 0) throw new KeyNotFoundException("missing 'IMDB1.c1.weight'");
        int outs = Need(t, "upsampler.0.weight").Dim(0);
        int scale = (int)Math.Round(Math.Sqrt(outs / 3.0));
        if (3 * scale * scale != outs) throw new InvalidDataException($"upsampler.0 has {outs} outputs, not 3·s² for an integer scale s");
        if (askedScale is { } s && s != scale) throw new InvalidDataException($"the checkpoint is an x{scale} model, x{s} was asked for");
        return new Imdn(new ImdnOptions { Features = n, Blocks = blocks, Scale = scale });
    }

    internal static Tensor Need(IReadOnlyDictionary<string, Tensor> t, string key) =>
        t.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"missing '{key}'");
}
