using SharpSR.Core.Optim;
using SharpSR.Distributed.Mpi;

namespace SharpSR.Distributed;

/// <summary>
/// This process's place in an MPI job (MPI_COMM_WORLD over Open MPI): its rank, the job's size, and the collectives
/// SharpSR uses — the gradient allreduce (fp32 sum / N), rank 0's bytes broadcast to all, a gather of one number per
/// rank, a barrier. It is the <see cref="IGradientReducer"/> of a distributed training run. Call MPI from one thread
/// at a time; <see cref="Dispose"/> finalizes MPI, <see cref="Abort"/> ends every rank of the job.
/// </summary>
public sealed unsafe class MpiWorld : IGradientReducer, IDisposable
{
    private const int MaxChunk = 1 << 30;   // MPI counts are int: larger buffers go in pieces
    private readonly OpenMpi.Handles _h;
    private bool _finalized;

    private MpiWorld(OpenMpi.Handles handles, int rank, int size)
    {
        _h = handles;
        Rank = rank;
        Size = size;
    }

    /// <summary>Initializes MPI (once per process) and returns this process's world.</summary>
    public static MpiWorld Join()
    {
        int provided, initialized;
        Check(OpenMpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0) Check(OpenMpi.InitThread(null, null, OpenMpi.ThreadSerialized, &provided), "MPI_Init_thread");
        var h = new OpenMpi.Handles();
        int rank, size;
        Check(OpenMpi.CommRank(h.CommWorld, &rank), "MPI_Comm_rank");
        Check(OpenMpi.CommSize(h.CommWorld, &size), "MPI_Comm_size");
        return new MpiWorld(h, rank, size);
    }

    public int Rank { get; }
    public int Size { get; }
    int IGradientReducer.Replicas => Size;

    /// <summary>Every rank's values summed in fp32 (MPI_SUM), then divided by the rank count, in place.</summary>
    public void AllReduceMean(Span<float> values)
    {
        fixed (float* p = values)
            for (int at = 0; at < values.Length; at += MaxChunk)
                Check(OpenMpi.Allreduce(OpenMpi.InPlace, p + at, Math.Min(MaxChunk, values.Length - at), _h.Float, _h.Sum, _h.CommWorld), "MPI_Allreduce");
        float n = Size;
        for (int i = 0; i < values.Length; i++) values[i] /= n;
    }

    /// <summary>Rank 0's bytes on every rank: its length first, then the bytes.</summary>
    public byte[] BroadcastFromRoot(byte[]? data)
    {
        if (Rank == 0) ArgumentNullException.ThrowIfNull(data);
        long length = Rank == 0 ? data!.LongLength : 0;
        Check(OpenMpi.Bcast(&length, 1, _h.Int64, 0, _h.CommWorld), "MPI_Bcast");
        var buffer = Rank == 0 ? data! : new byte[length];
        fixed (byte* p = buffer)
            for (long at = 0; at < length; at += MaxChunk)
                Check(OpenMpi.Bcast(p + at, (int)Math.Min(MaxChunk, length - at), _h.Byte, 0, _h.CommWorld), "MPI_Bcast");
        return buffer;
    }

    /// <summary>Every rank's <paramref name="value"/> in rank order on rank 0; an empty array on the others.</summary>
    public long[] Gather(long value)
    {
        var all = new long[Rank == 0 ? Size : 0];
        fixed (long* p = all)
            Check(OpenMpi.Gather(&value, 1, _h.Int64, p, 1, _h.Int64, 0, _h.CommWorld), "MPI_Gather");
        return all;
    }

    public void Barrier() => Check(OpenMpi.Barrier(_h.CommWorld), "MPI_Barrier");

    /// <summary>Ends every rank of the job (mpirun reports it): for a failure after which the ranks cannot meet again.</summary>
    public void Abort(int errorCode)
    {
        _finalized = true;
        OpenMpi.Abort(_h.CommWorld, errorCode);
    }

    /// <summary>Finalizes MPI; every rank must get here.</summary>
    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        OpenMpi.Finalize();
    }

    private static void Check(int code, string call)
    {
        if (code != OpenMpi.Success) throw new InvalidOperationException($"{call} failed with MPI error {code}");
    }
}
