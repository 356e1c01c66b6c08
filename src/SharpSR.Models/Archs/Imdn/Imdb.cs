using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Archs;

/// <summary>
/// IMDN's information multi-distillation block (docs/networks/imdn.md § Graph). With n features and d = n/4
/// distilled channels, r = n - d:
/// <code>
/// o1 = LReLU(c1 3x3 n->n (x)) -> [d1 | r1];  o2 = LReLU(c2 3x3 r->n (r1)) -> [d2 | r2]
/// o3 = LReLU(c3 3x3 r->n (r2)) -> [d3 | r3]; o4 = c4 3x3 r->d (r3)
/// y  = c5 1x1 4d->n (CCA(cat[d1, d2, d3, o4])) + x
/// </code>
/// Keys c1..c5 and cca.conv_du.{0,2}; LReLU slope 0.05.
/// </summary>
public sealed class Imdb : Module
{
    public const float Slope = 0.05f;

    private readonly Conv2d _c1, _c2, _c3, _c4, _c5;
    private readonly ContrastChannelAttention _cca;
    private readonly int[] _split;

    public Imdb(int features, int distilled = -1)
    {
        int d = distilled < 0 ? features / 4 : distilled;
        int r = features - d;
        if (d < 1 || r < 1) throw new ArgumentException($"Imdb: {features} features cannot be split into {d} distilled channels and a remainder.");
        Distilled = d;
        _split = [d, r];
        _c1 = Register("c1", new Conv2d(features, features, 3));
        _c2 = Register("c2", new Conv2d(r, features, 3));
        _c3 = Register("c3", new Conv2d(r, features, 3));
        _c4 = Register("c4", new Conv2d(r, d, 3));
        _c5 = Register("c5", new Conv2d(4 * d, features, 1));
        _cca = Register("cca", new ContrastChannelAttention(4 * d));
    }

    /// <summary>Channels kept at each distillation step (n/4 in the paper).</summary>
    public int Distilled { get; }

    public override Tensor Forward(Tensor x)
    {
        var s1 = Ops.Split(Ops.LeakyRelu(_c1.Forward(x), Slope), _split);
        var s2 = Ops.Split(Ops.LeakyRelu(_c2.Forward(s1[1]), Slope), _split);
        var s3 = Ops.Split(Ops.LeakyRelu(_c3.Forward(s2[1]), Slope), _split);
        Tensor o4 = _c4.Forward(s3[1]);
        Tensor fused = _cca.Forward(Ops.Concat([s1[0], s2[0], s3[0], o4]));
        return _c5.Forward(fused) + x;
    }
}
