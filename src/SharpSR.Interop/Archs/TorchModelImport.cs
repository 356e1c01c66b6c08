using SharpSR.Core;
using SharpSR.Interop.Torch;
using SharpSR.Models;
using SharpSR.Models.Archs;

namespace SharpSR.Interop.Archs;

/// <summary>
/// Builds our network from an authors' PyTorch checkpoint: reads it safely, infers the options its
/// tensor shapes settle (width, scale, variant switches) and loads the weights strictly.
/// </summary>
public static class TorchModelImport
{
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, Tensor>, int?, SrNetwork>> s_importers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["s-lwsr"] = SLwsrFrom,
        ["imdn"] = ImdnImport.From,
        ["pan"] = PanImport.From,
        ["e-rfdn"] = ERfdnImport.From,
        ["urnet"] = UrNetImport.From,
        ["carn-m"] = CarnMImport.From,
        ["span"] = SpanImport.From,
        ["rlfn"] = RlfnImport.From,
    };

    public static IEnumerable<string> Architectures => s_importers.Keys;

    public static SrNetwork Load(string path, string arch, int? scale = null)
    {
        if (!s_importers.TryGetValue(arch, out var build))
            throw new NotSupportedException($"no PyTorch importer for architecture '{arch}' (available: {string.Join(", ", s_importers.Keys)})");
        var tensors = TorchCheckpointReader.Load(path);
        SrNetwork net;
        try
        {
            net = build(tensors, scale);
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: not a {arch} checkpoint ({e.Message})", e);
        }
        var result = net.LoadStateDict(tensors, strict: false);
        if (!result.IsExact)
            throw new InvalidDataException($"{Path.GetFileName(path)}: keys do not match {arch}: missing [{string.Join(", ", result.Missing.Take(5))}], unexpected [{string.Join(", ", result.Unexpected.Take(5))}]");
        return net;
    }

    /// <summary>s-LWSR: n from the head conv, scale from the upsampler convs, pool mode from conv1, compression from block bodies.</summary>
    private static SrNetwork SLwsrFrom(IReadOnlyDictionary<string, Tensor> t, int? askedScale)
    {
        int n = Need(t, "head.0.weight").Dim(0);
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

    private static Tensor Need(IReadOnlyDictionary<string, Tensor> t, string key) =>
        t.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"missing '{key}'");
}
