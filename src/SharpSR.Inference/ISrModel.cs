using SharpSR.Core;
using SharpSR.Imaging;
using SharpSR.Imaging.Resize;
using SharpSR.Models;

namespace SharpSR.Inference;

/// <summary>
/// Anything that upscales an image by a fixed factor: a network, or the bicubic baseline. Results keep the input's
/// bit depth (16-bit in, 16-bit out) and its metadata (ICC profile, EXIF).
/// </summary>
public interface ISrModel
{
    string Name { get; }
    int Scale { get; }

    /// <summary>The network behind the model, if any (null for bicubic).</summary>
    SrNetwork? Network { get; }

    RgbImage Upscale(RgbImage lr, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default);

    /// <summary>
    /// Upscales by <see cref="Scale"/>, then resizes to <paramref name="width"/> × <paramref name="height"/> with
    /// MATLAB bicubic before rounding (for sizes that are not a native factor; see <see cref="OutputSize"/>).
    /// </summary>
    RgbImage UpscaleTo(RgbImage lr, int width, int height, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default);
}

/// <summary>MATLAB imresize bicubic upscaling: the papers' "Bicubic" row (8-bit images exactly as MATLAB on uint8).</summary>
public sealed class BicubicModel(int scale) : ISrModel
{
    public string Name => "bicubic";
    public int Scale { get; } = scale;
    public SrNetwork? Network => null;

    public RgbImage Upscale(RgbImage lr, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(lr);
        var hr = lr.BitDepth == 8
            ? MatlabBicubic.Upscale(lr, Scale)
            : ImageTensor.FromPlanes(MatlabBicubic.Upscale(ImageTensor.Planes(lr), Scale), 16);
        hr.Metadata = lr.Metadata;
        progress?.Report(new UpscaleProgress(1, 1));
        return hr;
    }

    /// <summary>One float resize from the input straight to the requested size, rounded once.</summary>
    public RgbImage UpscaleTo(RgbImage lr, int width, int height, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(lr);
        var hr = ImageTensor.FromPlanes(MatlabBicubic.Resize(ImageTensor.Planes(lr), height, width), lr.BitDepth);
        hr.Metadata = lr.Metadata;
        progress?.Report(new UpscaleProgress(1, 1));
        return hr;
    }
}

/// <summary>
/// A network applied to images: grey becomes three equal channels; an alpha channel is upscaled by the network
/// too, as a grey image (skipped when the image is fully opaque); the output is clamped to 0..255 and rounded
/// half to even (PyTorch's round()), or to 16 bits for a 16-bit input.
/// </summary>
public sealed class NetworkModel(string name, SrNetwork net, int tile = 0, bool ensemble = false) : ISrModel
{
    private Upscaler? _upscalerOnce;
    private Upscaler _upscaler => _upscalerOnce ??= new(net) { PlanOptions = PlanOptions };

    /// <summary>How the network's plan computes its 3x3 convolutions (default: fp32 direct).</summary>
    public SharpSR.Core.Lowering.PlanOptions? PlanOptions { get; init; }

    public string Name { get; } = name;
    public int Scale => net.Scale;
    public SrNetwork? Network => net;
    public int Tile { get; init; } = tile;
    public bool Ensemble { get; init; } = ensemble;

    /// <summary>
    /// Grey in, grey out: a grey (or grey + alpha) input gives the full-range luma of the network's RGB output.
    /// Off by default, as the papers' evaluation scores a grey image from the RGB output itself.
    /// </summary>
    public bool KeepGrey { get; init; }

    public RgbImage Upscale(RgbImage lr, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default) =>
        Run(lr, null, progress, cancel);

    public RgbImage UpscaleTo(RgbImage lr, int width, int height, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default) =>
        Run(lr, (width, height), progress, cancel);

