using SharpSR.Core;
using static SharpSR.Models.StateDictShapes;

namespace SharpSR.Models.Archs;

/// <summary>
/// IMDN: registry entry, options, and import from the authors' checkpoint (Zheng222/IMDN, keys with
/// DataParallel's <c>module.</c> prefix, which the reader strips): features from fea_conv, block count from
/// the IMDB{i} modules, scale from the upsampler conv (3·s² outputs).
/// </summary>
public sealed class ImdnDescriptor() : ArchDescriptor<ImdnOptions>(
    "imdn", "IMDN", "information multi-distillation network (Hui et al., ACM MM 2019)", [2, 3, 4])
{
    public override IReadOnlyList<ArchOption> Options =>
    [
        new("features", "channels of every block (a multiple of 4, at least 16)"),
        new("blocks", "information multi-distillation blocks (IMDBs)"),
    ];

    public override SrNetwork Create(ImdnOptions options, int scale) => new Imdn(options with { Scale = scale });

    public override ArchSignature Signature => new(Name,
        ["fea_conv.weight", "IMDB1.c1.weight", "LR_conv.weight", "upsampler.0.weight"],
        ["fea_conv", "IMDB#", "c", "LR_conv", "upsampler"]);

    public override SrNetwork FromStateDict(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "fea_conv.weight").Dim(0);
        int blocks = CountRun(t, i => $"IMDB{i}.c1.weight");
        if (blocks == 0) throw new KeyNotFoundException("missing 'IMDB1.c1.weight'");
        int scale = Stored(SubPixelScale(Need(t, "upsampler.0.weight")), askedScale);
        return new Imdn(new ImdnOptions { Features = n, Blocks = blocks, Scale = scale });
    }
}
