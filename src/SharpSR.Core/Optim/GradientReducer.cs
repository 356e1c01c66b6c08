using SharpSR.Core.Nn;

namespace SharpSR.Core.Optim;

/// <summary>
/// Where data-parallel replicas meet: before each optimizer step every replica computed the gradient of its
/// share of the global batch, and <see cref="AllReduceMean"/> leaves the mean over replicas in each one's
/// buffer — what one process over the whole batch would hold; <see cref="BroadcastFromRoot"/> hands replica 0's
/// state (weights at start and resume, a weight hash to compare) to the others. Local training has one replica
/// and nothing to do; a distributed run (MPI) implements both with collectives.
/// </summary>
public interface IGradientReducer
{
    /// <summary>Replicas taking part (1 for local training).</summary>
    int Replicas { get; }

    /// <summary>This replica's index, 0 .. Replicas-1 (0 writes the checkpoints and logs).</summary>
    int Rank { get; }

    /// <summary>Replaces <paramref name="values"/> with their element-wise mean over the replicas.</summary>
    void AllReduceMean(Span<float> values);

    /// <summary>Replica 0's bytes on every replica: replica 0 passes them, the others pass null.</summary>
    byte[] BroadcastFromRoot(byte[]? data);
}

/// <summary>One replica: gradients stay as they are.</summary>
public sealed class LocalGradientReducer : IGradientReducer
{
    public static LocalGradientReducer Instance { get; } = new();

    public int Replicas => 1;
    public int Rank => 0;
    public void AllReduceMean(Span<float> values) { }
    public byte[] BroadcastFromRoot(byte[]? data) => data ?? throw new ArgumentNullException(nameof(data));
}

/// <summary>
/// The parameters' gradients (or values) laid end to end in one buffer, in a fixed order, so a reducer
/// handles the whole model in one message. Parameters without a gradient contribute zeros and get one back.
/// </summary>
public sealed class FlatParameters
{
    private readonly Parameter[] _params;
    private readonly float[] _buffer;

    public FlatParameters(IEnumerable<Parameter> parameters)
    {
        _params = [.. parameters];
        _buffer = new float[_params.Sum(p => (long)p.Length)];
    }

    public int Length => _buffer.Length;

    /// <summary>Averages every parameter's gradient over the reducer's replicas (nothing moves with one replica).</summary>
    public void ReduceGradients(IGradientReducer reducer)
    {
        if (reducer.Replicas == 1) return;
        int at = 0;
        foreach (var p in _params)
        {
            var dst = _buffer.AsSpan(at, p.Length);
            if (p.Grad is { } g) g.Data.AsSpan().CopyTo(dst); else dst.Clear();
            at += p.Length;
        }
        reducer.AllReduceMean(_buffer);
        at = 0;
        foreach (var p in _params)
        {
            p.Grad ??= Tensor.Zeros(p.ShapeArray);
            _buffer.AsSpan(at, p.Length).CopyTo(p.Grad.Data);
            at += p.Length;
        }
    }

    /// <summary>A 64-bit hash of the parameter values (FNV-1a over their bits): replicas that agree on it hold identical weights.</summary>
    public ulong ValueHash()
    {
        ulong h = 14695981039346656037UL;
        foreach (var p in _params)
            foreach (float v in p.Data)
            {
                h ^= BitConverter.SingleToUInt32Bits(v);
                h *= 1099511628211UL;
            }
        return h;
    }
}

/// <summary>Decisions every replica must take together, built on the reducer's two collectives.</summary>
public static class ReplicaAgreement
{
    /// <summary>True on every replica when all passed the value replica 0 passed, false on every replica otherwise.</summary>
    public static bool AllEqual(this IGradientReducer reducer, ulong value)
    {
        if (reducer.Replicas == 1) return true;
        byte[] root = reducer.BroadcastFromRoot(reducer.Rank == 0 ? BitConverter.GetBytes(value) : null);
        Span<float> differs = [BitConverter.ToUInt64(root) == value ? 0f : 1f];
        reducer.AllReduceMean(differs);
        return differs[0] == 0f;
    }

    /// <summary>True on every replica when any replica passed true (one rank's stop request stops all at the same step).</summary>
    public static bool Any(this IGradientReducer reducer, bool value)
    {
        if (reducer.Replicas == 1) return value;
        Span<float> flag = [value ? 1f : 0f];
        reducer.AllReduceMean(flag);
        return flag[0] > 0f;
    }
}
