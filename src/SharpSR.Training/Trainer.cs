using System.Diagnostics;
using System.Globalization;
using SharpSR.Core;
using SharpSR.Core.Memory;
using SharpSR.Core.Nn;
using SharpSR.Core.Optim;
using SharpSR.Core.Serialization;
using SharpSR.Models;
using SharpSR.Training.Data;
using SharpSR.Inference;

namespace SharpSR.Training;

/// <summary>
/// What a training run reports after each iteration (the CLI draws its progress bar from it). <see cref="Loss"/> is
/// the mean loss over the last <see cref="LossIterations"/> iterations, the figure of log.csv's latest row (NaN
/// before the first row), so the console and the log show the same quantity.
/// </summary>
public sealed record TrainProgress(int Iteration, int Total, double Loss, int LossIterations, double LearningRate, double ItersPerSecond,
                                   double? ValidationPsnr, double? ValidationSsim, string? Event);

/// <summary>The loss or the weights stopped being finite: the run stops and its last checkpoint stays as it was.</summary>
public sealed class TrainingDivergedException(string message) : InvalidOperationException(message);

/// <summary>Computes validation PSNR/SSIM of a network (Y channel, border shaved).</summary>
public interface IValidator
{
    (double Psnr, double Ssim) Validate(SrNetwork net, CancellationToken cancel);
}

/// <summary>
/// The training loop: random LR patches, L1 (or L1 + high-frequency) loss, Adam with a step schedule,
/// validation, a CSV log and SVG plot, and checkpoints from which a killed run resumes exactly.
/// Files in the run folder: config.json, state.safetensors (weights + optimizer + counters),
/// model.safetensors (latest weights), best.safetensors (best validation PSNR), log.csv, plot.svg.
/// </summary>
public sealed class Trainer
{
    public const string StateFile = "state.safetensors";
    public const string ModelFileName = "model.safetensors";
    public const string BestFileName = "best.safetensors";
    public const string LogFile = "log.csv";
    private const string LogHeader = "iteration,loss,learning_rate,elapsed_s,val_psnr,val_ssim";

    private readonly string? _runDir;   // null for a replica that writes nothing (ranks other than 0)
    private TrainConfig _config;
    private readonly SrNetwork _net;
    private readonly Adam _adam;
    private readonly TensorArena _arena = new();
    private int _iteration;
    private double _elapsed, _lossSum, _bestPsnr = double.NegativeInfinity;
    private int _lossCount, _lastCheckpoint;
    private double _loggedLoss = double.NaN;
    private int _loggedLossIterations;

    private Trainer(string? runDir, TrainConfig config, SrNetwork net, Adam adam)
    {
        _runDir = runDir;
        _config = config;
        _net = net;
        _adam = adam;
    }

    public SrNetwork Network => _net;

    /// <summary>What <see cref="TrainConfig.InitFrom"/> copied into a new run (null when it started from random weights or resumed).</summary>
    public WarmStart? WarmStarted { get; private init; }

    /// <summary>
    /// Data-parallel replicas this run is one of: each draws only its share of every global batch (rank r of N
    /// takes images [r·B/N, (r+1)·B/N)), the gradients and the loss are averaged before every Adam step, a stop
    /// request on any replica stops all at the same iteration, and every <see cref="ReplicaCheckEvery"/> iterations
    /// (and at each checkpoint) a weight hash proves the replicas still agree. Local by default.
    /// </summary>
    public IGradientReducer Reducer
    {
        get => _reducer;
        set
        {
            if (_config.BatchSize % value.Replicas != 0)
                throw new ArgumentException($"batch {_config.BatchSize} does not split evenly over {value.Replicas} replicas");
            _reducer = value;
        }
    }

    private IGradientReducer _reducer = LocalGradientReducer.Instance;

    /// <summary>Iterations between two checks that all replicas hold identical weights.</summary>
    public int ReplicaCheckEvery { get; set; } = 100;
    public int Iteration => _iteration;
    public TrainConfig Config => _config;

    /// <summary>Training time so far, summed over every resumed session.</summary>
    public double ElapsedSeconds => _elapsed;

