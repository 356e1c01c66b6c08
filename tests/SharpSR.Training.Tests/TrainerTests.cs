using SharpSR.Training.Data;
using Xunit;

namespace SharpSR.Training.Tests;

public class TrainerTests
{
    private static TrainConfig TinyConfig(string data, int iterations) => new()
    {
        Model = "s-lwsr",
        ModelOptions = """{"features":4}""",
        Scale = 2,
        TrainDirs = [data],
        PatchSize = 12,
        BatchSize = 4,
        Iterations = iterations,
        LearningRate = 2e-3,
        CheckpointEvery = 10,
        LogEvery = 10,
        ValidateEvery = 1000,
        Seed = 7,
    };

    private static PatchSampler Sampler(TrainConfig c) =>
        new(TrainingSet.Load(c.TrainDirs, c.Scale, c.PatchSize, c.SkipSmallImages), c.Scale, c.PatchSize, c.Seed);

    [Fact]
    public void Train_200Iterations_LowersTheLoss()
    {
        var cfg = TinyConfig(SyntheticImages.WriteFolder(4), 200);
        string run = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        var trainer = Trainer.Start(cfg, run);
        trainer.Run(Sampler(cfg), null, null, CancellationToken.None);
        var log = Trainer.ReadLog(run);
        Assert.Equal(20, log.Count);
        double first = log.Take(5).Average(r => r.Loss), last = log.TakeLast(5).Average(r => r.Loss);
        Assert.True(last < 0.7 * first, $"mean loss went from {first:F3} (first 50 iterations) to {last:F3} (last 50)");
        foreach (var f in new[] { "state.safetensors", "model.safetensors", "plot.svg", "config.json" })
            Assert.True(File.Exists(Path.Combine(run, f)), f + " missing");
        Assert.Contains("<polyline", File.ReadAllText(Path.Combine(run, "plot.svg")));
    }

    // A small G-IDRN (every block, the dense shortcuts, ANRB and the two-path tail) with the HF loss overfits a few images.
    [Fact]
    public void Train_GIdrnWithHighFrequencyLoss_LowersTheLoss()
    {
        var cfg = TinyConfig(SyntheticImages.WriteFolder(4), 100) with
        {
            Model = "g-idrn",
            ModelOptions = """{"features":8,"groups":1}""",
            PatchSize = 16,
            Loss = "hf:0.4,0.6",
        };
        string run = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        var trainer = Trainer.Start(cfg, run);
        trainer.Run(Sampler(cfg), null, null, CancellationToken.None);
        var log = Trainer.ReadLog(run);
        double first = log[0].Loss, last = log[^1].Loss;
        Assert.True(last < 0.7 * first, $"mean loss went from {first:F3} (first 10 iterations) to {last:F3} (last 10)");
    }

    // A small CARN (the three cascades, the multi-scale heads of which only x2's trains) overfits a few images.
    [Fact]
    public void Train_Carn_LowersTheLoss()
    {
        var cfg = TinyConfig(SyntheticImages.WriteFolder(4), 100) with { Model = "carn", ModelOptions = """{"features":8}""" };
        string run = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        var trainer = Trainer.Start(cfg, run);
        trainer.Run(Sampler(cfg), null, null, CancellationToken.None);
        var log = Trainer.ReadLog(run);
        double first = log[0].Loss, last = log[^1].Loss;
        Assert.True(last < 0.7 * first, $"mean loss went from {first:F3} (first 10 iterations) to {last:F3} (last 10)");
    }

