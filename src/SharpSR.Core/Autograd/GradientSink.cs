using System.Numerics.Tensors;
using SharpSR.Core.Nn;

namespace SharpSR.Core.Autograd;

/// <summary>
/// Parameter gradients collected apart from the parameters: while a sink is active on a thread, every
/// backward pass on that thread adds its parameter gradients into the sink's own buffers instead of
/// <see cref="Tensor.Grad"/>. Data-parallel training gives each worker a sink, so workers never write
/// the same memory, and merges the sinks in a fixed order afterwards: the sum is the same whichever
/// thread ran which worker.
/// </summary>
public sealed class GradientSink
{
    [ThreadStatic] private static GradientSink? t_active;

    private readonly Dictionary<Parameter, Tensor> _buffers = new(ReferenceEqualityComparer.Instance);
    private readonly List<Parameter> _touched = [];   // in first-touch order: a deterministic merge order
    private readonly HashSet<Parameter> _touchedSet = new(ReferenceEqualityComparer.Instance);
    private GradientSink? _outer;
    private bool _isActive;

    internal static GradientSink? Active => t_active;

    /// <summary>Routes this thread's parameter gradients here until the scope ends.</summary>
    public Scope Activate()
    {
        if (_isActive) throw new InvalidOperationException("GradientSink: already active.");
        _outer = t_active;
        t_active = this;
        _isActive = true;
        return new Scope(this);
    }

    /// <summary>Forgets the gradients collected so far (buffers are kept for the next step).</summary>
    public void Clear()
    {
        _touched.Clear();
        _touchedSet.Clear();
    }

    internal void Accumulate(Parameter p, Tensor g)
    {
        if (!_buffers.TryGetValue(p, out var buffer)) _buffers[p] = buffer = new Tensor(new float[p.Length], p.ShapeArray);
        if (_touchedSet.Add(p))
        {
            _touched.Add(p);
            g.Data.AsSpan().CopyTo(buffer.Data);
        }
        else
        {
            TensorPrimitives.Add(buffer.Data, g.Data, buffer.Data);
        }
    }

    /// <summary>Adds the collected gradients into the parameters' <see cref="Tensor.Grad"/> (set where null).</summary>
    public void MergeIntoParameters()
    {
        foreach (var p in _touched)
        {
            var g = _buffers[p];
            if (p.Grad is null)
            {
                var own = p.GradBuffer();
                g.Data.AsSpan().CopyTo(own.Data);
                p.Grad = own;
            }
            else
            {
                TensorPrimitives.Add(p.Grad.Data, g.Data, p.Grad.Data);
            }
        }
    }

    private void Deactivate()
    {
        if (!_isActive) return;
        t_active = _outer;
        _outer = null;
        _isActive = false;
    }

    public readonly struct Scope : IDisposable
    {
        private readonly GradientSink _sink;
        internal Scope(GradientSink sink) => _sink = sink;
        public void Dispose() => _sink?.Deactivate();
    }
}