    /// <summary>Starts a new run in an empty (or new) folder; the seed fixes the initial weights and every batch.</summary>
    public static Trainer Start(TrainConfig config, string runDir)
    {
        config.Validate();
        if (File.Exists(Path.Combine(runDir, StateFile)))
            throw new InvalidOperationException($"'{runDir}' already holds a training run; resume it with --resume, or choose another folder");
        SrNetwork net;
        using (Init.Seeded(new Random(unchecked((int)config.Seed))))
            net = ArchRegistry.Create(config.Model, config.Scale, config.ModelOptions);   // bad options fail here, before any file exists
        var warmStart = config.InitFrom is { } from ? WarmStart.Apply(net, from) : null;
        Directory.CreateDirectory(runDir);
        var trainer = new Trainer(runDir, config, net, new Adam(net.NamedParameters(), (float)config.LearningRate)) { WarmStarted = warmStart };
        AtomicFile.WriteAllBytes(Path.Combine(runDir, "config.json"), System.Text.Encoding.UTF8.GetBytes(config.ToJson()));
        File.WriteAllText(Path.Combine(runDir, LogFile), LogHeader + "\n");
        return trainer;
    }

    /// <summary>Continues a run from its last checkpoint; <paramref name="iterations"/> may extend it.</summary>
    public static Trainer Resume(string runDir, int? iterations = null, IReadOnlyList<string>? trainDirs = null, string? validationDir = null,
                                 IReadOnlyList<int>? lrMilestones = null)
    {
        string statePath = Path.Combine(runDir, StateFile);
        if (!File.Exists(statePath)) throw new FileNotFoundException($"no checkpoint to resume in '{runDir}' ({StateFile} is missing)");
        AtomicFile.RemoveOrphans(runDir);   // a run killed mid-checkpoint leaves its temp file behind
        var t = FromState(SafeTensorsFile.Read(statePath), statePath, runDir, iterations, trainDirs, validationDir, lrMilestones);
        t.TruncateLog();
        return t;
    }

    /// <summary>
    /// A replica of another trainer (what <see cref="ExportState"/> gave): the same weights, optimizer moments, counters
    /// and configuration, with no run folder, so it writes nothing — ranks other than 0 of a distributed run.
    /// </summary>
    public static Trainer Replica(byte[] state) =>
        FromState(SafeTensorsFile.Parse(state, "the training state of rank 0"), "the training state of rank 0", null, null, null, null, null);

    /// <summary>The checkpoint this trainer would write now, as bytes (state.safetensors).</summary>
    public byte[] ExportState()
    {
        var (tensors, meta) = StateContent();
        return SafeTensorsFile.Serialize(tensors, meta);
    }

    private static Trainer FromState(SafeTensorsContent content, string statePath, string? runDir, int? iterations, IReadOnlyList<string>? trainDirs,
                                     string? validationDir, IReadOnlyList<int>? lrMilestones)
    {
        var meta = content.Metadata;
        if (!meta.TryGetValue("train_config", out var cfgJson)) throw new InvalidDataException($"{statePath}: not a training checkpoint");
        var config = TrainConfig.FromJson(cfgJson, statePath);
        // Where the data lives may change on resume (another machine), and the length and rate schedule of
        // the run may be revised (the change applies from the resumed iteration on); the rest stays.
        if (iterations is { } it) config = config with { Iterations = it };
        if (lrMilestones is { Count: > 0 }) config = config with { LrMilestones = lrMilestones };
        if (trainDirs is { Count: > 0 }) config = config with { TrainDirs = trainDirs };
        if (validationDir is not null) config = config with { ValidationDir = validationDir };
        var net = ModelFile.FromContent(content, statePath);
        var adam = new Adam(net.NamedParameters(), (float)config.LearningRate);
        adam.ImportState(content.Tensors.Where(kv => kv.Key.StartsWith("optim:", StringComparison.Ordinal))
                                        .ToDictionary(kv => kv.Key["optim:".Length..], kv => kv.Value));
        var t = new Trainer(runDir, config, net, adam)
        {
            _iteration = int.Parse(meta["iteration"], CultureInfo.InvariantCulture),
            _elapsed = double.Parse(meta["elapsed_s"], CultureInfo.InvariantCulture),
            _lossSum = double.Parse(meta["loss_sum"], CultureInfo.InvariantCulture),
            _lossCount = int.Parse(meta["loss_count"], CultureInfo.InvariantCulture),
            _bestPsnr = double.Parse(meta["best_psnr"], CultureInfo.InvariantCulture),
        };
        t._lastCheckpoint = t._iteration;
        return t;
    }

