using System.Globalization;
using SharpSR.Core.Serialization;
using SharpSR.Imaging;
using SharpSR.Testing;
using SharpSR.Training;
using SharpSR.Training.Ablation;
using SharpSR.Training.Data;
using SharpSR.Training.Tests;
using Xunit;

namespace SharpSR.Cli.Tests;

public class AblateCommandTests
{
    /// <summary>A data root (train/ and Set5/HR/ of synthetic images), a published-figures file and a two-variant plan.</summary>
    private sealed class TinyAblation
    {
        public string DataDir { get; } = TestData.NewTempDir("sharpsr-ablate-data");
        public string PlanDir { get; } = TestData.NewTempDir("sharpsr-ablate-plan");
        public string PlanPath => Path.Combine(PlanDir, "tiny.json");

        public TinyAblation()
        {
            string train = Path.Combine(DataDir, "train");
            Directory.CreateDirectory(train);
            for (int i = 0; i < 3; i++) ImageIO.Save(SyntheticImages.Make(40 + 4 * i, 36, i + 1), Path.Combine(train, $"t{i}.png"));
            string hr = Path.Combine(DataDir, "Set5", "HR");
            Directory.CreateDirectory(hr);
            for (int i = 0; i < 2; i++) ImageIO.Save(SyntheticImages.Make(36, 32, 10 + i), Path.Combine(hr, $"v{i}.png"));
            File.WriteAllText(Path.Combine(PlanDir, "published.json"), """
                { "paper": "a test paper", "tables": { "T": { "source": "test table",
                  "rows": { "a": { "paramsK": 1.5, "psnr": { "Set5": 31.25 } }, "b": { "psnr": { "Set5": 30.75 } } } } } }
                """);
            WritePlan(Plan());
        }

        public static string Plan(string variants = DefaultVariants, string extra = "") => $$"""
            {
              "name": "tiny", "title": "Tiny ablation",
              "published": { "file": "published.json", "table": "T" },
              "recipe": { "train": ["train"], "scale": 2, "patch": 16, "batch": 2, "iterations": 6, "learningRate": 0.002,
                          "lrMilestones": [4], "seed": 3, "checkpointEvery": 2 },
              "sets": ["Set5"], "peakMemoryInputs": ["16x16"],
              "chart": { "title": "tiny chart", "xLabel": "variant number" },
              {{extra}}
              "variants": [{{variants}}]
            }
            """;

        public const string DefaultVariants = """
            { "label": "s-LWSR f4", "model": "s-lwsr", "options": { "features": 4, "activations": "half" }, "publishedRow": "a", "chartX": 1 },
            { "label": "G-IDRN f8", "model": "g-idrn", "options": { "features": 8, "anrb": "50" }, "loss": "hf:0.4,0.6", "publishedRow": "b", "chartX": 2 }
            """;

        public void WritePlan(string json) => File.WriteAllText(PlanPath, json);

        public string NewOut() => Path.Combine(TestData.NewTempDir("sharpsr-ablate-out"), "out");

        public (int Exit, string Out, string Err) Run(string outDir, params string[] extra) =>
            CliRunner.Run(["ablate", PlanPath, "--data", DataDir, "--out", outDir, .. extra]);

        /// <summary>Runs the queue into a fresh folder, which it must finish; returns the folder and what was printed.</summary>
        public (string OutDir, string Out) RunToEnd(params string[] extra)
        {
            string outDir = NewOut();
            var (exit, stdout, err) = Run(outDir, extra);
            Assert.True(exit == 0, err + stdout);
            return (outDir, stdout);
        }
    }

