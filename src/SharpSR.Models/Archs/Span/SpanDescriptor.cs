using SharpSR.Core;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>
/// SPAN: registry entry, options, and import from the challenge checkpoint (Amazingren/NTIRE2024_ESR,
/// <c>model_zoo/team38_span_ch28_slim.pth</c>), which stores every Conv3XC folded (<c>eval_conv</c>), or from a
/// training-form state dict (<c>sk</c>, <c>conv.0..2</c> only). Width and form from conv_1, gain from
/// conv_1.conv.0, block count from the run of block_1, block_2, … keys, scale from upsampler.0.
/// </summary>
public sealed class SpanDescriptor() : ArchDescriptor<SpanOptions>(
    "span", "SPAN", "swift parameter-free attention network, NTIRE 2024 efficient-SR winner (Wan et al., CVPRW 2024)", [2, 3, 4])
{
    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "channels of every block"),
        new("blocks", "swift parameter-free attention blocks (SPABs)"),
        new("folded", "each Conv3XC as one 3x3 conv (the released inference form), or the training form"),
        new("gain", "expansion of the training form's 1x1 -> 3x3 -> 1x1 chain"),
    ];

    public override SrNetwork Create(SpanOptions options, int scale) => new Span(options with { Scale = scale });

    public override ArchSignature Signature => new(Name,
        ["conv_1.eval_conv.weight|conv_1.sk.weight", "block_1.c1_r.eval_conv.weight|block_1.c1_r.sk.weight", "conv_cat.weight", "upsampler.0.weight"],
        ["conv_#", "block_#", "conv_cat", "upsampler"]);

    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        bool folded = t.ContainsKey("conv_1.eval_conv.weight");
        int features, gain = 2;
        if (folded)
        {
            features = t["conv_1.eval_conv.weight"].Dim(0);
        }
        else
        {
            features = Need(t, "conv_1.sk.weight").Dim(0);
            gain = Need(t, "conv_1.conv.0.weight").Dim(0) / 3;
        }
        string firstConv = folded ? "c1_r.eval_conv.weight" : "c1_r.sk.weight";
        int blocks = CountRun(t, i => $"block_{i}.{firstConv}");
        if (blocks == 0) throw new KeyNotFoundException($"missing 'block_1.{firstConv}'");
        int scale = Stored(SubPixelScale(Need(t, "upsampler.0.weight")), askedScale);
        return new Span(new SpanOptions { Features = features, Blocks = blocks, Scale = scale, Folded = folded, Gain = gain });
    }
}
