using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Models.Blocks;

namespace SharpSR.Models.Archs;

/// <summary>
/// Residual local feature block (RLFN, Kong et al., NTIRE 2022 efficient SR winner), n features, m inside:
/// <code>
/// r = LReLU(c3_r 3x3 m->n (LReLU(c2_r 3x3 m->m (LReLU(c1_r 3x3 n->m (x)))))) + x
/// y = ESA(c5 1x1 n->n (r))          # RLFN's ESA: f channels, conv3 alone on the pooled grid
/// </code>
/// LReLU slope 0.05. Keys c1_r, c2_r, c3_r, c5, esa.{conv1, conv_f, conv2, conv3, conv4}.
/// </summary>
public sealed class Rlfb : Module
{
    public const float Slope = 0.05f;

    /// <summary>Three stacked 3x3 convs before the ESA (a bound: RLFN's ESA reaches less than RFDN's).</summary>
    public const int ReceptiveFieldRadius = 3 + Esa.ReceptiveFieldRadius;

    private readonly Conv2d _c1r, _c2r, _c3r, _c5;
    private readonly Esa _esa;

    public Rlfb(int features, int midFeatures, int esaChannels)
    {
        if (features < 1 || midFeatures < 1 || esaChannels < 1)
            throw new ArgumentException($"RLFB: features {features}, mid {midFeatures} and ESA channels {esaChannels} must be positive.");
        _c1r = Register("c1_r", new Conv2d(features, midFeatures, 3));
        _c2r = Register("c2_r", new Conv2d(midFeatures, midFeatures, 3));
        _c3r = Register("c3_r", new Conv2d(midFeatures, features, 3));
        _c5 = Register("c5", new Conv2d(features, features, 1));
        _esa = Register("esa", new Esa(features, new EsaOptions { Channels = esaChannels, PooledConvChain = false }));
    }

    public override Tensor Forward(Tensor x)
    {
        Tensor r = Ops.LeakyRelu(_c1r.Forward(x), Slope);
        r = Ops.LeakyRelu(_c2r.Forward(r), Slope);
        r = Ops.LeakyRelu(_c3r.Forward(r), Slope) + x;
        return _esa.Forward(_c5.Forward(r));
    }
}
