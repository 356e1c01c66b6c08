using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>Variants of <see cref="Esa"/>. Defaults give RFDN's ESA.</summary>
public sealed record EsaOptions
{
    /// <summary>Channels f of the attention branch; 0 means n/4 (RFDN). RLFN fixes 16.</summary>
    public int Channels { get; init; }

    /// <summary>
    /// RFDN's three convs on the pooled grid (conv_max, conv3, conv3_ with ReLUs between). RLFN drops
    /// conv_max and conv3_ and keeps conv3 alone, without ReLU.
    /// </summary>
    public bool PooledConvChain { get; init; } = true;
}

/// <summary>
/// Enhanced spatial attention (RFDN's ESA, docs/networks/e-rfdn.md § ESA), f = n/4 channels inside:
/// <code>
/// c1 = conv1 1x1 n->f (x)
/// m  = maxpool 7x7 stride 3 (conv2 3x3 stride 2 pad 0 (c1))
/// m  = conv3_(ReLU(conv3(ReLU(conv_max(m)))))           # 3x3 pad 1 each
/// w  = sigmoid(conv4 1x1 f->n (bilinear_HxW(m) + conv_f 1x1 (c1)))
/// y  = x · w
/// </code>
/// Keys conv1, conv_f, conv_max, conv2, conv3, conv3_, conv4. With <see cref="EsaOptions.PooledConvChain"/>
/// off (RLFN) the pooled grid goes through conv3 alone: keys conv1, conv_f, conv2, conv3, conv4.
/// The strided conv and the pool need H, W ≥ <see cref="MinInputSize"/>.
/// </summary>
public sealed class Esa : Module
{
    /// <summary>Smallest side: conv2 must leave ≥ 7 pixels for the 7x7 pool, (15 - 3) / 2 + 1 = 7.</summary>
    public const int MinInputSize = 15;

    /// <summary>
    /// LR pixels of context per side, a bound: the pooled grid has stride 6, its three 3x3 convs reach
    /// ±3 cells, a pool window spans 15 pixels and the bilinear resize reads the next cell; the resize ratio
    /// (pooled size / H, a little under 1/6) shifts the sampled cell by at most another ~9 pixels across a tile.
    /// </summary>
    public const int ReceptiveFieldRadius = 56;

    private readonly Conv2d _conv1, _convF, _conv2, _conv3, _conv4;
    private readonly Conv2d? _convMax, _conv3b;

    public Esa(int features, EsaOptions? options = null)
    {
        var o = options ?? new EsaOptions();
        int f = o.Channels > 0 ? o.Channels : features / 4;
        if (f < 1) throw new ArgumentException($"ESA: {features} features leave no channel for the attention branch (needs ≥ 4).");
        Features = features;
        _conv1 = Register("conv1", new Conv2d(features, f, 1));
        _convF = Register("conv_f", new Conv2d(f, f, 1));
        if (o.PooledConvChain) _convMax = Register("conv_max", new Conv2d(f, f, 3));
        _conv2 = Register("conv2", new Conv2d(f, f, 3, stride: 2, padding: 0));
        _conv3 = Register("conv3", new Conv2d(f, f, 3));
        if (o.PooledConvChain) _conv3b = Register("conv3_", new Conv2d(f, f, 3));
        _conv4 = Register("conv4", new Conv2d(f, features, 1));
    }

    public int Features { get; }

    public override Tensor Forward(Tensor x)
    {
        if (x.H < MinInputSize || x.W < MinInputSize)
            throw new ArgumentException($"ESA: input {Shapes.Format(x.Shape)} is smaller than {MinInputSize}x{MinInputSize} (strided conv + 7x7 pool).");
        Tensor c1 = _conv1.Forward(x);
        Tensor m = Ops.MaxPool2d(_conv2.Forward(c1), 7, 3);
        if (_convMax is not null && _conv3b is not null)
        {
            m = Ops.Relu(_convMax.Forward(m));
            m = Ops.Relu(_conv3.Forward(m));
            m = _conv3b.Forward(m);
        }
        else
        {
            m = _conv3.Forward(m);
        }
        m = Ops.ResizeBilinear(m, x.H, x.W);
        Tensor w = Ops.Sigmoid(_conv4.Forward(m + _convF.Forward(c1)));
        return x * w;
    }
}
