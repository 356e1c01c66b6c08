using SharpSR.Core;
using SharpSR.Models;
using SharpSR.Models.Archs;

namespace SharpSR.Interop.Archs;

/// <summary>
/// RLFN from the challenge checkpoint (Amazingren/NTIRE2024_ESR, <c>model_zoo/team00_rlfn.pth</c>, RLFN_Prune):
/// features from conv_1, block width from block_1.c1_r, ESA channels from block_1.esa.conv1, block count
/// from the run of block_1, block_2, … keys, scale from upsampler.0.
/// </summary>
public static class RlfnImport
{
    public static SrNetwork From(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int features = ERfdnImport.Need(t, "conv_1.weight").Dim(0);
        int mid = ERfdnImport.Need(t, "block_1.c1_r.weight").Dim(0);
        int esa = ERfdnImport.Need(t, "block_1.esa.conv1.weight").Dim(0);
        int blocks = 0;
        while (t.ContainsKey($"block_{blocks + 1}.c1_r.weight")) blocks++;
        int scale = ERfdnImport.ScaleFromTail(ERfdnImport.Need(t, "upsampler.0.weight"));
        if (askedScale is { } s && s != scale) throw new InvalidDataException($"the checkpoint is an x{scale} model, x{s} was asked for");
        return new Rlfn(new RlfnOptions { Features = features, MidFeatures = mid, EsaChannels = esa, Blocks = blocks, Scale = scale });
    }
}
