namespace SharpSR.Training.Ablation;

/// <summary>
/// A paper's published figures as data (docs/ablations/published/*.json): tables of rows, each table
/// naming where in the paper its numbers come from. Reports put them beside SharpSR's own.
/// </summary>
public sealed record PublishedFigures
{
    /// <summary>The paper (authors, title, venue).</summary>
    public required string Paper { get; init; }

    public required IReadOnlyDictionary<string, PublishedTable> Tables { get; init; }

    public static PublishedFigures Load(string path) => StrictJson.Read<PublishedFigures>(path, "published-figures file");

    public PublishedTable Table(string name, string path) => Tables.TryGetValue(name, out var t) ? t
        : throw new ArgumentException($"{path}: no table '{name}' (tables: {string.Join(", ", Tables.Keys)})");
}

public sealed record PublishedTable
{
    /// <summary>Table or figure number and what it measures (scale, metric, ensemble).</summary>
    public required string Source { get; init; }

    public required IReadOnlyDictionary<string, PublishedRow> Rows { get; init; }
}

/// <summary>One row of a published table; any figure the paper does not print is absent.</summary>
public sealed record PublishedRow
{
    public double? ParamsK { get; init; }
    public double? MultiAddsG { get; init; }

    /// <summary>PSNR (dB, Y) by set name.</summary>
    public IReadOnlyDictionary<string, double> Psnr { get; init; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, double> Ssim { get; init; } = new Dictionary<string, double>();

    /// <summary>Peak memory (MB) by LR input size ("128x128").</summary>
    public IReadOnlyDictionary<string, double> PeakMemoryMb { get; init; } = new Dictionary<string, double>();

    /// <summary>What the paper prints instead of a number ("out of memory"), by column.</summary>
    public IReadOnlyDictionary<string, string> Remarks { get; init; } = new Dictionary<string, string>();
}
