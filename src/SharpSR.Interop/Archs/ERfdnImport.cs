using SharpSR.Core;
using SharpSR.Models;
using SharpSR.Models.Archs;

namespace SharpSR.Interop.Archs;

/// <summary>E-RFDN from the authors' state dict (njulj/RFDN, <c>RFDN_AIM.pth</c>): options from tensor shapes.</summary>
public static class ERfdnImport
{
    public static ArchSignature Signature { get; } = new("e-rfdn",
        ["fea_conv.weight", "B1.c1_d.weight", "LR_conv.weight", "upsampler.0.weight"],
        ["fea_conv", "B#", "c", "LR_conv", "upsampler"],
        From);

    /// <summary>
    /// Width from fea_conv, block count from the run of B1, B2, … keys, scale from upsampler.0 (3·s² outputs).
    /// Missing keys throw <see cref="KeyNotFoundException"/>, which the caller reports as "not an e-rfdn checkpoint".
    /// </summary>
    public static SrNetwork From(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "fea_conv.weight").Dim(0);
        int blocks = 0;
        while (t.ContainsKey($"B{blocks + 1}.c1_d.weight")) blocks++;
        if (blocks == 0) throw new KeyNotFoundException("missing 'B1.c1_d.weight'");
        int scale = ScaleFromTail(Need(t, "upsampler.0.weight"));
        if (askedScale is { } s && s != scale) throw new InvalidDataException($"the checkpoint is an x{scale} model, x{s} was asked for");
        return new ERfdn(new ERfdnOptions { Features = n, Blocks = blocks, Scale = scale });
    }

    /// <summary>A sub-pixel tail conv has 3·s² output channels.</summary>
    internal static int ScaleFromTail(Tensor weight)
    {
        int outs = weight.Dim(0), s = (int)Math.Round(Math.Sqrt(outs / 3.0));
        if (s < 1 || 3 * s * s != outs) throw new InvalidDataException($"tail conv has {outs} output channels, not 3·s² for an integer scale s");
        return s;
    }

    internal static Tensor Need(IReadOnlyDictionary<string, Tensor> t, string key) =>
        t.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"missing '{key}'");
}
