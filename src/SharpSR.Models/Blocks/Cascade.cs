using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// CARN's "basic block": a conv followed by ReLU, key body.0 (used as the 1x1 fusion convs of the cascades).
/// </summary>
public sealed class ConvReluBlock : Module
{
    private readonly Sequential _body;

    public ConvReluBlock(int inChannels, int outChannels, int kernel = 1) =>
        _body = Register("body", new Sequential(new Conv2d(inChannels, outChannels, kernel), new Relu()));

    public override Tensor Forward(Tensor x) => _body.Forward(x);
}

/// <summary>
/// The cascading connection of the CARN family (docs/networks/carn-m.md), at the block level and the network
/// level alike: every unit's output is concatenated onto everything before it and fused back to n channels
/// by a 1x1 conv + ReLU.
/// </summary>
public static class Cascade
{
    /// <summary>Units in a cascade (residual units per cascading block, cascading blocks per network).</summary>
    public const int Depth = 3;

    /// <summary>The 1x1 fusions of a cascade of <see cref="Depth"/> units: (k+2)·n -> n for k = 0..2 (keys c1..c3).</summary>
    public static ConvReluBlock[] FusionConvs(int features) =>
        Enumerable.Range(0, Depth).Select(k => new ConvReluBlock((k + 2) * features, features)).ToArray();

    /// <summary>c = x, o = x; for each unit k: c = cat[c, unit_k(o)], o = fuse_k(c); returns the last o.</summary>
    public static Tensor Run(Tensor x, IReadOnlyList<Module> units, IReadOnlyList<Module> fusions)
    {
        if (units.Count != fusions.Count) throw new ArgumentException("Cascade: one fusion conv per unit is required.");
        Tensor concat = x, o = x;
        for (int k = 0; k < units.Count; k++)
        {
            concat = Ops.Concat([concat, units[k].Forward(o)]);
            o = fusions[k].Forward(concat);
        }
        return o;
    }
}
