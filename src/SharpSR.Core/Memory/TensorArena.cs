namespace SharpSR.Core.Memory;

/// <summary>
/// Recycles tensor storage across repeated work of the same shapes: training steps, inference tiles.
/// While an arena is active on a thread, every tensor that thread creates takes its array from the
/// arena; when the scope ends, all of them go back to the arena's free lists, and the next step
/// finds the same sizes waiting. A steady-state training step then allocates no tensor memory, and
/// the buffers it reuses stay warm in cache.
/// <para>
/// The contract: no tensor created inside a scope may be used after the scope ends (copy out what
/// must survive, e.g. with <see cref="Tensor.Clone"/> after the scope or by writing into a tensor made
/// before it). Parameter gradients are exempt: they live in each parameter's own buffer.
/// </para>
/// </summary>
public sealed class TensorArena
{
    [ThreadStatic] private static TensorArena? t_active;

    private readonly Dictionary<int, Stack<float[]>> _free = [];
    private readonly HashSet<float[]> _lent = new(ReferenceEqualityComparer.Instance);
    private TensorArena? _outer;
    private bool _isActive;
    private int _ownerThread;

    /// <summary>Floats held by the arena (lent plus free).</summary>
    public long PooledFloats { get; private set; }

    /// <summary>Arrays handed out in the current (or last) scope.</summary>
    public int LentCount => _lent.Count;

    /// <summary>Makes this arena the current thread's allocator until the returned scope is disposed.</summary>
    public Scope Activate()
    {
        if (_isActive) throw new InvalidOperationException("TensorArena: already active; an arena cannot be nested in itself.");
        _outer = t_active;
        t_active = this;
        _isActive = true;
        _ownerThread = Environment.CurrentManagedThreadId;
        return new Scope(this);
    }

    /// <summary>Drops the free lists so the memory can be collected (the arena stays usable).</summary>
    public void Trim()
    {
        if (_isActive) throw new InvalidOperationException("TensorArena: cannot trim while active.");
        _free.Clear();
        PooledFloats = 0;
    }

    private void Deactivate()
    {
        if (!_isActive) return;
        if (Environment.CurrentManagedThreadId != _ownerThread)
            throw new InvalidOperationException("TensorArena: a scope must end on the thread that began it.");
        t_active = _outer;
        _outer = null;
        _isActive = false;
        foreach (var a in _lent)
        {
            if (!_free.TryGetValue(a.Length, out var stack)) _free[a.Length] = stack = new Stack<float[]>();
            stack.Push(a);
        }
        _lent.Clear();
    }

    /// <summary>
    /// Hands a dead intermediate's storage back early, so inference needs only its live tensors, not all
    /// it ever made. Acts only inside an active arena with grad recording off (a recorded graph may
    /// still need the tensor); otherwise, or for storage the arena did not lend, it does nothing. The
    /// caller promises that nothing uses <paramref name="t"/> (or a view of it) afterwards, and that it
    /// recycles a tensor at most once.
    /// </summary>
    public static void Recycle(Tensor t)
    {
        var arena = t_active;
        if (arena is null || Autograd.Backprop.IsEnabled) return;
        if (!arena._lent.Remove(t.Data)) return;
        if (!arena._free.TryGetValue(t.Data.Length, out var stack)) arena._free[t.Data.Length] = stack = new Stack<float[]>();
        stack.Push(t.Data);
    }

    /// <summary>The array was lent by this arena in its current scope (a tensor that must be copied out before the scope ends).</summary>
    public bool Lends(float[] a) => _lent.Contains(a);

    /// <summary>Storage for a new tensor: from the active arena when there is one, else from the GC heap.</summary>
    internal static float[] Rent(int length, bool clear)
    {
        var arena = t_active;
        if (arena is null || length == 0)
            return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
        float[] a;
        if (arena._free.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            a = stack.Pop();
            if (clear) Array.Clear(a);
        }
        else
        {
            a = clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
            arena.PooledFloats += length;
        }
        arena._lent.Add(a);
        return a;
    }

    /// <summary>Ends the arena's scope: every array lent in it returns to the free lists.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly TensorArena _arena;
        internal Scope(TensorArena arena) => _arena = arena;
        public void Dispose() => _arena?.Deactivate();
    }
}
