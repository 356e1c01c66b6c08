using SharpSR.Imaging;
using SharpSR.Imaging.Resize;
using SharpSR.Models;

namespace SharpSR.Inference;

/// <summary>Anything that upscales an 8-bit image by a fixed factor: a network, or the bicubic baseline.</summary>
public interface ISrModel
{
    string Name { get; }
    int Scale { get; }

    /// <summary>The network behind the model, if any (null for bicubic).</summary>
    SrNetwork? Network { get; }

    RgbImage Upscale(RgbImage lr, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default);
}

/// <summary>MATLAB imresize bicubic upscaling on 8-bit images: the papers' "Bicubic" row.</summary>
public sealed class BicubicModel(int scale) : ISrModel
{
    public string Name => "bicubic";
    public int Scale { get; } = scale;
    public SrNetwork? Network => null;

    public RgbImage Upscale(RgbImage lr, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default)
    {
        var hr = MatlabBicubic.Upscale(lr, Scale);
        progress?.Report(new UpscaleProgress(1, 1));
        return hr;
    }
}

/// <summary>
/// A network applied to 8-bit images: grey becomes three equal channels, alpha is upscaled bicubically
/// and re-attached, and the output is clamped to 0..255 and rounded half to even (PyTorch's round()).
/// </summary>
public sealed class NetworkModel(string name, SrNetwork net, int tile = 0, bool ensemble = false) : ISrModel
{
    private readonly Upscaler _upscaler = new(net);

    public string Name { get; } = name;
    public int Scale => net.Scale;
    public SrNetwork? Network => net;
    public int Tile { get; init; } = tile;
    public bool Ensemble { get; init; } = ensemble;

    public RgbImage Upscale(RgbImage lr, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default)
    {
        var x = ImageTensor.ToTensor(lr);
        var y = _upscaler.Upscale(x, Tile, Ensemble, progress, cancel);
        var alpha = ImageTensor.AlphaToTensor(lr);
        return ImageTensor.ToImage(y, alpha is null ? null : MatlabBicubic.Upscale(alpha, Scale));
    }
}
