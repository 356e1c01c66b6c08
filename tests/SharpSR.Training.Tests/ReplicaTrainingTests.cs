using SharpSR.Core;
using SharpSR.Core.Optim;
using SharpSR.Training.Data;
using Xunit;

namespace SharpSR.Training.Tests;

/// <summary>
/// The gradient-reducer seam, exercised in process: two trainer replicas on their halves of each global batch,
/// their gradients averaged by a two-member group, end where one trainer over the whole batch ends — what a
/// distributed run over MPI must also do.
/// </summary>
public class ReplicaTrainingTests
{
    /// <summary>Members meet at a barrier; each averages every member's buffer in member order, so all get the same bits.</summary>
    /// <param name="skew">added to one replica's mean gradients from iteration 1 on (a fault the weight-hash check must catch)</param>
    private sealed class InProcessGroup(int replicas, float skew = 0)
    {
        private readonly Barrier _barrier = new(replicas);
        private readonly float _skew = skew;
        private readonly float[]?[] _slots = new float[replicas][];
        private byte[]? _broadcast;

        public IGradientReducer Member(int rank) => new Reducer(this, rank);

        private sealed class Reducer(InProcessGroup group, int rank) : IGradientReducer
        {
            public int Replicas => group._slots.Length;
            public int Rank => rank;

            public byte[] BroadcastFromRoot(byte[]? data)
            {
                if (rank == 0) group._broadcast = data;
                group._barrier.SignalAndWait();
                byte[] received = group._broadcast!;
                group._barrier.SignalAndWait();
                return received;
            }

            public void AllReduceMean(Span<float> values)
            {
                group._slots[rank] = values.ToArray();
                group._barrier.SignalAndWait();
                for (int i = 0; i < values.Length; i++)
                {
                    float sum = 0;
                    foreach (var slot in group._slots) sum += slot![i];
                    values[i] = sum / Replicas;
                    if (rank == Replicas - 1 && values.Length > 1) values[i] += group._skew;   // gradients only, not the small agreement messages
                }
                group._barrier.SignalAndWait();   // nobody overwrites a slot before everyone has read it
            }
        }
    }

    private static TrainConfig Config(string data) => new()
    {
        Model = "s-lwsr",
        ModelOptions = """{"features":4}""",
        Scale = 2,
        TrainDirs = [data],
        PatchSize = 12,
        BatchSize = 8,
        Iterations = 20,
        LearningRate = 2e-3,
        CheckpointEvery = 100,
        LogEvery = 10,
        ValidateEvery = 1000,
        Seed = 3,
    };

    /// <summary>Rank 0 (or a single process) opens the run; other ranks replicate rank 0's broadcast state, as over MPI.</summary>
    private static float[] Train(TrainConfig cfg, IGradientReducer? reducer, int checkEvery = 100)
    {
        using var engine = new EngineContext(1);
        using var _ = engine.Enter();
        Trainer trainer;
        if (reducer is null) trainer = Trainer.Start(cfg, SharpSR.Testing.TestData.NewTempDir("sharpsr-replica"));
        else if (reducer.Rank == 0)
        {
            trainer = Trainer.Start(cfg, SharpSR.Testing.TestData.NewTempDir("sharpsr-replica"));
            reducer.BroadcastFromRoot(trainer.ExportState());
        }
        else trainer = Trainer.Replica(reducer.BroadcastFromRoot(null));
        if (reducer is not null) trainer.Reducer = reducer;
        trainer.ReplicaCheckEvery = checkEvery;
        var sampler = new PatchSampler(TrainingSet.Load(cfg.TrainDirs, cfg.Scale, cfg.PatchSize, cfg.SkipSmallImages), cfg.Scale, cfg.PatchSize, cfg.Seed);
        trainer.Run(sampler, null, null, CancellationToken.None);
        return [.. trainer.Network.Parameters().SelectMany(p => p.Data)];
    }

    [Fact]
    public async Task TwoReplicasOfHalfBatches_EqualOneProcessOfTheWholeBatch()
    {
        var cfg = Config(SyntheticImages.WriteFolder(4));
        float[] single = Train(cfg, null);
        var group = new InProcessGroup(2);
        var ranks = await Task.WhenAll(Enumerable.Range(0, 2).Select(r => Task.Run(() => Train(cfg, group.Member(r)))));

        Assert.Equal(ranks[0], ranks[1]);   // the replicas never drift apart
        // Relative to the largest weight: the halves' gradients are summed in another order than the whole
        // batch's, and Adam carries that rounding for 20 steps.
        double diff = single.Zip(ranks[0], (a, b) => (double)Math.Abs(a - b)).Max(), scale = single.Max(v => Math.Abs((double)v));
        Assert.True(diff / scale < 1e-5, $"replicas differ from one process by {diff / scale:E2} of the largest weight");
        var start = Trainer.Start(cfg, SharpSR.Testing.TestData.NewTempDir("sharpsr-replica")).Network.Parameters().SelectMany(p => p.Data).ToArray();
        Assert.NotEqual(start, single);   // the run did train
    }

    [Fact]
    public async Task ReplicasDrifting_WeightHashCheckStopsEveryReplicaAtTheSameIteration()
    {
        var cfg = Config(SyntheticImages.WriteFolder(2));
        var group = new InProcessGroup(2, skew: 1e-3f);
        var runs = Enumerable.Range(0, 2).Select(r => Task.Run(() => Train(cfg, group.Member(r), checkEvery: 4))).ToArray();
        foreach (var run in runs)
        {
            var e = await Assert.ThrowsAsync<TrainingDivergedException>(() => run);
            Assert.Contains("the replicas' weights differ at iteration 4 (hash check)", e.Message);
        }
    }

    [Fact]
    public void Replica_WritesNothingAndStartsFromTheExportedState()
    {
        var cfg = Config(SyntheticImages.WriteFolder(2));
        string dir = SharpSR.Testing.TestData.NewTempDir("sharpsr-replica");
        var root = Trainer.Start(cfg, dir);
        var before = Directory.GetFiles(dir).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToArray();
        var replica = Trainer.Replica(root.ExportState());
        Assert.Equal(root.Network.Parameters().SelectMany(p => p.Data), replica.Network.Parameters().SelectMany(p => p.Data));
        Assert.Equal(root.Config.ToJson(), replica.Config.ToJson());
        replica.SaveCheckpoint();   // only checks the weights: a replica has no folder
        Assert.Equal(before, Directory.GetFiles(dir).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToArray());
    }

    [Fact]
    public void Reducer_BatchNotDivisible_Refused()
    {
        var cfg = Config(SyntheticImages.WriteFolder(2)) with { BatchSize = 5 };
        var trainer = Trainer.Start(cfg, SharpSR.Testing.TestData.NewTempDir("sharpsr-replica"));
        var e = Assert.Throws<ArgumentException>(() => trainer.Reducer = new InProcessGroup(2).Member(0));
        Assert.Contains("does not split evenly over 2 replicas", e.Message);
    }

    [Fact]
    public void FlatParameters_ValueHash_SeesEveryBit()
    {
        var p = new Core.Nn.Parameter(Tensor.Full(1f, 3));
        var flat = new FlatParameters([p]);
        ulong before = flat.ValueHash();
        p.Data[2] = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(1f) + 1);   // one ulp
        Assert.NotEqual(before, flat.ValueHash());
    }
}
