using System.Security.Cryptography;
using System.Text.Json;
using SharpSR.Core.Serialization;
using SharpSR.Models;
using SharpSR.Training.Data;
using SharpSR.Training.Evaluation;
using SharpSR.Inference;

namespace SharpSR.Training.Ablation;

/// <summary>One variant's stored outcome (results/&lt;slug&gt;.json): counts, timings and scores.</summary>
public sealed record VariantResult
{
    public required string Label { get; init; }
    public required long Parameters { get; init; }
    public required long MultiAdds { get; init; }
    public required int Iterations { get; init; }
    public required double TrainSeconds { get; init; }

    /// <summary>SHA-256 of the first training batch: equal across variants, since they share data order.</summary>
    public required string FirstBatchSha256 { get; init; }

    public required IReadOnlyList<SetScore> Sets { get; init; }

    /// <summary>Peak memory of one inference pass (bytes) by LR input size; absent where it cannot be measured.</summary>
    public IReadOnlyDictionary<string, long> PeakMemoryBytes { get; init; } = new Dictionary<string, long>();

    [System.Text.Json.Serialization.JsonIgnore]
    public double MsPerImage => Sets.Sum(s => s.MsPerImage * s.Images) / Math.Max(1, Sets.Sum(s => s.Images));
}

public sealed record SetScore(string Set, int Images, double Psnr, double Ssim, double MsPerImage);

/// <summary>What the queue reports as it goes; the CLI draws progress from it, tests stop it.</summary>
public class AblationObserver
{
    /// <summary>Variant <paramref name="index"/> (1-based) of <paramref name="count"/> begins; <paramref name="state"/> says how.</summary>
    public virtual void VariantStarting(int index, int count, PreparedVariant variant, string state) { }

    /// <summary>Trains a variant's run; override to show progress (keep calling <see cref="Trainer.Run"/>).</summary>
    public virtual void Train(int index, int count, Trainer trainer, PatchSampler sampler, IValidator? validator, CancellationToken cancel) =>
        trainer.Run(sampler, validator, null, cancel);

    public virtual void Evaluating(int index, int count, PreparedVariant variant) { }

    public virtual void VariantFinished(int index, int count, VariantResult result) { }
}

/// <summary>
/// Runs an ablation's variants one after another in an output folder:
/// <c>queue.json</c> (the plan and budget it was started with), <c>runs/&lt;slug&gt;/</c> (ordinary resumable
/// training runs) and <c>results/&lt;slug&gt;.json</c> (a finished variant's evaluation, written last and
/// atomically). A killed queue, run again, skips stored results, resumes a started run from its last
/// checkpoint and starts the rest.
/// </summary>
public sealed class AblationQueue(AblationSetup setup, string outDir)
{
    public const string QueueFile = "queue.json";

    public string RunDir(PreparedVariant v) => Path.Combine(outDir, "runs", v.Slug);
    public string ResultFile(PreparedVariant v) => Path.Combine(outDir, "results", v.Slug + ".json");

    /// <summary>
    /// Claims the output folder. A folder holding a queue is refused unless <paramref name="resume"/>,
    /// and then only for the same plan and budget (anything else would mix budgets in one table).
    /// </summary>
    public void Open(bool resume)
    {
        string queuePath = Path.Combine(outDir, QueueFile);
        string identity = Identity();
        if (File.Exists(queuePath))
        {
            if (!resume)
                throw new InvalidOperationException($"'{outDir}' already holds this queue ({CountDone()} of {setup.Variants.Count} variants done); continue it with --resume, or choose another --out");
            if (File.ReadAllText(queuePath) != identity)
                throw new InvalidOperationException($"'{outDir}' holds a queue started with another plan or --budget-scale; use the same ones, or another --out");
            return;
        }
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new InvalidOperationException($"'{outDir}' is not empty and holds no ablation queue; choose another --out");
        Directory.CreateDirectory(Path.Combine(outDir, "runs"));
        Directory.CreateDirectory(Path.Combine(outDir, "results"));
        AtomicFile.WriteAllBytes(queuePath, System.Text.Encoding.UTF8.GetBytes(identity));
    }

    public int CountDone() => setup.Variants.Count(v => File.Exists(ResultFile(v)));