    [Fact]
    public void Resume_AfterAbruptStop_GivesTheWeightsOfAnUninterruptedRun()
    {
        string data = SyntheticImages.WriteFolder(3);
        var cfg = TinyConfig(data, 30);

        string straight = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        var a = Trainer.Start(cfg, straight);
        a.Run(Sampler(cfg), null, null, CancellationToken.None);

        // Stop abruptly at iteration 17 (no checkpoint then, as a SIGKILL would): the last checkpoint is 10.
        string killed = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        var b = Trainer.Start(cfg, killed);
        Assert.Throws<OperationCanceledException>(() => b.Run(Sampler(cfg), null,
            new SyncProgress(p => { if (p.Iteration == 17) throw new OperationCanceledException("killed"); }), CancellationToken.None));
        var resumed = Trainer.Resume(killed);
        Assert.Equal(10, resumed.Iteration);
        resumed.Run(Sampler(cfg), null, null, CancellationToken.None);

        var wa = a.Network.StateDict();
        var wb = resumed.Network.StateDict();
        foreach (var (key, t) in wa)
            Assert.True(t.Data.AsSpan().SequenceEqual(wb[key].Data), $"{key} differs after resume");
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "log.csv")).Split('\n').Select(l => l.Split(',')[0]),
                     File.ReadAllText(Path.Combine(killed, "log.csv")).Split('\n').Select(l => l.Split(',')[0]));
    }

    /// <summary>
    /// What a SIGKILL during a checkpoint or a log write leaves (found by bench/train_faults.py): the checkpoint's
    /// hidden temp file and a log row cut short. Resuming removes the first and drops the second.
    /// </summary>
    [Fact]
    public void Resume_AfterKillMidWrite_RemovesTheTempFileAndTheCutRow()
    {
        var cfg = TinyConfig(SyntheticImages.WriteFolder(2), 10);
        string run = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        Trainer.Start(cfg, run).Run(Sampler(cfg), null, null, CancellationToken.None);
        string orphan = Path.Combine(run, $".state.safetensors.sharpsr-{int.MaxValue}-{Guid.NewGuid():N}.tmp");   // no such process
        File.WriteAllBytes(orphan, new byte[1000]);
        string log = Path.Combine(run, "log.csv");
        string complete = File.ReadAllText(log);
        File.AppendAllText(log, "1");   // a row cut after its first character

        Trainer.Resume(run);

        Assert.False(File.Exists(orphan), "the dead writer's temp file is still there");
        Assert.Equal(complete, File.ReadAllText(log));
    }

    /// <summary>A resumed run may get a longer schedule and new rate milestones; they apply from there on and are checkpointed.</summary>
    [Fact]
    public void Resume_WithNewScheduleAndLength_UsesThemAndKeepsThem()
    {
        var cfg = TinyConfig(SyntheticImages.WriteFolder(2), 10);
        string run = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        Trainer.Start(cfg, run).Run(Sampler(cfg), null, null, CancellationToken.None);

        var resumed = Trainer.Resume(run, iterations: 20, lrMilestones: [15]);
        var rates = new List<double>();
        resumed.Run(Sampler(resumed.Config), null, new SyncProgress(p => rates.Add(p.LearningRate)), CancellationToken.None);
        Assert.Equal(20, resumed.Iteration);
        Assert.Equal(cfg.LearningRate, rates[0]);
        Assert.Equal(cfg.LearningRate / 2, rates[^1]);
        Assert.Equal([15], Trainer.Resume(run).Config.LrMilestones!);
    }

    /// <summary>An x3 run started from an x2 run's model gets its body (and only its body) from it.</summary>
    [Fact]
    public void Start_InitFromOtherScale_CopiesTheBodyAndKeepsTheUpsampler()
    {
        var x2 = TinyConfig(SyntheticImages.WriteFolder(2), 10);
        string source = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        var trained = Trainer.Start(x2, source);
        trained.Run(Sampler(x2), null, null, CancellationToken.None);
        string modelPath = Path.Combine(source, Trainer.ModelFileName);

        var x3 = x2 with { Scale = 3, InitFrom = modelPath };
        var fresh = Trainer.Start(x3 with { InitFrom = null }, SharpSR.Testing.TestData.NewTempDir("sharpsr-run")).Network.StateDict();
        var warm = Trainer.Start(x3, SharpSR.Testing.TestData.NewTempDir("sharpsr-run"));
        var from = trained.Network.StateDict();
        var got = warm.Network.StateDict();
        Assert.NotNull(warm.WarmStarted);
        Assert.NotEmpty(warm.WarmStarted!.Kept);
        foreach (var name in warm.WarmStarted.Copied)
            Assert.True(got[name].Data.AsSpan().SequenceEqual(from[name].Data), $"{name} was not copied");
        foreach (var name in warm.WarmStarted.Kept)
        {
            Assert.True(got[name].Data.AsSpan().SequenceEqual(fresh[name].Data), $"{name} lost its seeded value");
            Assert.False(from.TryGetValue(name, out var t) && t.ShapeArray.AsSpan().SequenceEqual(got[name].ShapeArray), $"{name} fitted but was kept");
        }
        Assert.Contains(warm.WarmStarted.Copied, n => n.StartsWith("body", StringComparison.Ordinal) || n.Contains("conv"));
    }

    [Fact]
    public void Start_InitFromOtherArchitecture_RefusesAndCreatesNothing()
    {
        var cfg = TinyConfig(SyntheticImages.WriteFolder(2), 10);
        string source = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        Trainer.Start(cfg, source).Run(Sampler(cfg), null, null, CancellationToken.None);
        string run = Path.Combine(SharpSR.Testing.TestData.NewTempDir("sharpsr-run"), "new");
        var other = cfg with { Model = "g-idrn", ModelOptions = """{"features":8,"groups":1}""", InitFrom = Path.Combine(source, Trainer.ModelFileName) };
        var ex = Assert.Throws<InvalidDataException>(() => Trainer.Start(other, run));
        Assert.Contains("holds a s-lwsr network", ex.Message);
        Assert.False(Directory.Exists(run));
    }

    /// <summary>A bare state dict names no architecture: refused as model loading refuses it, before any run folder exists.</summary>
    [Fact]
    public void Start_InitFromFileWithoutMetadata_RefusesAndCreatesNothing()
    {
        var cfg = TinyConfig(SyntheticImages.WriteFolder(2), 10);
        string bare = Path.Combine(SharpSR.Testing.TestData.NewTempDir("sharpsr-run"), "bare.safetensors");
        SharpSR.Core.Serialization.SafeTensorsFile.Write(bare, SharpSR.Models.ArchRegistry.Create("s-lwsr", 2, cfg.ModelOptions).StateDict(), new Dictionary<string, string>());
        string run = Path.Combine(SharpSR.Testing.TestData.NewTempDir("sharpsr-run"), "new");
        var ex = Assert.Throws<InvalidDataException>(() => Trainer.Start(cfg with { InitFrom = bare }, run));
        Assert.Contains("not a SharpSR model file", ex.Message);
        Assert.StartsWith("--init-from", ex.Message);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Start_InFolderWithRun_RefusesToOverwrite()
    {
        var cfg = TinyConfig(SyntheticImages.WriteFolder(2), 10);
        string run = SharpSR.Testing.TestData.NewTempDir("sharpsr-run");
        Trainer.Start(cfg, run).Run(Sampler(cfg), null, null, CancellationToken.None);
        var ex = Assert.Throws<InvalidOperationException>(() => Trainer.Start(cfg, run));
        Assert.Contains("--resume", ex.Message);
    }

    [Fact]
    public void LearningRate_StepSchedule_HalvesEveryStep()
    {
        var cfg = new TrainConfig { LearningRate = 1e-4, LrStep = 200, LrGamma = 0.5 };
        Assert.Equal(1e-4, cfg.LearningRateAt(199));
        Assert.Equal(5e-5, cfg.LearningRateAt(200));
        Assert.Equal(2.5e-5, cfg.LearningRateAt(450));
        var ms = cfg with { LrMilestones = [100, 300] };
        Assert.Equal(1e-4, ms.LearningRateAt(99));
        Assert.Equal(5e-5, ms.LearningRateAt(100));
        Assert.Equal(2.5e-5, ms.LearningRateAt(300));
    }

    private sealed class SyncProgress(Action<TrainProgress> f) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => f(value);
    }
}
