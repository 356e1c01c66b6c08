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
    private sealed class InProcessGroup(int replicas)
    {
        private readonly Barrier _barrier = new(replicas);
        private readonly float[]?[] _slots = new float[replicas][];

        public IGradientReducer Member(int rank) => new Reducer(this, rank);

        private sealed class Reducer(InProcessGroup group, int rank) : IGradientReducer
        {
            public int Replicas => group._slots.Length;
            public int Rank => rank;

            public void AllReduceMean(Span<float> values)
            {
                group._slots[rank] = values.ToArray();
                group._barrier.SignalAndWait();
                for (int i = 0; i < values.Length; i++)
                {
                    float sum = 0;
                    foreach (var slot in group._slots) sum += slot![i];
                    values[i] = sum / Replicas;
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

    private static float[] Train(TrainConfig cfg, IGradientReducer? reducer)
    {
        using var engine = new EngineContext(1);
        using var _ = engine.Enter();
        var trainer = Trainer.Start(cfg, SharpSR.Testing.TestData.NewTempDir("sharpsr-replica"));
        if (reducer is not null) trainer.Reducer = reducer;
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
