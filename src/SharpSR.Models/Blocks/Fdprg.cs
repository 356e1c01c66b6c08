using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>How a residual group joins its blocks (G-IDRN's dense-shortcut ablation switches).</summary>
public enum DenseShortcuts
{
    /// <summary>FDPRG's six shortcuts, each scaled by a learnable scalar (initialised to 1).</summary>
    Learnable,
    /// <summary>The same six shortcuts with every scale fixed at 1 (no parameters).</summary>
    Fixed,
    /// <summary>A plain chain of blocks; only the group residual remains.</summary>
    Off,
}

/// <summary>
/// URNet's feature-distillation pyramid residual group (docs/networks/urnet.md § FDPRG), G-IDRN's G-IDRG (docs/networks/g-idrn.md):
/// three blocks with dense shortcuts weighted by six learnable scalars (initialised to 1):
/// <code>
/// r1 = m1(x) + w_m1·x
/// r2 = m2(r1) + w_m2·r1 + w0·x
/// r3 = m3(r2) + w_m3·r2
/// o  = r3 + w1·r1 + w2·x;   o = CFPB(o) (optional);   y = conv 3x3 (o) + x
/// </code>
/// With shortcuts off the group is o = m_B(…m1(x)), any number of blocks B. Keys w0, w1, w2, w_m1, w_m2,
/// w_m3, m1..mB, &lt;cfpb name&gt;, conv. The blocks are E-RFDBs by default; a factory swaps in another
/// block with the same channel count (e.g. a grouped G-IDB).
/// </summary>
public sealed class Fdprg : Module
{
    /// <summary>Blocks the six-shortcut pattern is written for.</summary>
    public const int DenseBlocks = 3;

    private readonly Parameter? _w0, _w1, _w2, _wm1, _wm2, _wm3;
    private readonly Module[] _blocks;
    private readonly Cfpb? _cfpb;
    private readonly Conv2d _conv;

    /// <param name="channels">Features in and out.</param>
    /// <param name="cfpbName">Registered name of the CFPB ("aspp" in URNet's x2/x4 files, "cfpb" in x3); null: no CFPB.</param>
    /// <param name="block">Builds each block from the channel count; null: <see cref="Rfdb"/>.</param>
    /// <param name="blocks">B; the dense pattern needs exactly three.</param>
    public Fdprg(int channels, string? cfpbName = "aspp", Func<int, Module>? block = null,
                 int blocks = DenseBlocks, DenseShortcuts shortcuts = DenseShortcuts.Learnable)
    {
        if (blocks < 1) throw new ArgumentException($"residual group: {blocks} blocks; at least one.");
        if (shortcuts != DenseShortcuts.Off && blocks != DenseBlocks)
            throw new ArgumentException($"residual group: dense shortcuts are defined for {DenseBlocks} blocks (FDPRG's six-weight pattern), not {blocks}; turn them off or use {DenseBlocks} blocks.");
        block ??= c => new Rfdb(c);
        Channels = channels;
        Shortcuts = shortcuts;
        if (shortcuts == DenseShortcuts.Learnable)
        {
            _w0 = RegisterParameter("w0", OneScalar());
            _w1 = RegisterParameter("w1", OneScalar());
            _w2 = RegisterParameter("w2", OneScalar());
            _wm1 = RegisterParameter("w_m1", OneScalar());
            _wm2 = RegisterParameter("w_m2", OneScalar());
            _wm3 = RegisterParameter("w_m3", OneScalar());
        }
        _blocks = [.. Enumerable.Range(1, blocks).Select(i => Register($"m{i}", block(channels)))];
        _cfpb = cfpbName is null ? null : Register(cfpbName, new Cfpb(channels));
        _conv = Register("conv", new Conv2d(channels, channels, 3));
        CfpbName = cfpbName;
    }

    public int Channels { get; }
    public DenseShortcuts Shortcuts { get; }
    public string? CfpbName { get; }
    public IReadOnlyList<Module> Blocks => _blocks;

    /// <summary>Context per side beyond the blocks': the CFPB's dilated convs and the closing 3x3.</summary>
    public int OwnReceptiveFieldRadius => (_cfpb?.ReceptiveFieldRadius ?? 0) + 1;

    private static Parameter OneScalar() => new(Tensor.Full(1f, 1));

    public override Tensor Forward(Tensor x)
    {
        Tensor o;
        if (Shortcuts == DenseShortcuts.Off)
        {
            o = x;
            foreach (var m in _blocks) o = m.Forward(o);
        }
        else
        {
            Tensor r1 = _blocks[0].Forward(x) + Scaled(_wm1, x);
            Tensor r2 = _blocks[1].Forward(r1) + Scaled(_wm2, r1) + Scaled(_w0, x);
            Tensor r3 = _blocks[2].Forward(r2) + Scaled(_wm3, r2);
            o = r3 + Scaled(_w1, r1) + Scaled(_w2, x);
        }
        if (_cfpb is not null) o = _cfpb.Forward(o);
        return _conv.Forward(o) + x;
    }

    /// <summary>w·t with a learnable scale, t itself when the scales are fixed at 1.</summary>
    private static Tensor Scaled(Parameter? w, Tensor t) => w is null ? t : w * t;
}
