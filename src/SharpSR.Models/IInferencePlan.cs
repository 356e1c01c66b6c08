using SharpSR.Core;

namespace SharpSR.Models;

/// <summary>
/// A faster, inference-only way to run a network: the same function as its autograd forward, computed
/// with packed kernels on weights copied in by <see cref="Refresh"/>. Not thread-safe; one caller at a time.
/// </summary>
public interface IInferencePlan : IDisposable
{
    /// <summary>Copies the network's current weights in (after loading or training them).</summary>
    void Refresh();

    /// <summary>[1,3,h,w] RGB in 0..255 to [1,3,s·h,s·w]; the result is the plan's own buffer, valid until the next call.</summary>
    Tensor Run(Tensor input);
}
