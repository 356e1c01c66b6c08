using System.CommandLine;
using System.Globalization;
using SharpSR.Cli.Distributed;
using SharpSR.Training;
using SharpSR.Training.Data;
using SharpSR.Training.Evaluation;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>
/// `sharpsr train --data DIR[,DIR] --run RUN_DIR [--config FILE] [flags]` and `sharpsr train --resume RUN_DIR`.
/// Ctrl+C checkpoints and stops; the run resumes exactly where it stopped.
/// </summary>
public static class TrainCommand
{
    public static Command Create(CliOutput output)
    {
        var config = new Option<string?>("--config") { Description = "JSON file with any training option (flags override it)" };
        var resume = new Option<string?>("--resume") { Description = "continue the run in this folder from its last checkpoint (--data, --val, --iterations and --lr-milestones may be given again)" };
        var run = new Option<string?>("--run") { Description = "run folder (checkpoints, log.csv, plot.svg)" };
        var data = new Option<string?>("--data") { Description = "comma-separated folders of HR training images" };
        var model = new Option<string?>("--model", "-m") { Description = "architecture or preset (default s-lwsr16)" };
        var options = ModelOptions.ArchOptions();
        var scale = new Option<int?>("--scale", "-s") { Description = "upscaling factor (default 4)" };
        var iterations = new Option<int?>("--iterations") { Description = "total iterations" };
        var batch = new Option<int?>("--batch") { Description = "batch size (default 16)" };
        var patch = new Option<int?>("--patch") { Description = "LR patch size (default 48)" };
        var lr = new Option<double?>("--lr") { Description = "learning rate (default 1e-4)" };
        var lrStep = new Option<int?>("--lr-step") { Description = "halve (gamma) the rate every N iterations" };
        var lrMilestones = new Option<string?>("--lr-milestones") { Description = "comma-separated iterations at which the rate is halved (gamma), e.g. 30000,36000" };
        var seed = new Option<ulong?>("--seed") { Description = "seed of weights and batches (default 1)" };
        var val = new Option<string?>("--val") { Description = "validation set folder (with HR/), e.g. ../shared/datasets/Set5" };
        var valEvery = new Option<int?>("--val-every") { Description = "validate every N iterations" };
        var ckptEvery = new Option<int?>("--checkpoint-every") { Description = "checkpoint every N iterations" };
        var loss = new Option<string?>("--loss") { Description = LossSpec.Help };
        var hfKernel = new Option<int?>("--hf-kernel") { Description = "side of the HF loss's Gaussian low-pass (default 5)" };
        var hfSigma = new Option<double?>("--hf-sigma") { Description = "sigma of the HF loss's Gaussian low-pass (default 1)" };
        var initFrom = new Option<string?>("--init-from") { Description = "start from this model file's weights where names and shapes match (e.g. fine-tune x2 from an x4 model)" };
        var cmd = new Command("train", "Train a network on HR images (LR made by MATLAB bicubic)")
            { config, resume, run, data, model, options, scale, iterations, batch, patch, lr, lrStep, lrMilestones, seed, val, valEvery, ckptEvery, loss, hfKernel, hfSigma, initFrom };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            System.Console.CancelKeyPress += onCancel;
            // SIGTERM (kill, a scheduler's stop) checkpoints and stops too; only SIGKILL loses the iterations since the last checkpoint.
            using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cancel.Cancel(); });
            try
            {
                // Under mpirun every rank runs this command; only then is MPI loaded (see DistributedTraining).
                if (MpiLaunch.Detected) return DistributedTraining.Run(output, Open, cancel.Token);
                var opened = Open(1);
                TrainProgressView.Run(output, opened.Trainer, opened.Sampler, opened.Validator, cancel.Token);
                output.Out.WriteLine(cancel.IsCancellationRequested
                    ? $"stopped at iteration {opened.Trainer.Iteration}; checkpoint saved. Continue with: sharpsr train --resume {opened.RunDir}"
                    : $"done: {Path.Combine(opened.RunDir, Trainer.ModelFileName)}");
                return 0;
            }
            finally
            {
                System.Console.CancelKeyPress -= onCancel;
            }

            // A new run or a resumed one, its training images loaded, ready to run (what rank 0 of a distributed run shares).
            OpenedRun Open(int replicas)
            {
                Trainer? trainer = null;
                TrainConfig c;
                string runDir;
                if (r.GetValue(resume) is { } resumeDir)
                {
                    runDir = resumeDir;
                    trainer = Trainer.Resume(runDir, r.GetValue(iterations),
                        r.GetValue(data) is { } moved ? EvalCommand.Split(moved) : null, r.GetValue(val),
                        ParseMilestones(r.GetValue(lrMilestones)));
                    output.Out.WriteLine($"resuming {runDir} at iteration {trainer.Iteration}");
                    c = trainer.Config;
                }
                else
                {
                    var cfg = r.GetValue(config) is { } path ? TrainConfig.FromJson(ReadText(path), path) : new TrainConfig();
                    cfg = cfg with
                    {
                        TrainDirs = r.GetValue(data) is { } d ? EvalCommand.Split(d) : cfg.TrainDirs,
                        Model = r.GetValue(model) ?? cfg.Model,
                        ModelOptions = r.GetValue(options) ?? cfg.ModelOptions,
                        Scale = r.GetValue(scale) ?? cfg.Scale,
                        Iterations = r.GetValue(iterations) ?? cfg.Iterations,
                        BatchSize = r.GetValue(batch) ?? cfg.BatchSize,
                        PatchSize = r.GetValue(patch) ?? cfg.PatchSize,
                        LearningRate = r.GetValue(lr) ?? cfg.LearningRate,
                        LrStep = r.GetValue(lrStep) ?? cfg.LrStep,
                        LrMilestones = ParseMilestones(r.GetValue(lrMilestones)) ?? cfg.LrMilestones,
                        Seed = r.GetValue(seed) ?? cfg.Seed,
                        ValidationDir = r.GetValue(val) ?? cfg.ValidationDir,
                        ValidateEvery = r.GetValue(valEvery) ?? cfg.ValidateEvery,
                        CheckpointEvery = r.GetValue(ckptEvery) ?? cfg.CheckpointEvery,
                        Loss = r.GetValue(loss) ?? cfg.Loss,
                        HfKernel = r.GetValue(hfKernel) ?? cfg.HfKernel,
                        HfSigma = r.GetValue(hfSigma) ?? cfg.HfSigma,
                        InitFrom = r.GetValue(initFrom) ?? cfg.InitFrom,
                    };
                    runDir = r.GetValue(run) ?? throw new ArgumentException("name the run folder with --run (or continue one with --resume)");
                    cfg.Validate();
                    c = cfg;
                }
                if (c.BatchSize % replicas != 0)
                    throw new ArgumentException($"batch {c.BatchSize} does not split evenly over {replicas} ranks; choose a --batch divisible by {replicas}");
                output.Out.WriteLine($"loading {string.Join(", ", c.TrainDirs)} (LR by MATLAB bicubic x{c.Scale})");
                var images = TrainingSet.LoadWithReport(c.TrainDirs, c.Scale, c.PatchSize, c.SkipSmallImages);
                foreach (var bad in images.Skipped.Where(x => !x.TooSmall))
                    output.Error.WriteLine($"skipped {bad.Path}: {bad.Reason}");
                trainer ??= Trainer.Start(c, runDir);   // a new run's folder appears only once its data has loaded
                if (trainer.WarmStarted is { } warm) output.Out.WriteLine(warm.Describe());
                var sampler = new PatchSampler(images.Pairs, c.Scale, c.PatchSize, c.Seed);
                IValidator? validator = string.IsNullOrEmpty(c.ValidationDir) ? null
                    : new SetValidator(new BenchmarkSet(Path.GetFileName(Path.TrimEndingDirectorySeparator(c.ValidationDir)), c.ValidationDir));
                output.Out.WriteLine($"{images.Pairs.Count} training images{SkippedSummary(images.Skipped, c.PatchSize * c.Scale)}; {c.Model} x{c.Scale}, {trainer.Network.ParameterCount():N0} parameters; iterations {trainer.Iteration}..{c.Iterations}");
                return new OpenedRun(trainer, sampler, validator, runDir, images.Pairs);
            }
        }));
        return cmd;
    }

    /// <summary>" (51 smaller than one 192-pixel HR patch skipped, 1 unreadable skipped)", or "" when none were.</summary>
    private static string SkippedSummary(IReadOnlyList<SkippedImage> skipped, int hrPatch)
    {
        int small = skipped.Count(x => x.TooSmall), unreadable = skipped.Count - small;
        var parts = new List<string>();
        if (small > 0) parts.Add($"{small} smaller than one {hrPatch}-pixel HR patch skipped");
        if (unreadable > 0) parts.Add($"{unreadable} unreadable skipped");
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    private static string ReadText(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new FileNotFoundException($"config file '{path}' does not exist");

    private static int[]? ParseMilestones(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
                throw new ArgumentException($"--lr-milestones: '{parts[i]}' is not a positive iteration number");
        if (values.Length == 0 || values.Zip(values.Skip(1)).Any(p => p.First >= p.Second))
            throw new ArgumentException($"--lr-milestones: expected increasing iteration numbers, got '{text}'");
        return values;
    }
}

/// <summary>A training run ready to go: its trainer, batches, validation, folder and training images.</summary>
internal sealed record OpenedRun(Trainer Trainer, PatchSampler Sampler, IValidator? Validator, string RunDir, IReadOnlyList<TrainingPair> Images);

/// <summary>The live view of a training run: a bar with it/s, loss, ETA and the last validation PSNR.</summary>
public static class TrainProgressView
{
    /// <param name="label">prefix of every line (e.g. "variant 2 of 5: …")</param>
    /// <param name="lineEvery">without a terminal, print a line at this interval instead of every LogEvery iterations</param>
    public static void Run(CliOutput output, Trainer trainer, PatchSampler sampler, IValidator? validator, CancellationToken cancel,
                           string label = "", TimeSpan? lineEvery = null)
    {
        var inv = CultureInfo.InvariantCulture;
        double? lastPsnr = null;
        string Describe(TrainProgress p) =>
            $"{label}it {p.Iteration}/{p.Total}  {LossText(p)}  {p.ItersPerSecond.ToString("F2", inv)} it/s  lr {p.LearningRate.ToString("G3", inv)}" +
            (lastPsnr is { } v ? $"  val {v.ToString("F2", inv)} dB" : "");
        // The same figure as log.csv's latest row, labelled as the mean it is.
        string LossText(TrainProgress p) => p.LossIterations == 0 ? "loss -" : $"loss {p.Loss.ToString("F4", inv)} (mean of {p.LossIterations} it)";
        if (!output.IsInteractive)
        {
            int every = Math.Max(1, trainer.Config.LogEvery);
            var sinceLine = System.Diagnostics.Stopwatch.StartNew();
            trainer.Run(sampler, validator, new SyncProgress<TrainProgress>(p =>
            {
                lastPsnr = p.ValidationPsnr ?? lastPsnr;
                bool due = lineEvery is { } interval ? sinceLine.Elapsed >= interval || p.Iteration == p.Total : p.Iteration % every == 0;
                if (due || p.ValidationPsnr is not null)
                {
                    sinceLine.Restart();
                    double eta = (p.Total - p.Iteration) / Math.Max(1e-9, p.ItersPerSecond);
                    output.Out.WriteLine(Describe(p) + $"  eta {TimeSpan.FromSeconds(eta):hh\\:mm\\:ss}");
                }
            }), cancel);
            return;
        }
        output.Console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: trainer.Config.Iterations);
                task.Value = trainer.Iteration;
                trainer.Run(sampler, validator, new SyncProgress<TrainProgress>(p =>
                {
                    lastPsnr = p.ValidationPsnr ?? lastPsnr;
                    task.Value = p.Iteration;
                    task.Description = Markup.Escape(Describe(p));
                }), cancel);
            });
    }
}
