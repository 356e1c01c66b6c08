using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

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
/// (keys c1: 2n->n, c2: 3n->n, c3: 4n->n).
/// </summary>
public sealed class EfficientCascadingBlock : Module
{
    /// <summary>Two 3x3 convs per pass (the 1x1 adds none), <see cref="Cascade.Depth"/> passes: 6 LR pixels.</summary>
    public const int ReceptiveFieldRadius = Cascade.Depth * 2;

    private readonly EfficientResidualBlock _shared;
    private readonly ConvReluBlock[] _fusions;

    public EfficientCascadingBlock(int features, int groups)
    {
        _shared = Register("b1", new EfficientResidualBlock(features, groups));
        _fusions = Cascade.FusionConvs(features).Select((f, i) => Register($"c{i + 1}", f)).ToArray();
    }

    public override Tensor Forward(Tensor x) => Cascade.Run(x, [_shared, _shared, _shared], _fusions);
}
