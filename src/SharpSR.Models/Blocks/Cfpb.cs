using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// URNet's cascading feature pyramid block (docs/networks/urnet.md § CFPB), c channels, no activations:
/// <code>
/// a3  = convs.0 1x1 2c->c (cat[atrous_block3 (3x3, dilation 3)(x), x])
/// a6  = convs.1 1x1 2c->c (cat[atrous_block6 (3x3, dilation 6)(a3), a3])
/// out = fuse_conv 1x1 3c->c (cat[x, a3, a6])
/// </code>
/// Keys atrous_block3, atrous_block6, convs.{0,1}, fuse_conv (the two dilations are options; the names stay).
/// </summary>
public sealed class Cfpb : Module
{
    private readonly Conv2d _atrous1, _atrous2, _fuse;
    private readonly Sequential _convs;

    public Cfpb(int channels, int dilation1 = 3, int dilation2 = 6)
    {
        if (dilation1 < 1 || dilation2 < 1) throw new ArgumentException($"CFPB: dilations {dilation1}, {dilation2} must be positive.");
        Dilations = (dilation1, dilation2);
        _atrous1 = Register("atrous_block3", new Conv2d(channels, channels, 3, dilation: dilation1));
        _atrous2 = Register("atrous_block6", new Conv2d(channels, channels, 3, dilation: dilation2));
        // nn.ModuleList in the authors' code: a Sequential only holds the two convs under keys 0 and 1;
        // they are applied one at a time below, never in sequence.
        _convs = Register("convs", new Sequential(new Conv2d(2 * channels, channels, 1), new Conv2d(2 * channels, channels, 1)));
        _fuse = Register("fuse_conv", new Conv2d(3 * channels, channels, 1));
    }

    public (int First, int Second) Dilations { get; }

    /// <summary>Context per side: the two dilated 3x3 convs in sequence.</summary>
    public int ReceptiveFieldRadius => Dilations.First + Dilations.Second;

    public override Tensor Forward(Tensor x)
    {
        Tensor a3 = _convs.Layers[0].Forward(Ops.Concat([_atrous1.Forward(x), x]));
        Tensor a6 = _convs.Layers[1].Forward(Ops.Concat([_atrous2.Forward(a3), a3]));
        return _fuse.Forward(Ops.Concat([x, a3, a6]));
    }
}