    private RgbImage Run(RgbImage lr, (int Width, int Height)? size, IProgress<UpscaleProgress>? progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(lr);
        bool alphaPass = lr.HasAlpha && !IsOpaque(lr);
        var passes = new PassProgress(progress, alphaPass ? 2 : 1);
        bool grey = KeepGrey && lr.IsGrey;
        int colors = grey ? 1 : 3;
        var (w, h) = size ?? (lr.Width * Scale, lr.Height * Scale);
        var canvas = new ImageCanvas(w, h, colors + (lr.HasAlpha ? 1 : 0), lr.BitDepth);
        RunPass(ImageTensor.ToTensor(lr), grey, size, passes.Pass(0), cancel,
            (y, r) => canvas.Write(y, r.SourceY, r.SourceX, r.Y, r.X, r.Height, r.Width));
        if (alphaPass)
            RunPass(Replicate(ImageTensor.AlphaToTensor(lr)!), true, size, passes.Pass(1), cancel,
                (y, r) => canvas.Write(y, r.SourceY, r.SourceX, r.Y, r.X, r.Height, r.Width, colors));
        else if (lr.HasAlpha)
            canvas.Fill(colors, 255f);   // a fully opaque alpha costs nothing: it stays opaque at the new size
        var hr = canvas.ToImage();
        hr.Metadata = lr.Metadata;
        return hr;
    }

    /// <summary>
    /// One network pass over <paramref name="x"/> (as luma when <paramref name="luma"/>), its output handed to
    /// <paramref name="write"/>. At the native size without the ensemble it goes tile by tile, each rounded straight
    /// into the result's pixels, so no full-size float image exists (a 3000x2000 photo at x4 would need 1.15 GB for
    /// it, against 288 MB of 8-bit pixels); the ensemble and other sizes need the whole float output first.
    /// </summary>
    private void RunPass(Tensor x, bool luma, (int Width, int Height)? size, IProgress<UpscaleProgress>? progress, CancellationToken cancel,
                         Action<Tensor, TileRegion> write)
    {
        if (size is null && !Ensemble)
        {
            _upscaler.UpscaleInto(x, Tile, (y, r) => write(luma ? Luma(y) : y, r), progress, cancel);
            return;
        }
        var whole = _upscaler.Upscale(x, Tile, Ensemble, progress, cancel);
        if (luma) whole = Luma(whole);
        if (size is var (w, h)) whole = MatlabBicubic.Resize(whole, h, w);
        write(whole, new TileRegion(0, 0, 0, 0, whole.H, whole.W));
    }

    private static bool IsOpaque(RgbImage image)
    {
        int c = image.Channels;
        if (image.Samples16 is { } deep)
        {
            for (int i = c - 1; i < deep.Length; i += c) if (deep[i] != ushort.MaxValue) return false;
            return true;
        }
        var p = image.Pixels;
        for (int i = c - 1; i < p.Length; i += c) if (p[i] != 255) return false;
        return true;
    }

    /// <summary>A [1, 1, H, W] plane as the three equal channels a network expects.</summary>
    private static Tensor Replicate(Tensor plane)
    {
        int n = plane.H * plane.W;
        var t = Tensor.Empty(1, 3, plane.H, plane.W);
        for (int k = 0; k < 3; k++) plane.Data.AsSpan(0, n).CopyTo(t.Data.AsSpan(k * n, n));
        return t;
    }

    /// <summary>Full-range BT.601 luma of [1, 3, H, W] as [1, 1, H, W] (grey images' three channels barely differ after a network).</summary>
    private static Tensor Luma(Tensor rgb)
    {
        int n = rgb.H * rgb.W;
        var y = Tensor.Empty(1, 1, rgb.H, rgb.W);
        var d = rgb.Data;
        for (int i = 0; i < n; i++) y.Data[i] = 0.299f * d[i] + 0.587f * d[n + i] + 0.114f * d[2 * n + i];
        return y;
    }

    /// <summary>Progress of several passes over one image reported as one run of all their steps.</summary>
    private sealed class PassProgress(IProgress<UpscaleProgress>? sink, int passes)
    {
        public IProgress<UpscaleProgress>? Pass(int index) => sink is null ? null : new Offset(sink, index, passes);

        // Reports synchronously (Progress<T> would post to a thread pool and reorder the steps).
        private sealed class Offset(IProgress<UpscaleProgress> sink, int index, int passes) : IProgress<UpscaleProgress>
        {
            public void Report(UpscaleProgress p) => sink.Report(new UpscaleProgress(index * p.Total + p.Done, passes * p.Total));
        }
    }
}
