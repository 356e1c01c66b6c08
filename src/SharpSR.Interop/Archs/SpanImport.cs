using SharpSR.Core;
using SharpSR.Models;
using SharpSR.Models.Archs;

namespace SharpSR.Interop.Archs;

/// <summary>
/// SPAN from the challenge checkpoint (Amazingren/NTIRE2024_ESR, <c>model_zoo/team38_span_ch28_slim.pth</c>),
/// which stores every Conv3XC folded (<c>eval_conv</c>), or from a training-form state dict (<c>sk</c>,
/// <c>conv.0..2</c> only). Width and form from conv_1, gain from conv_1.conv.0, block count from the run
/// of block_1, block_2, … keys, scale from upsampler.0.
/// </summary>
public static class SpanImport
{
    public static SrNetwork From(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        bool folded = t.ContainsKey("conv_1.eval_conv.weight");
        int features, gain = 2;
        if (folded)
        {
            features = t["conv_1.eval_conv.weight"].Dim(0);
        }
        else
        {
            features = ERfdnImport.Need(t, "conv_1.sk.weight").Dim(0);
            gain = ERfdnImport.Need(t, "conv_1.conv.0.weight").Dim(0) / 3;
        }
        string firstConv = folded ? "c1_r.eval_conv.weight" : "c1_r.sk.weight";
        int blocks = 0;
        while (t.ContainsKey($"block_{blocks + 1}.{firstConv}")) blocks++;
        if (blocks == 0) throw new KeyNotFoundException($"missing 'block_1.{firstConv}'");
        int scale = ERfdnImport.ScaleFromTail(ERfdnImport.Need(t, "upsampler.0.weight"));
        if (askedScale is { } s && s != scale) throw new InvalidDataException($"the checkpoint is an x{scale} model, x{s} was asked for");
        return new Span(new SpanOptions { Features = features, Blocks = blocks, Scale = scale, Folded = folded, Gain = gain });
    }
}