    /// <summary>Trains up to the configured iteration count or until cancelled (then checkpoints and returns).</summary>
    public void Run(PatchSampler sampler, IValidator? validator, IProgress<TrainProgress>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        double startElapsed = _elapsed;
        int startIteration = _iteration;
        var step = new DataParallelStep(_net, Losses.Create(_config.Loss, _config.HfKernel, _config.HfSigma), Engine.Threads);
        var gradients = new FlatParameters(_net.Parameters());
        int replicas = _reducer.Replicas, share = _config.BatchSize / replicas;
        if (replicas > 1) CheckReplicasAgree(gradients, "at the start");
        bool stop = _reducer.Any(cancel.IsCancellationRequested);
        while (_iteration < _config.Iterations && !stop)
        {
            double lr = _config.LearningRateAt(_iteration);
            _adam.LearningRate = (float)lr;
            _iteration++;
            float stepLoss;
            using (_arena.Activate())   // every tensor of the step comes from (and goes back to) the arena
            {
                var (x, y) = sampler.Batch(_iteration, _reducer.Rank * share, share);
                _adam.ZeroGrad();
                stepLoss = step.Run(x, y);
                gradients.ReduceGradients(_reducer);
                if (replicas > 1) stepLoss = MeanOverReplicas(stepLoss);   // every replica sees (and stops on) the same loss
                if (!float.IsFinite(stepLoss)) throw Diverged($"the loss is {Describe(stepLoss)} at iteration {_iteration}", lr);
                _adam.Step();
            }
            _lossSum += stepLoss;
            _lossCount++;
            _elapsed = startElapsed + clock.Elapsed.TotalSeconds;
            double rate = (_iteration - startIteration) / Math.Max(1e-9, clock.Elapsed.TotalSeconds);

            double? psnr = null, ssim = null;
            string? evt = null;
            bool last = _iteration == _config.Iterations;
            stop = _reducer.Any(cancel.IsCancellationRequested);
            bool checkpoint = _iteration % _config.CheckpointEvery == 0 || last || stop;
            if (replicas > 1 && (_iteration % ReplicaCheckEvery == 0 || checkpoint)) CheckReplicasAgree(gradients, $"at iteration {_iteration}");
            if (validator is not null && (_iteration % _config.ValidateEvery == 0 || last))
            {
                (double p, double s) = validator.Validate(_net, cancel);
                (psnr, ssim) = (p, s);
                if (p > _bestPsnr)
                {
                    _bestPsnr = p;
                    if (_runDir is not null) ModelFile.Save(_net, Path.Combine(_runDir, BestFileName), TrainingMetadata());
                }
            }
            if (_iteration % _config.LogEvery == 0 || psnr is not null || last)
            {
                _loggedLoss = _lossCount > 0 ? _lossSum / _lossCount : double.NaN;
                _loggedLossIterations = _lossCount;
                AppendLog(_loggedLoss, lr, psnr, ssim);
                _lossSum = 0;
                _lossCount = 0;
            }
            if (checkpoint)
            {
                SaveCheckpoint();
                evt = "checkpoint";
            }
            progress?.Report(new TrainProgress(_iteration, _config.Iterations, _loggedLoss, _loggedLossIterations, lr, rate, psnr, ssim, evt));
            // A stop requested while the progress was reported ends the run here, without another iteration or a
            // checkpoint (as a kill would); `stop` is the same on every replica, so all take this call or none.
            if (!stop) stop = _reducer.Any(cancel.IsCancellationRequested);
        }
    }

    /// <summary>Writes state.safetensors, model.safetensors and plot.svg, each atomically (a replica without a run folder only checks the weights).</summary>
    public void SaveCheckpoint()
    {
        // Weights can overflow while the loss that produced them was still finite; never save them over a good checkpoint.
        if (_net.Parameters().Any(p => !AllFinite(p.Data)))
            throw Diverged($"the weights are no longer finite at iteration {_iteration}", _config.LearningRateAt(_iteration - 1));
        _lastCheckpoint = _iteration;
        if (_runDir is null) return;
        var (tensors, meta) = StateContent();
        SafeTensorsFile.Write(Path.Combine(_runDir, StateFile), tensors, meta);
        ModelFile.Save(_net, Path.Combine(_runDir, ModelFileName), TrainingMetadata());
        WritePlot();
    }

