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
/// CARN-M's efficient residual block: y = ReLU(x + conv1x1(ReLU(gconv3x3(ReLU(gconv3x3(x)))))), the two
/// 3x3 convs grouped. Keys body.0 / body.2 / body.4 (the ReLUs take indices 1 and 3).
/// </summary>
public sealed class EfficientResidualBlock : Module
{
    private readonly Sequential _body;

    public EfficientResidualBlock(int features, int groups)
    {
        if (features % groups != 0)
            throw new ArgumentException($"EfficientResidualBlock: {features} features are not divisible into {groups} groups.");
        _body = Register("body", new Sequential(
            new Conv2d(features, features, 3, groups: groups),
            new Relu(),
            new Conv2d(features, features, 3, groups: groups),
            new Relu(),
            new Conv2d(features, features, 1)));
    }

    public override Tensor Forward(Tensor x) => Ops.Relu(x + _body.Forward(x));
}

/// <summary>
/// CARN-M's cascading block: ONE efficient residual block (key b1) applied three times, each output
/// concatenated onto everything before it and fused back to n channels by a 1x1 conv + ReLU
/// (keys c1: 2n->n, c2: 3n->n, c3: 4n->n). Receptive radius 3 x 2 = 6 pixels.
/// </summary>
public sealed class CascadingBlock : Module
{
    /// <summary>Units in a cascade (blocks per cascading block, cascading blocks per network in CARN).</summary>
    public const int Depth = 3;

    private readonly EfficientResidualBlock _shared;
    private readonly ConvReluBlock[] _fusions;

    public CascadingBlock(int features, int groups)
    {
        _shared = Register("b1", new EfficientResidualBlock(features, groups));
        _fusions = FusionConvs(features).Select((f, i) => Register($"c{i + 1}", f)).ToArray();
    }

    /// <summary>The 1x1 fusions of a cascade of <see cref="Depth"/> units: (k+2)·n -> n for k = 0..2.</summary>
    public static ConvReluBlock[] FusionConvs(int features) =>
        Enumerable.Range(0, Depth).Select(k => new ConvReluBlock((k + 2) * features, features)).ToArray();

    public override Tensor Forward(Tensor x) => Cascade(x, [_shared, _shared, _shared], _fusions);

    /// <summary>
    /// The cascading connection shared by the block and the network level:
    /// c = x, o = x; for each unit k: c = cat[c, unit_k(o)], o = fuse_k(c); returns the last o.
    /// </summary>
    public static Tensor Cascade(Tensor x, IReadOnlyList<Module> units, IReadOnlyList<Module> fusions)
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
