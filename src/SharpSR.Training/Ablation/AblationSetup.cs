using System.Globalization;
using System.Text.Json;
using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Imaging.Metrics;
using SharpSR.Models;
using SharpSR.Training.Evaluation;

namespace SharpSR.Training.Ablation;

/// <summary>A variant made ready to run: its training configuration, run-folder name and published row.</summary>
public sealed record PreparedVariant(AblationVariant Variant, TrainConfig Config, string Slug, PublishedRow? Published);

/// <summary>
/// A plan checked against everything it names — data folders, sets, architectures and their options,
/// losses, published rows — with the budget applied. Building one touches no file, so a broken plan
/// is refused before anything is written.
/// </summary>
public sealed record AblationSetup(
    AblationPlan Plan, string PlanPath, double BudgetScale, IReadOnlyList<BenchmarkSet> Sets, BenchmarkSet? ValidationSet,
    PublishedTable? PublishedTable, IReadOnlyList<(int Width, int Height)> MemoryInputs, IReadOnlyList<PreparedVariant> Variants)
{
    /// <summary>One evaluation convention for every row of the table.</summary>
    public EvalProtocol Protocol { get; init; } = EvalProtocol.Default;

    public AblationRecipe Recipe => Plan.Recipe;

    /// <summary>Iterations every variant trains for (the plan's, times the budget scale).</summary>
    public int Iterations => Variants[0].Config.Iterations;

    public static AblationSetup Load(string planPath, string dataDir, double budgetScale = 1)
    {
        if (!(budgetScale > 0) || !double.IsFinite(budgetScale)) throw new ArgumentException($"--budget-scale {budgetScale} must be a positive number");
        var plan = StrictJson.Read<AblationPlan>(planPath, "ablation plan");
        string where = Path.GetFileName(planPath);
        void Need(bool ok, string what) { if (!ok) throw new ArgumentException($"{where}: {what}"); }
        Need(plan.Name.Length > 0 && Slug(plan.Name) == plan.Name, $"name '{plan.Name}' must be lower-case letters, digits and dashes");
        Need(plan.Variants.Count > 0, "no variants");
        Need(plan.Sets.Count > 0, "no sets to evaluate");
        var recipe = plan.Recipe;
        Need(recipe.Train.Count > 0, "recipe.train names no training folder");

        var sets = plan.Sets.Select(name => BenchmarkSet.Open(dataDir, name)).ToList();
        var validation = recipe.Validation is { } v ? BenchmarkSet.Open(dataDir, v) : null;
        var trainDirs = recipe.Train.Select(d => Path.Combine(dataDir, d)).ToList();
        foreach (var dir in trainDirs)
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{where}: training folder '{dir}' does not exist");
        var memoryInputs = plan.PeakMemoryInputs.Select(s => ParseSize(s, where)).ToList();
        var protocol = EvalProtocol.Default with { Grey = Checked(() => EvalProtocol.ParseGrey(plan.Grey), where) };

        PublishedTable? table = null;
        if (plan.Published is { } pub)
        {
            string file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(planPath))!, pub.File);
            table = PublishedFigures.Load(file).Table(pub.Table, file);
        }
        Need(plan.Chart is null || plan.Variants.All(x => x.ChartX is not null), "the chart needs chartX on every variant");

        var (iterations, milestones) = ScaleBudget(recipe.Iterations, recipe.LrMilestones, budgetScale);
        var variants = new List<PreparedVariant>();
        foreach (var variant in plan.Variants)
        {
            string label = $"variant '{variant.Label}'";
            Need(variant.Options is null || variant.Options.Value.ValueKind == JsonValueKind.Object, $"{label}: options must be a JSON object");
            var config = new TrainConfig
            {
                Model = variant.Model,
                ModelOptions = variant.OptionsJson,
                Scale = recipe.Scale,
                TrainDirs = trainDirs,
                ValidationDir = validation?.Root,
                PatchSize = recipe.Patch,
                BatchSize = recipe.Batch,
                Iterations = iterations,
                LearningRate = recipe.LearningRate,
                LrStep = 0,
                LrMilestones = milestones,
                Seed = recipe.Seed,
                ValidateEvery = Math.Min(recipe.ValidateEvery, iterations),
                CheckpointEvery = Math.Min(recipe.CheckpointEvery, iterations),
                Loss = variant.Loss,
            };
            try
            {
                config.Validate();
                CheckOptions(variant, recipe.Scale, recipe.Patch);
            }
            catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
            {
                throw new ArgumentException($"{where}: {label}: {e.Message.Trim('\'')}", e);
            }
            PublishedRow? row = null;
            if (variant.PublishedRow is { } rowName)
            {
                Need(table is not null, $"{label} names published row '{rowName}' but the plan names no published table");
                Need(table!.Rows.TryGetValue(rowName, out row), $"{label}: no published row '{rowName}' in {plan.Published!.Table} (rows: {string.Join(", ", table.Rows.Keys)})");
            }
            variants.Add(new PreparedVariant(variant, config, Slug(variant.Label), row));
        }
        var clash = variants.GroupBy(x => x.Slug).FirstOrDefault(g => g.Count() > 1);
        Need(clash is null, $"variant labels {string.Join(" and ", clash?.Select(x => $"'{x.Variant.Label}'") ?? [])} name the same run folder");
        return new AblationSetup(plan, planPath, budgetScale, sets, validation, table, memoryInputs, variants) { Protocol = protocol };
    }

    /// <summary>
    /// Builds the network and runs one training patch through it: the registry rejects unknown keys and bad
    /// values, and a patch too small for the network fails here rather than hours into the queue.
    /// </summary>
    private static void CheckOptions(AblationVariant variant, int scale, int patch)
    {
        if (variant.Options is { } given && given.TryGetProperty("scale", out _))
            throw new ArgumentException("the scale comes from the recipe, not the options");
        var net = ArchRegistry.Create(variant.Model, scale, variant.OptionsJson);
        using (NoGradScope.Enter()) net.Forward(Tensor.Zeros(1, 3, patch, patch));
    }

    /// <summary>The budget: iterations and milestones times the scale (milestones that collapse or pass the end are dropped).</summary>
    public static (int Iterations, IReadOnlyList<int>? Milestones) ScaleBudget(int iterations, IReadOnlyList<int>? milestones, double scale)
    {
        int scaled = Math.Max(1, (int)Math.Round(iterations * scale));
        var kept = milestones?.Select(m => Math.Max(1, (int)Math.Round(m * scale))).Where(m => m < scaled).Distinct().Order().ToList();
        return (scaled, kept is { Count: > 0 } ? kept : null);
    }

    /// <summary>A label as a folder name: lower case, runs of anything else than letters and digits become one dash.</summary>
    public static string Slug(string label)
    {
        var chars = label.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }

    private static T Checked<T>(Func<T> parse, string where)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{where}: {e.Message}", e);
        }
    }

    public static string SizeName((int Width, int Height) size) => $"{size.Width}x{size.Height}";

    private static (int, int) ParseSize(string text, string where)
    {
        var parts = text.Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) && w > 0 && h > 0)
            return (w, h);
        throw new ArgumentException($"{where}: peak-memory input '{text}' is not WIDTHxHEIGHT");
    }
}
