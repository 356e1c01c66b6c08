using SharpSR.Core;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>
/// RLFN: registry entry, options, and import from the challenge checkpoint (Amazingren/NTIRE2024_ESR,
/// <c>model_zoo/team00_rlfn.pth</c>, RLFN_Prune): features from conv_1, block width from block_1.c1_r, ESA
/// channels from block_1.esa.conv1, block count from the run of block_1, block_2, … keys, scale from upsampler.0.
/// </summary>
public sealed class RlfnDescriptor() : ArchDescriptor<RlfnOptions>(
    "rlfn", "RLFN", "residual local feature network, NTIRE 2022 efficient-SR winner (Kong et al., CVPRW 2022)", [2, 3, 4])
{
    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "channels between the blocks"),
        new("midFeatures", "channels between a block's three 3x3 convs"),
        new("esaChannels", "channels inside each block's ESA"),
        new("blocks", "residual local feature blocks (RLFBs)"),
    ];

    public override SrNetwork Create(RlfnOptions options, int scale) => new Rlfn(options with { Scale = scale });

    public override ArchSignature Signature => new(Name,
        ["conv_1.weight", "block_1.c1_r.weight", "block_1.esa.conv1.weight", "conv_2.weight", "upsampler.0.weight"],
        ["conv_#", "block_#", "upsampler"]);

    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int features = Need(t, "conv_1.weight").Dim(0);
        int mid = Need(t, "block_1.c1_r.weight").Dim(0);
        int esa = Need(t, "block_1.esa.conv1.weight").Dim(0);
        int blocks = CountRun(t, i => $"block_{i}.c1_r.weight");
        int scale = Stored(SubPixelScale(Need(t, "upsampler.0.weight")), askedScale);
        return new Rlfn(new RlfnOptions { Features = features, MidFeatures = mid, EsaChannels = esa, Blocks = blocks, Scale = scale });
    }
}
