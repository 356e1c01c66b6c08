using SharpSR.Core;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>
/// E-RFDN: registry entry, options, and import from the authors' state dict (njulj/RFDN, <c>RFDN_AIM.pth</c>):
/// width from fea_conv, block count from the run of B1, B2, … keys, scale from upsampler.0 (3·s² outputs).
/// </summary>
public sealed class ERfdnDescriptor() : ArchDescriptor<ERfdnOptions>(
    "e-rfdn", "E-RFDN", "residual feature distillation network, AIM 2020 release (Liu et al.)", [2, 3, 4])
{
    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "channels of every block (at least 4); 48 with 6 blocks is the paper's RFDN"),
        new("blocks", "residual feature distillation blocks (RFDBs)"),
    ];

    public override SrNetwork Create(ERfdnOptions options, int scale) => new ERfdn(options with { Scale = scale });

    public override ArchSignature Signature => new(Name,
        ["fea_conv.weight", "B1.c1_d.weight", "LR_conv.weight", "upsampler.0.weight"],
        ["fea_conv", "B#", "c", "LR_conv", "upsampler"]);

    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "fea_conv.weight").Dim(0);
        int blocks = CountRun(t, i => $"B{i}.c1_d.weight");
        if (blocks == 0) throw new KeyNotFoundException("missing 'B1.c1_d.weight'");
        int scale = Stored(SubPixelScale(Need(t, "upsampler.0.weight")), askedScale);
        return new ERfdn(new ERfdnOptions { Features = n, Blocks = blocks, Scale = scale });
    }
}
