using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Memory;
using SharpSR.Models;

namespace SharpSR.Inference;

/// <summary>Progress of one upscale: tiles done out of the total (ensemble passes count separately).</summary>
public readonly record struct UpscaleProgress(int Done, int Total);

/// <summary>
/// Where one tile's kept output goes: rows and columns [SourceY, SourceY + Height) × [SourceX, SourceX + Width) of
/// the network's output window are the HR image's [Y, Y + Height) × [X, X + Width).
/// </summary>
public readonly record struct TileRegion(int SourceY, int SourceX, int Y, int X, int Height, int Width);

/// <summary>
/// Runs a network over an image of any size in tiles. Each tile is cut with a margin of the network's
/// receptive-field radius on every side, so the kept centre sees exactly the context it would see in
/// one pass: tiled output equals untiled output up to float rounding, while memory stays bounded by
/// the tile size. Optionally the paper's x8 self-ensemble: the mean over the 8 flips/rotations.
/// </summary>
public sealed class Upscaler(SrNetwork net)
{
    public SrNetwork Network { get; } = net;

    /// <summary>LR pixels of overlap around each tile; the network's <see cref="SrNetwork.TileMargin"/> unless set.</summary>
    public int? Margin { get; init; }

    /// <summary>How the network's plan computes its 3x3 convolutions (default: fp32 direct, the exact path).</summary>
    public SharpSR.Core.Lowering.PlanOptions? PlanOptions { get; init; }

    // Networks that hand their dead intermediates back run each pass in an arena: every window has the
    // same size, so after the first the pass allocates nothing and reuses warm buffers. The arena keeps
    // the buffers of one input size only (it is trimmed when the pixel count changes), and a concurrent caller
    // gets an arena of its own.
    private TensorArena? _arena;
    private long _arenaPixels;   // buffers are keyed by length: a transposed input (ensemble) reuses them

    /// <param name="lr">[1,3,H,W] RGB in 0..255.</param>
    /// <param name="tile">LR tile side (kept centre) or 0 for one pass over the whole image.</param>
    public Tensor Upscale(Tensor lr, int tile = 0, bool ensemble = false, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default)
    {
        Check(lr, tile);
        int oh = lr.H * Network.Scale, ow = lr.W * Network.Scale;
        var output = ensemble ? Tensor.Zeros(1, 3, oh, ow) : Tensor.Empty(1, 3, oh, ow);   // the ensemble sums into it
        Run(lr, tile, ensemble ? 8 : 1, progress, (pass, report) =>
        {
            if (ensemble) Ensemble(lr, tile, report, pass, cancel, output);
            else Tiled(lr, tile, report, pass, cancel, (y, region) => Paste(y, output, region));
        });
        return output;
    }

    /// <summary>
    /// Upscales tile by tile, handing each tile's kept output to <paramref name="write"/> instead of gathering a
    /// full-size float image: a caller that stores the result as 8-bit pixels (a photo) needs a quarter of the
    /// memory. The tensor passed to <paramref name="write"/> is only valid during the call.
    /// </summary>
    public void UpscaleInto(Tensor lr, int tile, Action<Tensor, TileRegion> write, IProgress<UpscaleProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        Check(lr, tile);
        Run(lr, tile, 1, progress, (pass, report) => Tiled(lr, tile, report, pass, cancel, write));
    }

    private void Check(Tensor lr, int tile)
    {
        Shapes.RequireNchw(lr, "Upscale");
        if (lr.N != 1 || lr.C != 3) throw new ArgumentException($"Upscale: expected one RGB image [1,3,H,W], got {Shapes.Format(lr.Shape)}.");
        if (tile < 0) throw new ArgumentException($"Upscale: tile size {tile} must be positive (or 0 for no tiling).");
        int min = Network.MinInputSize;
        if (lr.H < min || lr.W < min)
            throw new ArgumentException($"Upscale: the image is {lr.W}x{lr.H}, smaller than the {min}x{min} this network needs.");
        if (tile > 0 && tile < min)
            throw new ArgumentException($"Upscale: tile {tile} is smaller than the {min} pixels this network needs.");
    }

    /// <summary>Runs <paramref name="body"/> with this call's way of running passes, then keeps the plan or arena for the next call.</summary>
    private void Run(Tensor lr, int tile, int modes, IProgress<UpscaleProgress>? progress, Action<Pass, Progress> body)
    {
        int tilesPerPass = tile == 0 ? 1 : ((lr.H + tile - 1) / tile) * ((lr.W + tile - 1) / tile);
        var report = new Progress(progress, modes * tilesPerPass);

        using var _ = NoGradScope.Enter();
        // A packed-kernel plan when the network has one (kept between calls, weights re-read each call
        // since training may have changed them); otherwise the graph, in an arena when it recycles.
        IInferencePlan? plan = Interlocked.Exchange(ref _plan, null);
        if (plan is not null) plan.Refresh();
        else plan = Network.CreateInferencePlan(PlanOptions);
        TensorArena? arena = plan is null && Network.RecyclesIntermediates ? Interlocked.Exchange(ref _arena, null) ?? new TensorArena() : null;
        try
        {
            body(new Pass(plan, arena), report);
        }
        finally
        {
            if (arena is not null) _arena = arena;
            if (plan is not null && Interlocked.CompareExchange(ref _plan, plan, null) is not null) plan.Dispose();
        }
    }

    private IInferencePlan? _plan;

    /// <summary>How one network pass runs: the plan, or the graph (in the arena when there is one).</summary>
    private sealed record Pass(IInferencePlan? Plan, TensorArena? Arena);

