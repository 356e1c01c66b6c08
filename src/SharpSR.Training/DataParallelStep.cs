using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Memory;
using SharpSR.Models;

namespace SharpSR.Training;

/// <summary>
/// Forward and backward of a training batch, data-parallel: the batch is cut into one slice per engine
/// thread, each slice runs the whole network on one core (its kernels serial, its tensors in its own
/// arena, its parameter gradients in its own <see cref="GradientSink"/>), and the sinks are merged in
/// slice order. No op waits for the other core, and each core's activations stay in its own caches.
/// The loss is the batch mean, as one pass over the whole batch would give (up to float rounding).
/// </summary>
public sealed class DataParallelStep
{
    private readonly SrNetwork _net;
    private readonly Func<Tensor, Tensor, Tensor> _loss;
    private readonly GradientSink[] _sinks;
    private readonly TensorArena[] _arenas;
    private readonly float[] _losses;

    public DataParallelStep(SrNetwork net, Func<Tensor, Tensor, Tensor> loss, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _net = net;
        _loss = loss;
        _sinks = Enumerable.Range(0, workers).Select(_ => new GradientSink()).ToArray();
        _arenas = Enumerable.Range(0, workers).Select(_ => new TensorArena()).ToArray();
        _losses = new float[workers];
    }

    /// <summary>
    /// Adds the batch's parameter gradients into the parameters' Grad (zero them before, as for a
    /// plain backward) and returns the batch loss. lr [N,3,h,w], hr [N,3,h·s,w·s].
    /// </summary>
    public float Run(Tensor lr, Tensor hr)
    {
        int n = lr.N, slices = Math.Min(_sinks.Length, n);
        if (hr.N != n) throw new ArgumentException($"DataParallelStep: {n} LR images but {hr.N} HR images.");
        if (slices == 1)
        {
            var l = _loss(_net.Forward(lr), hr);
            l.Backward();
            return l.Item();
        }
        Engine.For(slices, k =>
        {
            int i0 = k * n / slices, i1 = (k + 1) * n / slices;
            using var memory = _arenas[k].Activate();
            using var gradients = _sinks[k].Activate();
            _sinks[k].Clear();
            var l = _loss(_net.Forward(Slice(lr, i0, i1)), Slice(hr, i0, i1));
            float weight = (float)(i1 - i0) / n;   // the batch mean is the slices' means weighted by their sizes
            l.Backward(Tensor.Full(weight, 1));
            _losses[k] = l.Item() * weight;
        });
        float total = 0;
        for (int k = 0; k < slices; k++)
        {
            _sinks[k].MergeIntoParameters();
            total += _losses[k];
        }
        return total;
    }

    /// <summary>Images [i0, i1) of a batch, copied.</summary>
    internal static Tensor Slice(Tensor t, int i0, int i1)
    {
        int per = t.Length / t.N;
        var s = Tensor.Empty([i1 - i0, .. t.Shape[1..]]);
        t.Data.AsSpan(i0 * per, (i1 - i0) * per).CopyTo(s.Data);
        return s;
    }
}
