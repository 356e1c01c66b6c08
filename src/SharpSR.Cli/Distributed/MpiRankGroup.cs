using SharpSR.Distributed;

namespace SharpSR.Cli.Distributed;

/// <summary><see cref="IRankGroup"/> over MPI: the one class of the CLI that touches SharpSR.Distributed.</summary>
internal sealed class MpiRankGroup : IRankGroup
{
    private readonly MpiWorld _world;

    private MpiRankGroup(MpiWorld world) => _world = world;

    public static MpiRankGroup Create() => new(MpiWorld.Join());

    public int Replicas => _world.Size;
    public int Rank => _world.Rank;
    public void AllReduceMean(Span<float> values) => _world.AllReduceMean(values);
    public byte[] BroadcastFromRoot(byte[]? data) => _world.BroadcastFromRoot(data);
    public long[] Gather(long value) => _world.Gather(value);
    public void Abort(int exitCode) => _world.Abort(exitCode);
    public void Dispose() => _world.Dispose();
}
