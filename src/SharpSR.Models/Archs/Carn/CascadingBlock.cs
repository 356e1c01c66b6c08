using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>
/// CARN's cascading block: three residual units b1, b2, b3, each ReLU(x + conv3x3(ReLU(conv3x3(x)))) (keys
/// body.0 / body.2), cascaded by the 1x1 fusions c1: 2n->n, c2: 3n->n, c3: 4n->n.
/// </summary>
public sealed class CascadingBlock : Module
{
    /// <summary>Two 3x3 convs per unit, <see cref="Cascade.Depth"/> units in a row: 6 LR pixels.</summary>
    public const int ReceptiveFieldRadius = Cascade.Depth * 2;

    private readonly Module[] _units;
    private readonly ConvReluBlock[] _fusions;

    public CascadingBlock(int features)
    {
        _units = Enumerable.Range(1, Cascade.Depth).Select(i =>
        {
            // EDSR's residual block (one fused op) with the ReLU CARN puts after the sum.
            var block = Register($"b{i}", new ResidualBlock(features));
            return (Module)new Lambda(x => Ops.Relu(block.Forward(x)));
        }).ToArray();
        _fusions = Cascade.FusionConvs(features).Select((f, i) => Register($"c{i + 1}", f)).ToArray();
    }

    public override Tensor Forward(Tensor x) => Cascade.Run(x, _units, _fusions);
}
