using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// The CARN family's network (Ahn, Kang, Sohn, ECCV 2018; docs/networks/carn-m.md): an entry conv, three
/// cascading blocks joined by a network-level cascade of 1x1 fusion convs, a sub-pixel head (every scale's in
/// the multi-scale form) and an exit conv, all in [0,1] RGB with a mean shift; no global residual. Its members
/// differ in the cascading block (keys b1..b3) and the groups of the heads. Module names are the authors'
/// state-dict keys.
/// </summary>
public abstract class CascadingNetwork : SrNetwork
{
    private readonly CarnMeanShift _subMean, _addMean;
    private readonly Conv2d _entry, _exit;
    private readonly Module[] _blocks;
    private readonly ConvReluBlock[] _fusions;
    private readonly CarnUpsampler _upsample;
    private readonly string _displayName;

    /// <param name="block">One cascading block of <paramref name="features"/> channels.</param>
    protected CascadingNetwork(string displayName, int features, int scale, int headGroups, bool multiScale, Func<Module> block)
    {
        if (scale is not (2 or 3 or 4)) throw new ArgumentException($"{displayName}: scale {scale} is not supported (2, 3 or 4).");
        _displayName = displayName;
        _subMean = Register("sub_mean", new CarnMeanShift(-1));
        _addMean = Register("add_mean", new CarnMeanShift(+1));
        _entry = Register("entry", new Conv2d(3, features, 3));
        _blocks = Enumerable.Range(1, Cascade.Depth).Select(i => Register($"b{i}", block())).ToArray();
        _fusions = Cascade.FusionConvs(features).Select((f, i) => Register($"c{i + 1}", f)).ToArray();
        _upsample = Register("upsample", new CarnUpsampler(features, scale, headGroups, multiScale));
        _exit = Register("exit", new Conv2d(features, 3, 3));
    }

    /// <summary>LR radius of one cascading block.</summary>
    protected abstract int BlockReceptiveFieldRadius { get; }

    /// <summary>
    /// LR radius each output pixel sees: entry 1 + the three cascading blocks + the head's first conv 1, all
    /// at LR; then the convs after a pixel shuffle reach a fraction of an LR pixel (x2: exit 1/2; x3: 1/3;
    /// x4: 1/2 + 1/4), which rounds up to 1.
    /// </summary>
    public override int ReceptiveFieldRadius => 1 + Cascade.Depth * BlockReceptiveFieldRadius + 1 + 1;

    /// <summary>Parameters the forward pass at <see cref="SrNetwork.Scale"/> uses (the unused heads left out).</summary>
    public long ActivePathParameterCount() =>
        ParameterCount() - _upsample.ParameterCount() + _upsample.ActiveHead.ParameterCount();

    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, _displayName);
        Tensor x = _entry.Forward(_subMean.Forward(Ops.MulScalar(input, 1f / 255f)));
        Tensor o = Cascade.Run(x, _blocks, _fusions);
        Tensor y = _addMean.Forward(_exit.Forward(_upsample.Forward(o)));
        return Ops.MulScalar(y, 255f);
    }
}