    /// <summary>The CSV without the columns that depend on the machine's speed and memory.</summary>
    private static List<string> ReproducibleCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var keep = Enumerable.Range(0, header.Length).Where(i => header[i] is not ("ms_per_image" or "train_s") && !header[i].StartsWith("peak_mb_", StringComparison.Ordinal)).ToList();
        // Labels, options and losses here hold no commas inside their quotes except the loss "hf:0.4,0.6", kept whole by the split below.
        return lines.Select(l => string.Join(",", keep.Select(i => SplitCsv(l)[i]))).ToList();
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }

    [Fact]
    public void Ablate_TinyPlan_WritesTableCsvAndChartBesideThePublishedFigures()
    {
        var tiny = new TinyAblation();
        var (outDir, stdout) = tiny.RunToEnd("--budget-scale", "2");
        Assert.Contains("variant 1 of 2: s-LWSR f4", stdout);
        Assert.Contains("variant 2 of 2: G-IDRN f8", stdout);
        Assert.Contains("budget: 12 iterations per variant (the plan's 6 x budget-scale 2)", stdout);

        string md = File.ReadAllText(Path.Combine(outDir, "tiny.md"));
        Assert.Contains("**Budget:** 12 iterations per variant", md);
        Assert.Contains("test table", md);
        Assert.Contains("greyscale images by the `y` convention", md);
        Assert.Contains("--budget-scale 2", md);
        var sLwsrRow = md.Split('\n').Single(l => l.StartsWith("| s-LWSR f4 |", StringComparison.Ordinal));
        Assert.Contains("/ 31.25", sLwsrRow);   // the published PSNR beside ours
        Assert.Contains("/ 1.5", sLwsrRow);     // and the published params (K)
        Assert.Contains("Set5 PSNR: our order of the rows agrees with the paper's on", md);

        var csv = File.ReadAllLines(Path.Combine(outDir, "tiny.csv"));
        Assert.Equal(3, csv.Length);
        var header = csv[0].Split(',');
        foreach (var (line, published) in csv.Skip(1).Zip(new[] { 31.25, 30.75 }))
        {
            var cells = SplitCsv(line);
            double psnr = double.Parse(cells[Array.IndexOf(header, "Set5_psnr")], CultureInfo.InvariantCulture);
            Assert.InRange(psnr, 10, 60);
            Assert.Equal(published, double.Parse(cells[Array.IndexOf(header, "Set5_psnr_paper")], CultureInfo.InvariantCulture));
            Assert.Equal("12", cells[Array.IndexOf(header, "iterations")]);
            Assert.True(long.Parse(cells[Array.IndexOf(header, "params")], CultureInfo.InvariantCulture) > 0);
            Assert.True(long.Parse(cells[Array.IndexOf(header, "multi_adds")], CultureInfo.InvariantCulture) > 0);
        }
        // Counts are the networks' own: the s-LWSR row's params equal the architecture's count at x2.
        long expected = SharpSR.Models.ArchRegistry.Create("s-lwsr", 2, """{"features":4}""").ParameterCount();
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), SplitCsv(csv[1])[Array.IndexOf(header, "params")]);

        string svg = File.ReadAllText(Path.Combine(outDir, "tiny.svg"));
        Assert.StartsWith("<svg", svg);
        Assert.Contains("Set5: PSNR (dB, Y), SharpSR", svg);
        Assert.Contains("<polyline", svg);
    }

    [Fact]
    public void Ablate_StoppedMidQueue_ResumesWithoutRetrainingAndMatchesAnUninterruptedRun()
    {
        var tiny = new TinyAblation();
        var (straight, _) = tiny.RunToEnd();

        // Stop the queue in the middle of the second variant's training, as a kill would (its last checkpoint stays).
        string stopped = tiny.NewOut();
        var setup = AblationSetup.Load(tiny.PlanPath, tiny.DataDir);
        var queue = new AblationQueue(setup, stopped);
        queue.Open(resume: false);
        using (var cancel = new CancellationTokenSource())
            Assert.False(queue.Run(new StopDuringVariant(2, atIteration: 3, cancel), cancel.Token));
        string firstState = Path.Combine(queue.RunDir(setup.Variants[0]), Trainer.StateFile);
        var firstBytes = File.ReadAllBytes(firstState);
        var firstWritten = File.GetLastWriteTimeUtc(firstState);
        Assert.True(File.Exists(queue.ResultFile(setup.Variants[0])));
        Assert.False(File.Exists(queue.ResultFile(setup.Variants[1])));
        int stoppedAt = int.Parse(SafeTensorsFile.Read(Path.Combine(queue.RunDir(setup.Variants[1]), Trainer.StateFile)).Metadata["iteration"], CultureInfo.InvariantCulture);
        Assert.Equal(2, stoppedAt);   // the checkpoint before the stop (every 2 iterations)

        // Without --resume the folder is refused; with it the queue continues.
        var (exit, stdout, err) = tiny.Run(stopped);
        Assert.NotEqual(0, exit);
        Assert.Contains("--resume", err);
        (exit, stdout, err) = tiny.Run(stopped, "--resume");
        Assert.True(exit == 0, err + stdout);
        Assert.Contains("variant 1 of 2: s-LWSR f4 (done earlier, evaluation stored)", stdout);
        Assert.Contains("variant 2 of 2: G-IDRN f8 (resuming at iteration 2 of 6)", stdout);
        Assert.Equal(firstBytes, File.ReadAllBytes(firstState));
        Assert.Equal(firstWritten, File.GetLastWriteTimeUtc(firstState));

        Assert.Equal(ReproducibleCsv(Path.Combine(straight, "tiny.csv")), ReproducibleCsv(Path.Combine(stopped, "tiny.csv")));
    }

    [Fact]
    public void Ablate_ChangedBudgetOnResume_IsRefused()
    {
        var tiny = new TinyAblation();
        string outDir = tiny.NewOut();
        var setup = AblationSetup.Load(tiny.PlanPath, tiny.DataDir);
        new AblationQueue(setup, outDir).Open(resume: false);
        var (exit, _, err) = tiny.Run(outDir, "--resume", "--budget-scale", "3");
        Assert.NotEqual(0, exit);
        Assert.Contains("another plan or --budget-scale", err);
    }

    [Fact]
    public void Ablate_Variants_TrainOnTheSameBatchesInTheSameOrder()
    {
        var tiny = new TinyAblation();
        var (outDir, _) = tiny.RunToEnd();
        var setup = AblationSetup.Load(tiny.PlanPath, tiny.DataDir);
        var queue = new AblationQueue(setup, outDir);
        // Each run folder's own saved configuration rebuilds the sampler: every variant's batches are the same.
        var hashes = setup.Variants.Select(v =>
        {
            var config = TrainConfig.FromJson(File.ReadAllText(Path.Combine(queue.RunDir(v), "config.json")));
            var sampler = new PatchSampler(TrainingSet.Load(config.TrainDirs, config.Scale, config.PatchSize, config.SkipSmallImages), config.Scale, config.PatchSize, config.Seed);
            return string.Join(";", Enumerable.Range(1, config.Iterations).Select(i => Hash(sampler.Batch(i, config.BatchSize))));
        }).ToList();
        Assert.Single(hashes.Distinct());
        var stored = queue.Results().Select(r => r!.FirstBatchSha256).ToList();
        Assert.Single(stored.Distinct());

        // The hash does see the data: another seed gives another first batch.
        var pairs = TrainingSet.Load([Path.Combine(tiny.DataDir, "train")], 2, 16, true);
        Assert.NotEqual(AblationQueue.FirstBatchHash(new PatchSampler(pairs, 2, 16, 3), 2), AblationQueue.FirstBatchHash(new PatchSampler(pairs, 2, 16, 4), 2));
        Assert.Equal(stored[0], AblationQueue.FirstBatchHash(new PatchSampler(pairs, 2, 16, 3), 2));
    }

    private static string Hash((SharpSR.Core.Tensor Lr, SharpSR.Core.Tensor Hr) batch) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(batch.Lr.Data.Concat(batch.Hr.Data).ToArray().AsSpan())));

    public static TheoryData<string, string, string> BrokenPlans => new()
    {
        { "bad JSON", "{ \"name\": \"tiny\", ", "invalid ablation plan" },
        { "unknown key", TinyAblation.Plan(extra: "\"iterationz\": 5,"), "iterationz" },
        { "missing field", TinyAblation.Plan().Replace("\"title\": \"Tiny ablation\",", ""), "title" },
        { "unknown set", TinyAblation.Plan().Replace("[\"Set5\"]", "[\"Set5\", \"Set99\"]"), "unknown set 'Set99'" },
        { "unknown variant option", TinyAblation.Plan().Replace("\"features\": 4,", "\"featurez\": 4,"), "unknown key 'featurez'" },
        { "bad option value", TinyAblation.Plan().Replace("\"anrb\": \"50\"", "\"anrb\": \"51\""), "ANRB sampling '51'" },
        { "unknown model", TinyAblation.Plan().Replace("\"model\": \"g-idrn\"", "\"model\": \"g-idrm\""), "unknown model 'g-idrm'" },
        { "bad grey convention", TinyAblation.Plan(extra: "\"grey\": \"rgbx\","), "invalid grey policy 'rgbx'" },
        { "bad loss", TinyAblation.Plan().Replace("hf:0.4,0.6", "hf:0.4"), "unknown loss" },
        { "unknown published row", TinyAblation.Plan().Replace("\"publishedRow\": \"b\"", "\"publishedRow\": \"c\""), "no published row 'c'" },
        { "patch too small for a network", TinyAblation.Plan().Replace("\"patch\": 16", "\"patch\": 12"), "smaller than 15x15" },
        { "same run folder", TinyAblation.Plan().Replace("G-IDRN f8", "s-lwsr F4"), "name the same run folder" },
    };

    [Theory]
    [MemberData(nameof(BrokenPlans))]
    public void Ablate_BrokenPlan_OneClearLineAndWritesNothing(string what, string plan, string message)
    {
        var tiny = new TinyAblation();
        tiny.WritePlan(plan);
        string outDir = tiny.NewOut();
        var (exit, stdout, err) = tiny.Run(outDir);
        Assert.True(exit != 0, what);
        Assert.Equal("", stdout);
        var lines = err.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(message, lines[0]);
        Assert.False(Directory.Exists(outDir), $"{what}: the output folder was created");
    }

    [Fact]
    public void Ablate_Estimate_TimesEveryVariantAndWritesNothing()
    {
        var tiny = new TinyAblation();
        string outDir = tiny.NewOut();
        var (exit, stdout, err) = tiny.Run(outDir, "--estimate", "2", "--budget-scale", "100");
        Assert.True(exit == 0, err + stdout);
        Assert.Matches(@"variant 1 of 2: s-LWSR f4: \d+\.\d{3} s/iteration, \d+\.\d h of training", stdout);
        Assert.Matches(@"variant 2 of 2: G-IDRN f8: \d+\.\d{3} s/iteration", stdout);
        Assert.Contains("all 2 variants:", stdout);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void ScaleBudget_ScalesIterationsAndMilestones()
    {
        var (iterations, milestones) = AblationSetup.ScaleBudget(40000, [30000, 36000], 0.05);
        Assert.Equal(2000, iterations);
        Assert.Equal([1500, 1800], milestones!);
        (iterations, milestones) = AblationSetup.ScaleBudget(10, [9], 0.1);
        Assert.Equal(1, iterations);
        Assert.Null(milestones);   // a milestone at or past the end is dropped
    }

    [Fact]
    public void RepositoryPlans_AllLoadAgainstTheDatasets()
    {
        string data = TestData.RequireDatasets();
        var plans = Directory.GetFiles(Path.Combine(TestData.RepoRoot, "docs", "ablations", "plans"), "*.json");
        Assert.True(plans.Length >= 7, $"expected the seven experiments' plans, found {plans.Length}");
        foreach (var plan in plans)
            Assert.NotEmpty(AblationSetup.Load(plan, data).Variants);   // throws, naming the plan, on anything it cannot run
    }

    /// <summary>Cancels the queue when a given variant's training reaches an iteration.</summary>
    private sealed class StopDuringVariant(int variant, int atIteration, CancellationTokenSource cancel) : AblationObserver
    {
        public override void Train(int index, int count, Trainer trainer, PatchSampler sampler, IValidator? validator, CancellationToken token) =>
            trainer.Run(sampler, validator, new SyncProgress<TrainProgress>(p => { if (index == variant && p.Iteration == atIteration) cancel.Cancel(); }), token);
    }
}
