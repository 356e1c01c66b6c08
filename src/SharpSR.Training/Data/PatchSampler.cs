using SharpSR.Core;
using SharpSR.Imaging;
using SharpSR.Inference;

namespace SharpSR.Training.Data;

/// <summary>An HR image and its LR version (made once by MATLAB bicubic), 8-bit RGB.</summary>
public sealed record TrainingPair(string Name, RgbImage Hr, RgbImage Lr);

/// <summary>
/// Draws aligned random LR/HR patches with one of the 8 flips/rotations. Batch i depends only on
/// (seed, i), so resumed runs see exactly the batches of an uninterrupted run.
/// </summary>
public sealed class PatchSampler
{
    private readonly IReadOnlyList<TrainingPair> _pairs;
    private readonly int _scale, _patch;
    private readonly ulong _seed;

    public PatchSampler(IReadOnlyList<TrainingPair> pairs, int scale, int lrPatch, ulong seed)
    {
        if (pairs.Count == 0) throw new ArgumentException("no training images");
        foreach (var p in pairs)
            if (p.Lr.Width < lrPatch || p.Lr.Height < lrPatch)
                throw new ArgumentException($"{p.Name}: LR {p.Lr.Width}x{p.Lr.Height} is smaller than the {lrPatch}x{lrPatch} patch");
        _pairs = pairs;
        _scale = scale;
        _patch = lrPatch;
        _seed = seed;
    }

    /// <summary>Batch number <paramref name="iteration"/>: LR [B,3,P,P] and HR [B,3,sP,sP] in 0..255.</summary>
    public (Tensor Lr, Tensor Hr) Batch(int iteration, int batchSize) => Batch(iteration, 0, batchSize);

    /// <summary>
    /// Images [<paramref name="first"/>, first + count) of batch <paramref name="iteration"/>: each image depends only on
    /// (seed, iteration, its index), so data-parallel replicas draw their shares of one global batch without drawing the rest.
    /// </summary>
    public (Tensor Lr, Tensor Hr) Batch(int iteration, int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int p = _patch, hp = _patch * _scale;
        var lr = Tensor.Empty(count, 3, p, p);
        var hr = Tensor.Empty(count, 3, hp, hp);
        var lrPlane = new float[3 * p * p];
        var hrPlane = new float[3 * hp * hp];
        for (int b = 0; b < count; b++)
        {
            var rng = new SplitMix(_seed, (ulong)iteration * 1024 + (ulong)(first + b));
            var pair = _pairs[rng.Next(_pairs.Count)];
            int x = rng.Next(pair.Lr.Width - p + 1), y = rng.Next(pair.Lr.Height - p + 1);
            int mode = rng.Next(8);
            CopyPatch(pair.Lr, x, y, p, lrPlane);
            CopyPatch(pair.Hr, x * _scale, y * _scale, hp, hrPlane);
            Dihedral.Apply(lrPlane, lr.Data.AsSpan(b * lrPlane.Length, lrPlane.Length), 3, p, p, mode);
            Dihedral.Apply(hrPlane, hr.Data.AsSpan(b * hrPlane.Length, hrPlane.Length), 3, hp, hp, mode);
        }
        return (lr, hr);
    }

    private static void CopyPatch(RgbImage img, int x0, int y0, int size, float[] dst)
    {
        int ch = img.Channels, w = img.Width, plane = size * size;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int src = ((y0 + y) * w + x0 + x) * ch;
                for (int c = 0; c < 3; c++)
                    dst[c * plane + y * size + x] = img.Pixels[src + (ch >= 3 ? c : 0)];
            }
    }
}
