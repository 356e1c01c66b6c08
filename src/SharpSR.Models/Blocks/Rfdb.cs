using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>Shape switches of <see cref="Rfdb"/>. Defaults give RFDN's block (= URNet's E-RFDB).</summary>
public sealed record RfdbOptions
{
    /// <summary>Channels of each distilled branch (c1_d..c3_d, c4); 0 means n/2, the released block.</summary>
    public int DistilledChannels { get; init; }

    /// <summary>Groups of the refinement convs c1_r, c2_r, c3_r (1 = RFDB; G-IDB uses more).</summary>
    public int RefineGroups { get; init; } = 1;

    /// <summary>Shuffle channels after each grouped refinement conv, so the next conv's groups mix (G-IDB switch).</summary>
    public bool ChannelShuffle { get; init; }

    /// <summary>Add the block input to the output (URNet's <c>add</c> flag; off in every released net).</summary>
    public bool Residual { get; init; }

    /// <summary>Negative slope of the LeakyReLUs.</summary>
    public float Slope { get; init; } = 0.05f;
}

/// <summary>
/// Residual feature distillation block (docs/networks/e-rfdn.md § RFDB), n features, dc distilled:
/// <code>
/// d1 = LReLU(c1_d 1x1 n->dc (x));   r1 = LReLU(c1_r 3x3 n->n (x) + x)
/// d2 = LReLU(c2_d(r1));             r2 = LReLU(c2_r(r1) + r1)
/// d3 = LReLU(c3_d(r2));             r3 = LReLU(c3_r(r2) + r2)
/// r4 = LReLU(c4 3x3 n->dc (r3));    y  = ESA(c5 1x1 4dc->n (cat[d1, d2, d3, r4]))   (+ x with Residual)
/// </code>
/// G-IDB (docs/networks/g-idrn.md) is this block with the c*_r convs grouped, optionally each followed by a
/// channel shuffle.
/// Keys c1_d, c1_r, c2_d, c2_r, c3_d, c3_r, c4, c5, esa.*.
/// </summary>
public sealed class Rfdb : Module
{
    /// <summary>Four stacked 3x3 convs (c1_r, c2_r, c3_r, c4) before the ESA.</summary>
    public const int ReceptiveFieldRadius = 4 + Esa.ReceptiveFieldRadius;

    private readonly Conv2d _c1d, _c1r, _c2d, _c2r, _c3d, _c3r, _c4, _c5;
    private readonly Esa _esa;
    private readonly RfdbOptions _options;

    public Rfdb(int features, RfdbOptions? options = null)
    {
        var o = _options = options ?? new RfdbOptions();
        int n = features, dc = o.DistilledChannels > 0 ? o.DistilledChannels : n / 2;
        if (n < 1 || dc < 1) throw new ArgumentException($"RFDB: {n} features with {dc} distilled channels; both must be positive.");
        if (o.RefineGroups < 1 || n % o.RefineGroups != 0)
            throw new ArgumentException($"RFDB: {n} features do not split into {o.RefineGroups} groups.");
        Features = n;
        DistilledChannels = dc;
        _c1d = Register("c1_d", new Conv2d(n, dc, 1));
        _c1r = Register("c1_r", new Conv2d(n, n, 3, groups: o.RefineGroups));
        _c2d = Register("c2_d", new Conv2d(n, dc, 1));
        _c2r = Register("c2_r", new Conv2d(n, n, 3, groups: o.RefineGroups));
        _c3d = Register("c3_d", new Conv2d(n, dc, 1));
        _c3r = Register("c3_r", new Conv2d(n, n, 3, groups: o.RefineGroups));
        _c4 = Register("c4", new Conv2d(n, dc, 3));
        _c5 = Register("c5", new Conv2d(4 * dc, n, 1));
        _esa = Register("esa", new Esa(n));
    }

    public int Features { get; }
    public int DistilledChannels { get; }
    public RfdbOptions Settings => _options;

    public override Tensor Forward(Tensor x)
    {
        float a = _options.Slope;
        Tensor d1 = Ops.LeakyRelu(_c1d.Forward(x), a);
        Tensor r1 = Ops.LeakyRelu(Refine(_c1r, x) + x, a);
        Tensor d2 = Ops.LeakyRelu(_c2d.Forward(r1), a);
        Tensor r2 = Ops.LeakyRelu(Refine(_c2r, r1) + r1, a);
        Tensor d3 = Ops.LeakyRelu(_c3d.Forward(r2), a);
        Tensor r3 = Ops.LeakyRelu(Refine(_c3r, r2) + r2, a);
        Tensor r4 = Ops.LeakyRelu(_c4.Forward(r3), a);
        Tensor y = _esa.Forward(_c5.Forward(Ops.Concat([d1, d2, d3, r4])));
        return _options.Residual ? y + x : y;
    }

    private Tensor Refine(Conv2d conv, Tensor x)
    {
        Tensor y = conv.Forward(x);
        return _options.ChannelShuffle && _options.RefineGroups > 1 ? Ops.ChannelShuffle(y, _options.RefineGroups) : y;
    }
}