    /// <summary>The mean over the 8 flips/rotations, accumulated into <paramref name="sum"/> (zeros on entry).</summary>
    private void Ensemble(Tensor lr, int tile, Progress report, Pass pass, CancellationToken cancel, Tensor sum)
    {
        int s = Network.Scale, c = 3, h = lr.H, w = lr.W;
        var back = new float[sum.Length];
        for (int mode = 0; mode < 8; mode++)
        {
            var (th, tw) = Dihedral.OutputSize(mode, h, w);
            var t = Tensor.Empty(1, c, th, tw);
            Dihedral.Apply(lr.Data, t.Data, c, h, w, mode);
            var y = Tensor.Empty(1, c, th * s, tw * s);
            Tiled(t, tile, report, pass, cancel, (window, region) => Paste(window, y, region));
            Dihedral.Invert(y.Data, back, c, h * s, w * s, mode);
            System.Numerics.Tensors.TensorPrimitives.Add(sum.Data, back, sum.Data);
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(sum.Data, 1f / 8, sum.Data);
    }

    private void Tiled(Tensor lr, int tile, Progress report, Pass pass, CancellationToken cancel, Action<Tensor, TileRegion> write)
    {
        int h = lr.H, w = lr.W, s = Network.Scale;
        if (tile == 0 || (tile >= h && tile >= w))
        {
            cancel.ThrowIfCancellationRequested();
            var all = new TileRegion(0, 0, 0, 0, h * s, w * s);
            if (pass.Plan is not null) write(pass.Plan.Run(lr), all);
            else if (pass.Arena is null) write(Network.Forward(lr), all);
            else
                using (Enter(pass.Arena, h, w)) write(Network.Forward(lr), all);
            report.Step();
            return;
        }
        int margin = Margin ?? Network.TileMargin;
        for (int y0 = 0; y0 < h; y0 += tile)
        {
            for (int x0 = 0; x0 < w; x0 += tile)
            {
                cancel.ThrowIfCancellationRequested();
                int y1 = Math.Min(h, y0 + tile), x1 = Math.Min(w, x0 + tile);
                // Input window: the tile plus the margin on each side, clipped to the image (the image
                // border is the network's own zero padding, so clipping there loses nothing). Windows
                // keep one size, shifted inward at the borders: they still hold the whole margin.
                var (iy0, iy1) = Window(y0, h, tile, margin);
                var (ix0, ix1) = Window(x0, w, tile, margin);
                // Keep windows at least the network's minimum size.
                (iy0, iy1) = Grow(iy0, iy1, h, Network.MinInputSize);
                (ix0, ix1) = Grow(ix0, ix1, w, Network.MinInputSize);
                var region = new TileRegion((y0 - iy0) * s, (x0 - ix0) * s, y0 * s, x0 * s, (y1 - y0) * s, (x1 - x0) * s);
                if (pass.Plan is not null)
                {
                    write(pass.Plan.Run(Crop(lr, iy0, iy1, ix0, ix1)), region);
                }
                else if (pass.Arena is null)
                {
                    write(Network.Forward(Crop(lr, iy0, iy1, ix0, ix1)), region);
                    // A tile's activations are large-object-heap arrays that a gen-2 collection would only
                    // reclaim much later; collecting now keeps the peak at one tile's working set.
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
                }
                else
                {
                    using var _ = Enter(pass.Arena, iy1 - iy0, ix1 - ix0);
                    write(Network.Forward(Crop(lr, iy0, iy1, ix0, ix1)), region);
                }
                report.Step();
            }
        }
    }

    /// <summary>Activates the arena for an input of h×w, first dropping buffers kept for another size.</summary>
    private TensorArena.Scope Enter(TensorArena arena, int h, int w)
    {
        if (_arenaPixels != (long)h * w)
        {
            arena.Trim();
            _arenaPixels = (long)h * w;
        }
        return arena.Activate();
    }

    /// <summary>[start, end) of the window around tile [t0, t1): the tile ± margin, a fixed length, inside [0, size).</summary>
    private static (int, int) Window(int t0, int size, int tile, int margin)
    {
        int length = Math.Min(size, tile + 2 * margin);
        int start = Math.Clamp(t0 - margin, 0, size - length);
        return (start, start + length);   // holds [t0 - margin, t0 + tile + margin) ∩ [0, size): every tile with its margin
    }

    private static (int, int) Grow(int a, int b, int size, int min)
    {
        while (b - a < min && (a > 0 || b < size))
        {
            if (a > 0) a--;
            if (b - a < min && b < size) b++;
        }
        return (a, b);
    }

    private static Tensor Crop(Tensor x, int y0, int y1, int x0, int x1)
    {
        int c = x.C, h = x.H, w = x.W, ch = y1 - y0, cw = x1 - x0;
        var t = Tensor.Empty(1, c, ch, cw);
        for (int k = 0; k < c; k++)
            for (int y = 0; y < ch; y++)
                x.Data.AsSpan(k * h * w + (y0 + y) * w + x0, cw).CopyTo(t.Data.AsSpan((k * ch + y) * cw, cw));
        return t;
    }

    private static void Paste(Tensor src, Tensor dst, TileRegion r)
    {
        int c = dst.C, sh = src.H, sw = src.W, dh = dst.H, dw = dst.W;
        for (int k = 0; k < c; k++)
            for (int y = 0; y < r.Height; y++)
                src.Data.AsSpan(k * sh * sw + (r.SourceY + y) * sw + r.SourceX, r.Width).CopyTo(dst.Data.AsSpan(k * dh * dw + (r.Y + y) * dw + r.X, r.Width));
    }

    private sealed class Progress(IProgress<UpscaleProgress>? sink, int total)
    {
        private int _done;
        public void Step() => sink?.Report(new UpscaleProgress(++_done, total));
    }
}
