using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models.Blocks;

/// <summary>
/// Asymmetric convolution block (URNet's head, docs/networks/urnet.md § ACBlock): a k×k, a k×1 and a 1×k conv, all
/// bias-free with "same" zero padding, summed. Keys square_conv, ver_conv, hor_conv.
/// </summary>
public sealed class AcBlock : Module
{
    private readonly Conv2d _square, _ver, _hor;

    public AcBlock(int inChannels, int outChannels, int kernel = 3)
    {
        if (kernel < 1 || kernel % 2 == 0) throw new ArgumentException($"ACBlock: kernel {kernel} must be odd and positive.");
        int p = kernel / 2;
        Kernel = kernel;
        _square = Register("square_conv", new Conv2d(inChannels, outChannels, kernel, bias: false));
        _ver = Register("ver_conv", new Conv2d(inChannels, outChannels, (kernel, 1), (1, 1), (p, 0), (1, 1), bias: false));
        _hor = Register("hor_conv", new Conv2d(inChannels, outChannels, (1, kernel), (1, 1), (0, p), (1, 1), bias: false));
    }

    public int Kernel { get; }

    public override Tensor Forward(Tensor x) => _square.Forward(x) + _ver.Forward(x) + _hor.Forward(x);

    /// <summary>
    /// The single k×k conv this block equals (convolution is linear): the k×1 kernel added into the centre
    /// column and the 1×k kernel into the centre row of a copy of the square kernel.
    /// </summary>
    public Conv2d Fuse()
    {
        int k = Kernel, c = k / 2, cout = _square.OutChannels, cin = _square.InChannels;
        var fused = new Conv2d(cin, cout, k, bias: false);
        float[] w = fused.Weight.Data, sq = _square.Weight.Data, ver = _ver.Weight.Data, hor = _hor.Weight.Data;
        sq.AsSpan().CopyTo(w);
        for (int plane = 0; plane < cout * cin; plane++)
        {
            for (int i = 0; i < k; i++)
            {
                w[plane * k * k + i * k + c] += ver[plane * k + i];   // ver: [cout, cin, k, 1]
                w[plane * k * k + c * k + i] += hor[plane * k + i];   // hor: [cout, cin, 1, k]
            }
        }
        return fused;
    }
}
