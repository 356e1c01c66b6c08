using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// URNet's feature-distillation pyramid residual group (ARCHITECTURES.md §2.2): three blocks with dense
/// shortcuts weighted by six learnable scalars (initialised to 1):
/// <code>
/// r1 = m1(x) + w_m1·x
/// r2 = m2(r1) + w_m2·r1 + w0·x
/// r3 = m3(r2) + w_m3·r2
/// o  = r3 + w1·r1 + w2·x;   o = CFPB(o) (optional);   y = conv 3x3 (o) + x
/// </code>
/// Keys w0, w1, w2, w_m1, w_m2, w_m3, m1..m3, &lt;cfpb name&gt;, conv. The blocks are E-RFDBs by default;
/// a factory swaps in another block with the same channel count (e.g. a grouped G-IDB).
/// </summary>
public sealed class Fdprg : Module
{
    private readonly Parameter _w0, _w1, _w2, _wm1, _wm2, _wm3;
    private readonly Module _m1, _m2, _m3;
    private readonly Cfpb? _cfpb;
    private readonly Conv2d _conv;

    /// <param name="channels">Features in and out.</param>
    /// <param name="cfpbName">Registered name of the CFPB ("aspp" in URNet's x2/x4 files, "cfpb" in x3); null: no CFPB.</param>
    /// <param name="block">Builds each of the three blocks from the channel count; null: <see cref="Rfdb"/>.</param>
    public Fdprg(int channels, string? cfpbName = "aspp", Func<int, Module>? block = null)
    {
        block ??= c => new Rfdb(c);
        Channels = channels;
        _w0 = RegisterParameter("w0", OneScalar());
        _w1 = RegisterParameter("w1", OneScalar());
        _w2 = RegisterParameter("w2", OneScalar());
        _wm1 = RegisterParameter("w_m1", OneScalar());
        _wm2 = RegisterParameter("w_m2", OneScalar());
        _wm3 = RegisterParameter("w_m3", OneScalar());
        _m1 = Register("m1", block(channels));
        _m2 = Register("m2", block(channels));
        _m3 = Register("m3", block(channels));
        _cfpb = cfpbName is null ? null : Register(cfpbName, new Cfpb(channels));
        _conv = Register("conv", new Conv2d(channels, channels, 3));
        CfpbName = cfpbName;
    }

    public int Channels { get; }
    public string? CfpbName { get; }
    public IReadOnlyList<Module> Blocks => [_m1, _m2, _m3];

    private static Parameter OneScalar() => new(Tensor.Full(1f, 1));

    public override Tensor Forward(Tensor x)
    {
        Tensor r1 = _m1.Forward(x) + _wm1 * x;
        Tensor r2 = _m2.Forward(r1) + _wm2 * r1 + _w0 * x;
        Tensor r3 = _m3.Forward(r2) + _wm3 * r2;
        Tensor o = r3 + _w1 * r1 + _w2 * x;
        if (_cfpb is not null) o = _cfpb.Forward(o);
        return _conv.Forward(o) + x;
    }
}
