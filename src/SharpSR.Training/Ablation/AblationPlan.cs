using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharpSR.Training.Ablation;

/// <summary>
/// An ablation plan as written in docs/ablations/plans/*.json: variants that differ only in architecture
/// options and loss, one training recipe they all share, the sets they are scored on, and where the
/// paper's figures for each row are. Parsed strictly: an unknown key or a missing field is an error.
/// </summary>
public sealed record AblationPlan
{
    /// <summary>Short name of the experiment (names the report files).</summary>
    public required string Name { get; init; }

    public required string Title { get; init; }

    /// <summary>Anything a reader of the report should know (how rows map to the paper, what differs).</summary>
    public string? Notes { get; init; }

    /// <summary>The paper's table these variants reproduce; null when the paper gives no numbers.</summary>
    public PublishedReference? Published { get; init; }

    public required AblationRecipe Recipe { get; init; }

    /// <summary>Benchmark sets (folders under the data root) every variant is scored on.</summary>
    public required IReadOnlyList<string> Sets { get; init; }

    /// <summary>How greyscale images (Set14's bridge) are scored, for every row: "y" (G-IDRN's tables) or "rgb" (s-LWSR's).</summary>
    public string Grey { get; init; } = "y";

    /// <summary>Score with the x8 self-ensemble (the papers' "+" rows).</summary>
    public bool SelfEnsemble { get; init; }

    /// <summary>LR input sizes ("128x128") at which the peak memory of one inference pass is measured.</summary>
    public IReadOnlyList<string> PeakMemoryInputs { get; init; } = [];

    /// <summary>A chart of PSNR per set against each variant's <see cref="AblationVariant.ChartX"/>.</summary>
    public AblationChart? Chart { get; init; }

    public required IReadOnlyList<AblationVariant> Variants { get; init; }
}

/// <summary>A table of a published-figures file (docs/ablations/published/*.json), relative to the plan file.</summary>
public sealed record PublishedReference
{
    public required string File { get; init; }
    public required string Table { get; init; }
}

/// <summary>The training every variant shares: same data, patches, batches, schedule and seed.</summary>
public sealed record AblationRecipe
{
    /// <summary>Folders of HR training images, relative to the data root.</summary>
    public required IReadOnlyList<string> Train { get; init; }

    public required int Scale { get; init; }
    public int Patch { get; init; } = 48;
    public int Batch { get; init; } = 16;
    public required int Iterations { get; init; }
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Iterations at which the rate is halved; scaled with --budget-scale.</summary>
    public IReadOnlyList<int>? LrMilestones { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Set validated during training (its best checkpoint is kept, the final weights are scored); null = none.</summary>
    public string? Validation { get; init; }

    public int ValidateEvery { get; init; } = 1000;
    public int CheckpointEvery { get; init; } = 500;
}

/// <summary>One row of the experiment.</summary>
public sealed record AblationVariant
{
    public required string Label { get; init; }

    /// <summary>Architecture (or preset) name, as `sharpsr models` lists them.</summary>
    public required string Model { get; init; }

    /// <summary>Architecture options (a JSON object); the scale comes from the recipe.</summary>
    public JsonElement? Options { get; init; }

    /// <summary>"l1" or "hf:A,B" (see <see cref="LossSpec"/>).</summary>
    public string Loss { get; init; } = "l1";

    /// <summary>Row of the published table this variant sits beside; null when the paper has none.</summary>
    public string? PublishedRow { get; init; }

    /// <summary>Position on the chart's x axis.</summary>
    public double? ChartX { get; init; }

    /// <summary>The options as compact JSON (as the network's metadata stores them), or null.</summary>
    public string? OptionsJson => Options is { } o ? JsonSerializer.Serialize(o) : null;
}

public sealed record AblationChart
{
    public required string Title { get; init; }
    public required string XLabel { get; init; }
}

/// <summary>Strict JSON for plans and published-figure files.</summary>
internal static class StrictJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
    };

    public static T Read<T>(string path, string what)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"{what} '{path}' does not exist");
        try
        {
            return JsonSerializer.Deserialize<T>(System.IO.File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path}: empty {what}");
        }
        catch (JsonException e)
        {
            // One line: System.Text.Json appends the path and position to its message.
            throw new InvalidDataException($"{path}: invalid {what}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }
}
