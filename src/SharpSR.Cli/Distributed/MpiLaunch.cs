using System.Globalization;
using SharpSR.Core.Optim;

namespace SharpSR.Cli.Distributed;

/// <summary>
/// Tells from the environment mpirun gives its processes whether this one is a rank of a job of several, and only then
/// joins the job. A plain `sharpsr` reads two variables and goes on: SharpSR.Distributed and libmpi are loaded by
/// <see cref="Join"/> alone (the JIT loads an assembly when it compiles the first method that uses it).
/// </summary>
internal static class MpiLaunch
{
    /// <summary>Ranks in the job (Open MPI's OMPI_COMM_WORLD_SIZE), 1 outside mpirun.</summary>
    public static int WorldSize => Read("OMPI_COMM_WORLD_SIZE");

    /// <summary>Ranks of the job on this machine: they share its cores.</summary>
    public static int LocalSize => Read("OMPI_COMM_WORLD_LOCAL_SIZE");

    /// <summary>True when mpirun started this process as one of several ranks (a job of one runs as a plain process).</summary>
    public static bool Detected => WorldSize > 1;

    /// <summary>Initializes MPI and returns this rank's group; its kernels get this machine's cores divided by its ranks.</summary>
    public static IRankGroup Join()
    {
        var group = MpiRankGroup.Create();
        SharpSR.Core.Engine.Threads = Math.Max(1, Environment.ProcessorCount / Math.Max(1, LocalSize));
        return group;
    }

    private static int Read(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 1;
}

/// <summary>The ranks of a distributed command as the CLI uses them: the training collectives plus a gather and an abort.</summary>
internal interface IRankGroup : IGradientReducer, IDisposable
{
    /// <summary>Every rank's value in rank order on rank 0, an empty array elsewhere.</summary>
    long[] Gather(long value);

    /// <summary>Ends every rank of the job: after a failure that leaves the others waiting in a collective.</summary>
    void Abort(int exitCode);
}