    /// <summary>Runs what is left; false when cancelled (every started run has checkpointed).</summary>
    public bool Run(AblationObserver? observer = null, CancellationToken cancel = default)
    {
        observer ??= new AblationObserver();
        PatchSampler? sampler = null;   // loaded on first need, then shared: one data order for every variant
        int count = setup.Variants.Count;
        for (int i = 0; i < count; i++)
        {
            if (cancel.IsCancellationRequested) return false;
            var variant = setup.Variants[i];
            if (File.Exists(ResultFile(variant)))
            {
                observer.VariantStarting(i + 1, count, variant, "done earlier, evaluation stored");
                continue;
            }
            string runDir = RunDir(variant);
            bool started = File.Exists(Path.Combine(runDir, Trainer.StateFile));
            var trainer = started ? Trainer.Resume(runDir) : Trainer.Start(variant.Config, runDir);
            observer.VariantStarting(i + 1, count, variant, started ? $"resuming at iteration {trainer.Iteration} of {trainer.Config.Iterations}" : "starting");
            sampler ??= LoadSampler();
            if (trainer.Iteration < trainer.Config.Iterations)
                observer.Train(i + 1, count, trainer, sampler, Validator(), cancel);
            if (cancel.IsCancellationRequested) return false;

            observer.Evaluating(i + 1, count, variant);
            var result = Evaluate(variant, trainer, sampler, cancel);
            AtomicFile.WriteAllBytes(ResultFile(variant), JsonSerializer.SerializeToUtf8Bytes(result, StrictJson.Options));
            observer.VariantFinished(i + 1, count, result);
        }
        return true;
    }

    /// <summary>Stored results in plan order (null for variants not finished).</summary>
    public IReadOnlyList<VariantResult?> Results() =>
        setup.Variants.Select(v => File.Exists(ResultFile(v)) ? StrictJson.Read<VariantResult>(ResultFile(v), "variant result") : null).ToList();

    private PatchSampler LoadSampler()
    {
        var c = setup.Variants[0].Config;
        var pairs = TrainingSet.Load(c.TrainDirs, c.Scale, c.PatchSize, c.SkipSmallImages);
        return new PatchSampler(pairs, c.Scale, c.PatchSize, c.Seed);
    }

    private IValidator? Validator() => setup.ValidationSet is { } set ? new SetValidator(set) : null;   // validation only tracks progress; the table's scores use the plan's protocol

    private VariantResult Evaluate(PreparedVariant variant, Trainer trainer, PatchSampler sampler, CancellationToken cancel)
    {
        var net = trainer.Network;
        var model = new NetworkModel(variant.Variant.Label, net) { Ensemble = setup.Plan.SelfEnsemble };
        var evaluator = new Evaluator { Protocol = setup.Protocol };
        var scores = setup.Sets.Select(set =>
        {
            var (r, _) = evaluator.Evaluate(model, set, cancel: cancel);
            return new SetScore(set.Name, r.Images, r.Psnr, r.Ssim, r.MsPerImage);
        }).ToList();
        var memory = new Dictionary<string, long>();
        foreach (var size in setup.MemoryInputs)
            if (InferenceMemory.PeakBytes(new NetworkModel(variant.Variant.Label, net), size.Width, size.Height) is { } bytes)
                memory[AblationSetup.SizeName(size)] = bytes;
        return new VariantResult
        {
            Label = variant.Variant.Label,
            Parameters = net.ParameterCount(),
            MultiAdds = ModelProfile.Measure(net).MultiAdds,
            Iterations = trainer.Iteration,
            TrainSeconds = trainer.ElapsedSeconds,
            FirstBatchSha256 = FirstBatchHash(sampler, variant.Config.BatchSize),
            Sets = scores,
            PeakMemoryBytes = memory,
        };
    }

    public static string FirstBatchHash(PatchSampler sampler, int batchSize)
    {
        var (lr, hr) = sampler.Batch(1, batchSize);   // the trainer's first iteration is number 1
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(lr.Data.AsSpan()));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(hr.Data.AsSpan()));
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>What must not change between a queue's runs: the plan's content and the budget.</summary>
    private string Identity() => JsonSerializer.Serialize(new
    {
        plan = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(setup.PlanPath), StrictJson.Options),
        budgetScale = setup.BudgetScale,
    }, StrictJson.Options);
}
