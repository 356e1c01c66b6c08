using SharpSR.Core.Nn;

namespace SharpSR.Core.Optim;

/// <summary>
/// Where data-parallel replicas meet before each optimizer step: every replica computed the gradient of its
/// share of the global batch, and <see cref="AllReduceMean"/> leaves the mean over replicas in each one's
/// buffer — what one process over the whole batch would hold. Local training has one replica and nothing to
/// do; a distributed run (MPI) implements it with an allreduce.
/// </summary>
public interface IGradientReducer
{
    /// <summary>Replicas taking part (1 for local training).</summary>
    int Replicas { get; }

    /// <summary>This replica's index, 0 .. Replicas-1 (0 writes the checkpoints and logs).</summary>
    int Rank { get; }

    /// <summary>Replaces <paramref name="values"/> with their element-wise mean over the replicas.</summary>
    void AllReduceMean(Span<float> values);
}

/// <summary>One replica: gradients stay as they are.</summary>
public sealed class LocalGradientReducer : IGradientReducer
{
    public static LocalGradientReducer Instance { get; } = new();

    public int Replicas => 1;
    public int Rank => 0;
    public void AllReduceMean(Span<float> values) { }
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
