using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// CARN's upsampling head for one scale: x2/x4 repeat [grouped conv3x3 n->4n, ReLU, PixelShuffle(2)],
/// x3 is [grouped conv3x3 n->9n, ReLU, PixelShuffle(3)]. Keys body.0 (and body.3 at x4).
/// </summary>
public sealed class CarnScaleHead : Module
{
    private readonly Sequential _body;

    public CarnScaleHead(int features, int scale, int groups)
    {
        var layers = new List<Module>();
        (int stages, int factor) = scale switch
        {
            2 => (1, 2),
            3 => (1, 3),
            4 => (2, 2),
            _ => throw new ArgumentException($"CARN upsampler: scale {scale} is not supported (2, 3 or 4)."),
        };
        for (int i = 0; i < stages; i++)
        {
            layers.Add(new Conv2d(features, factor * factor * features, 3, groups: groups));
            layers.Add(new Relu());
            layers.Add(new PixelShuffle(factor));
        }
        _body = Register("body", new Sequential(layers.ToArray()));
        Scale = scale;
    }

    public int Scale { get; }

    public override Tensor Forward(Tensor x) => _body.Forward(x);
}

/// <summary>
/// CARN's upsample module. Multi-scale: heads up2, up3 and up4 are all registered (so the authors'
/// multi-scale file loads strictly) and the forward pass runs the one for <see cref="Scale"/>.
/// Single-scale: one head, key up.
/// </summary>
public sealed class CarnUpsampler : Module
{
    public static readonly IReadOnlyList<int> MultiScales = [2, 3, 4];

    private readonly CarnScaleHead _active;

    public CarnUpsampler(int features, int scale, int groups, bool multiScale)
    {
        if (!MultiScales.Contains(scale)) throw new ArgumentException($"CARN upsampler: scale {scale} is not supported (2, 3 or 4).");
        Scale = scale;
        if (multiScale)
        {
            CarnScaleHead? active = null;
            foreach (int s in MultiScales)
            {
                var head = Register($"up{s}", new CarnScaleHead(features, s, groups));
                if (s == scale) active = head;
            }
            _active = active!;
        }
        else
        {
            _active = Register("up", new CarnScaleHead(features, scale, groups));
        }
    }

    public int Scale { get; }

    /// <summary>The head the forward pass uses.</summary>
    public Module ActiveHead => _active;

    public override Tensor Forward(Tensor x) => _active.Forward(x);

    /// <summary>
    /// The scale and form of a CARN upsampler in a state dict: multi-scale (heads up2, up3, up4; the scale must be
    /// asked for) or one head whose shapes say x2 (4n outputs), x3 (9n) or x4 (two stages).
    /// </summary>
    public static (int Scale, bool MultiScale) ReadHeads(IReadOnlyDictionary<string, Tensor> t, int features, int? askedScale, string arch)
    {
        if (t.ContainsKey("upsample.up2.body.0.weight"))
        {
            int scale = askedScale ?? throw new InvalidDataException($"the {arch} checkpoint is multi-scale (heads x2, x3, x4): give the scale (--scale 2, 3 or 4) to pick the head");
            if (scale is not (2 or 3 or 4)) throw new InvalidDataException($"{arch} has heads for x2, x3 and x4, not x{scale}");
            return (scale, true);
        }
        var up = StateDictShapes.Need(t, "upsample.up.body.0.weight");
        int stored = t.ContainsKey("upsample.up.body.3.weight") ? 4 : up.Dim(0) == 9 * features ? 3 : 2;
        if (askedScale is { } s && s != stored) throw new InvalidDataException($"the checkpoint is a single-scale x{stored} {arch}, x{s} was asked for");
        return (stored, false);
    }
}
