using System.CommandLine;
using System.Globalization;
using SharpSR.Training;
using SharpSR.Training.Ablation;
using SharpSR.Training.Data;

namespace SharpSR.Cli.Commands;

/// <summary>
/// `sharpsr ablate PLAN.json [--resume] [--budget-scale F] [--out DIR] [--data DIR]`: trains and scores every
/// variant of a plan with one recipe, then writes the table beside the paper's figures. Ctrl+C or SIGTERM
/// checkpoints and stops; a killed queue continues with --resume.
/// </summary>
public static class AblateCommand
{
    /// <summary>Without a terminal, a progress line this often.</summary>
    private static readonly TimeSpan s_lineEvery = TimeSpan.FromSeconds(5);

    public static Command Create(CliOutput output)
    {
        var planArg = new Argument<string>("plan") { Description = "ablation plan (JSON), e.g. docs/ablations/plans/g-idrn-table1.json" };
        var resume = new Option<bool>("--resume") { Description = "continue the queue already in --out (same plan and budget)" };
        var budget = new Option<double>("--budget-scale") { Description = "multiply the plan's iterations and milestones (e.g. 0.05 for a quick run)", DefaultValueFactory = _ => 1.0 };
        var outDir = new Option<string?>("--out", "-o") { Description = "output folder (default: ablation-<plan name>)" };
        var estimate = new Option<int?>("--estimate") { Description = "only time N training iterations of each variant and print what the budget would take (writes nothing)" };
        var data = new Option<string?>("--data") { Description = "data root holding the plan's training folders and sets (default: $SHARPSR_DATA, then ../shared/datasets)" };
        var cmd = new Command("ablate", "Train and score every variant of an ablation plan; table, CSV and chart beside the paper's figures")
            { planArg, resume, budget, outDir, estimate, data };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            string planPath = r.GetValue(planArg)!;
            string dataDir = r.GetValue(data) ?? EvalCommand.DefaultDataDir()
                ?? throw new DirectoryNotFoundException("no data folder: pass --data, set SHARPSR_DATA, or place the datasets at ../shared/datasets");
            double scale = r.GetValue(budget);
            // Everything the plan names is checked before the output folder is touched.
            var setup = AblationSetup.Load(planPath, dataDir, scale);
            if (r.GetValue(estimate) is { } timed) return Estimate(output, setup, timed);
            string? chosenDir = r.GetValue(outDir);
            string dir = chosenDir ?? "ablation-" + setup.Plan.Name;
            var queue = new AblationQueue(setup, dir);
            queue.Open(r.GetValue(resume));
            string command = $"sharpsr ablate {planPath}" + (scale != 1 ? $" --budget-scale {scale.ToString("G", CultureInfo.InvariantCulture)}" : "")
                + (chosenDir is not null ? $" --out {chosenDir}" : "");
            output.Out.WriteLine($"{setup.Plan.Title}: {setup.Variants.Count} variants into {dir}");
            output.Out.WriteLine("budget: " + AblationReport.DescribeBudget(setup));

            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            System.Console.CancelKeyPress += onCancel;
            using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cancel.Cancel(); });
            bool finished;
            try
            {
                finished = queue.Run(new ConsoleObserver(output), cancel.Token);
            }
            finally
            {
                System.Console.CancelKeyPress -= onCancel;
            }
            // The report is rewritten after every session, so a stopped queue still shows its finished rows.
            var files = new AblationReport(setup, queue.Results(), command).Write(dir);
            output.Out.WriteLine(finished
                ? $"done: {string.Join(", ", files)}"
                : $"stopped after {queue.CountDone()} of {setup.Variants.Count} variants; continue with: {command}{(chosenDir is null ? $" --out {dir}" : "")} --resume");
            return finished ? 0 : 130;
        }));
        return cmd;
    }

    private static int Estimate(CliOutput output, AblationSetup setup, int iterations)
    {
        var inv = CultureInfo.InvariantCulture;
        output.Out.WriteLine($"timing {iterations} iteration(s) of each variant; budget: " + AblationReport.DescribeBudget(setup));
        var estimates = AblationEstimate.Measure(setup, iterations, (k, n, e) => output.Out.WriteLine(
            $"variant {k} of {n}: {e.Variant.Variant.Label}: {e.SecondsPerIteration.ToString("F3", inv)} s/iteration, {Hours(e.TrainSeconds)} of training"));
        output.Out.WriteLine($"all {estimates.Count} variants: {Hours(estimates.Sum(e => e.TrainSeconds))} of training (evaluation not included)");
        return 0;
    }

    private static string Hours(double seconds) => (seconds / 3600).ToString("F1", CultureInfo.InvariantCulture) + " h";

    /// <summary>Prints "variant k of n" and the training progress of each variant.</summary>
    private sealed class ConsoleObserver(CliOutput output) : AblationObserver
    {
        public override void VariantStarting(int index, int count, PreparedVariant variant, string state) =>
            output.Out.WriteLine($"variant {index} of {count}: {variant.Variant.Label} ({state})");

        public override void Train(int index, int count, Trainer trainer, PatchSampler sampler, IValidator? validator, CancellationToken cancel) =>
            TrainProgressView.Run(output, trainer, sampler, validator, cancel, $"variant {index} of {count}: ", s_lineEvery);

        public override void Evaluating(int index, int count, PreparedVariant variant) =>
            output.Out.WriteLine($"variant {index} of {count}: {variant.Variant.Label}: evaluating");

        public override void VariantFinished(int index, int count, VariantResult result) =>
            output.Out.WriteLine($"variant {index} of {count}: {result.Label}: " +
                string.Join(", ", result.Sets.Select(s => $"{s.Set} {s.Psnr.ToString("F2", CultureInfo.InvariantCulture)} dB")));
    }
}
