using System.Diagnostics;
using SharpSR.Training.Data;

namespace SharpSR.Training.Ablation;

/// <summary>A variant's measured training speed and what the plan's budget would cost at it.</summary>
public sealed record VariantEstimate(PreparedVariant Variant, double SecondsPerIteration, double TrainSeconds);

/// <summary>
/// Times a few training iterations of every variant (in a throw-away run folder, after one warm-up
/// iteration) and extrapolates to the budget, so a plan's cost is known before its queue starts.
/// </summary>
public static class AblationEstimate
{
    public static IReadOnlyList<VariantEstimate> Measure(AblationSetup setup, int iterations, Action<int, int, VariantEstimate>? report = null, CancellationToken cancel = default)
    {
        if (iterations < 1) throw new ArgumentException($"--estimate {iterations}: time at least one iteration");
        var c = setup.Variants[0].Config;
        var sampler = new PatchSampler(TrainingSet.Load(c.TrainDirs, c.Scale, c.PatchSize, c.SkipSmallImages), c.Scale, c.PatchSize, c.Seed);
        var estimates = new List<VariantEstimate>();
        foreach (var (variant, index) in setup.Variants.Select((v, i) => (v, i)))
        {
            cancel.ThrowIfCancellationRequested();
            string scratch = Path.Combine(Path.GetTempPath(), $"sharpsr-estimate-{Guid.NewGuid():N}");
            try
            {
                var config = variant.Config with { Iterations = 1 + iterations, CheckpointEvery = 1 + iterations, ValidationDir = null };
                var trainer = Trainer.Start(config, scratch);
                var clock = new Stopwatch();
                trainer.Run(sampler, null, new SyncProgress<TrainProgress>(p => { if (p.Iteration == 1) clock.Restart(); }), cancel);
                // The last iteration also wrote a checkpoint; that cost is small beside a step and is counted too.
                double perIteration = clock.Elapsed.TotalSeconds / iterations;
                var estimate = new VariantEstimate(variant, perIteration, perIteration * setup.Iterations);
                estimates.Add(estimate);
                report?.Invoke(index + 1, setup.Variants.Count, estimate);
            }
            finally
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
        }
        return estimates;
    }
}
