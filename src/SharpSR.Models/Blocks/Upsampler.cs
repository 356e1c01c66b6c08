using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// EDSR's sub-pixel upsampler: x2/x4/x8 repeat [conv3x3 n->4n, PixelShuffle(2)], x3 is
/// [conv3x3 n->9n, PixelShuffle(3)]; no activation. Keys 0, 2, 4 (shuffles take the odd indices).
/// </summary>
public static class Upsampler
{
    public static Sequential Create(int scale, int features)
    {
        var layers = new List<Module>();
        if (scale == 3)
        {
            layers.Add(new Conv2d(features, 9 * features, 3));
            layers.Add(new Lambda(x => Ops.PixelShuffle(x, 3)));
        }
        else if (scale is 1 or 2 or 4 or 8)
        {
            for (int s = scale; s > 1; s /= 2)
            {
                layers.Add(new Conv2d(features, 4 * features, 3));
                layers.Add(new Lambda(x => Ops.PixelShuffle(x, 2)));
            }
        }
        else
        {
            throw new ArgumentException($"Upsampler: scale {scale} is not supported (2, 3, 4 or 8).");
        }
        return new Sequential(layers.ToArray());
    }

    /// <summary>
    /// One-step sub-pixel tail: conv3x3 n->3·s², PixelShuffle(s). Key 0 (E-RFDN, RLFN and SPAN's
    /// <c>upsampler</c>; the authors' pixelshuffle_block).
    /// </summary>
    public static Sequential SubPixel(int features, int scale)
    {
        if (scale < 1) throw new ArgumentException($"SubPixel: scale {scale} must be positive.");
        return new Sequential(new Conv2d(features, 3 * scale * scale, 3), new PixelShuffle(scale));
    }
}