    private (List<KeyValuePair<string, Tensor>> Tensors, Dictionary<string, string> Meta) StateContent()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>(_net.StateDict());
        foreach (var (name, t) in _adam.ExportState()) tensors.Add(new("optim:" + name, t));
        var meta = new Dictionary<string, string>(TrainingMetadata())
        {
            ["format"] = "sharpsr-train-state",
            ["arch"] = _net.Arch,
            ["scale"] = _net.Scale.ToString(CultureInfo.InvariantCulture),
            ["options"] = _net.OptionsJson(),
            ["train_config"] = _config.ToJson(),
            ["loss_sum"] = _lossSum.ToString("R", CultureInfo.InvariantCulture),
            ["loss_count"] = _lossCount.ToString(CultureInfo.InvariantCulture),
            ["best_psnr"] = _bestPsnr.ToString("R", CultureInfo.InvariantCulture),
        };
        return (tensors, meta);
    }

    private float MeanOverReplicas(float value)
    {
        Span<float> v = [value];
        _reducer.AllReduceMean(v);
        return v[0];
    }

    private void CheckReplicasAgree(FlatParameters weights, string when)
    {
        if (!_reducer.AllEqual(weights.ValueHash()))
            throw new TrainingDivergedException($"the replicas' weights differ {when} (hash check): the ranks no longer train one model; the last checkpoint is kept");
    }

    private TrainingDivergedException Diverged(string what, double lr) => new(
        $"training diverged: {what} (learning rate {lr.ToString("G3", CultureInfo.InvariantCulture)}); " +
        (_lastCheckpoint > 0 ? $"the checkpoint of iteration {_lastCheckpoint} in '{_runDir}' is kept" : "no checkpoint had been written") +
        "; try a lower --lr");

    private static string Describe(float loss) => float.IsNaN(loss) ? "NaN" : "infinite";

    private static bool AllFinite(float[] data)
    {
        foreach (float v in data)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    private Dictionary<string, string> TrainingMetadata() => new()
    {
        ["iteration"] = _iteration.ToString(CultureInfo.InvariantCulture),
        ["elapsed_s"] = _elapsed.ToString("R", CultureInfo.InvariantCulture),
        ["seed"] = _config.Seed.ToString(CultureInfo.InvariantCulture),
        ["trained_on"] = string.Join(";", _config.TrainDirs.Select(d => Path.GetFileName(Path.TrimEndingDirectorySeparator(d)))),
    };

    private void AppendLog(double loss, double lr, double? psnr, double? ssim)
    {
        if (_runDir is null) return;
        var inv = CultureInfo.InvariantCulture;
        string line = string.Join(",", _iteration.ToString(inv), loss.ToString("G6", inv), lr.ToString("G6", inv), _elapsed.ToString("F1", inv),
                                  psnr?.ToString("F4", inv) ?? "", ssim?.ToString("F5", inv) ?? "");
        File.AppendAllText(Path.Combine(_runDir, LogFile), line + "\n");
    }

    /// <summary>Drops log rows written after the checkpoint being resumed (they will be produced again).</summary>
    private void TruncateLog()
    {
        string path = Path.Combine(_runDir!, LogFile);
        var kept = new List<string> { LogHeader };
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path).Skip(1))
                if (line.Split(',') is { Length: 6 } f && int.TryParse(f[0], CultureInfo.InvariantCulture, out int it) && it <= _iteration)
                    kept.Add(line);   // a row cut short by a kill or a full disk is dropped with the rest
        AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(string.Join("\n", kept) + "\n"));
    }

    public static IReadOnlyList<(int Iteration, double Loss, double? Psnr)> ReadLog(string runDir)
    {
        var rows = new List<(int, double, double?)>();
        string path = Path.Combine(runDir, LogFile);
        if (!File.Exists(path)) return rows;
        var inv = CultureInfo.InvariantCulture;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 6 || !int.TryParse(f[0], inv, out int it)) continue;
            double loss = double.TryParse(f[1], NumberStyles.Float, inv, out var l) ? l : double.NaN;
            double? psnr = double.TryParse(f[4], NumberStyles.Float, inv, out var p) ? p : null;
            rows.Add((it, loss, psnr));
        }
        return rows;
    }

    private void WritePlot()
    {
        var rows = ReadLog(_runDir!);
        var svg = SvgPlot.Render($"{_config.Model} x{_config.Scale} training", "iteration",
        [
            new("training loss (mean per log interval)", "#d62728", rows.Where(r => double.IsFinite(r.Loss)).Select(r => ((double)r.Iteration, r.Loss)).ToList()),
            new("validation PSNR (dB, Y)", "#1f77b4", rows.Where(r => r.Psnr is not null).Select(r => ((double)r.Iteration, r.Psnr!.Value)).ToList()),
        ]);
        AtomicFile.WriteAllBytes(Path.Combine(_runDir!, "plot.svg"), System.Text.Encoding.UTF8.GetBytes(svg));
    }
}
