using System.Text.Json;
using System.Text.Json.Serialization;
using SharpSR.Core.Serialization;
using SharpSR.Models;

namespace SharpSR.Training;

/// <summary>
/// Every option of a training run. Read from a JSON file (camelCase keys) and overridden by flags;
/// saved in the run folder and in every checkpoint so a run can be resumed or repeated.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>Architecture or preset name (s-lwsr, s-lwsr16, …).</summary>
    public string Model { get; init; } = "s-lwsr16";

    /// <summary>Architecture options JSON for a plain architecture name (null for presets).</summary>
    public string? ModelOptions { get; init; }

    public int Scale { get; init; } = 4;

    /// <summary>Folders of HR training images (PNG/JPEG/BMP/PPM), searched recursively.</summary>
    public IReadOnlyList<string> TrainDirs { get; init; } = [];

    /// <summary>Validation HR folder (e.g. Set5/HR); empty disables validation.</summary>
    public string? ValidationDir { get; init; }

    public int PatchSize { get; init; } = 48;
    public int BatchSize { get; init; } = 16;
    public int Iterations { get; init; } = 200_000;
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Multiply the learning rate by <see cref="LrGamma"/> every this many iterations (0 = never).</summary>
    public int LrStep { get; init; } = 200_000;
    public double LrGamma { get; init; } = 0.5;

    /// <summary>Alternative to LrStep: iterations at which the rate is multiplied by gamma.</summary>
    public IReadOnlyList<int>? LrMilestones { get; init; }

    /// <summary>Loss: "l1", or "hf:A,B" = A·L1 + B·HF-L1 (G-IDRN's high-frequency term; see <see cref="LossSpec"/>).</summary>
    public string Loss { get; init; } = "l1";

    /// <summary>Side of the HF loss's Gaussian low-pass (odd).</summary>
    public int HfKernel { get; init; } = 5;

    /// <summary>Sigma of the HF loss's Gaussian low-pass, in HR pixels.</summary>
    public double HfSigma { get; init; } = 1.0;

    public ulong Seed { get; init; } = 1;
    public int ValidateEvery { get; init; } = 1000;
    public int CheckpointEvery { get; init; } = 500;
    public int LogEvery { get; init; } = 50;

    /// <summary>
    /// A model file to start from instead of random weights (fine-tuning, e.g. an x2 model from the x4 body):
    /// every tensor whose name and shape match is copied; the rest (an upsampler of another scale) keeps its seeded values.
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>Skip HR images smaller than one HR patch instead of failing.</summary>
    public bool SkipSmallImages { get; init; } = true;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,   // a misspelt key must not train with a default
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainConfig FromJson(string json, string source = "config")
    {
        try
        {
            return JsonSerializer.Deserialize<TrainConfig>(json, Json) ?? throw new InvalidDataException($"{source}: empty configuration");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: invalid training configuration: {StrictJson.Explain(e, typeof(TrainConfig), Json)}", e);
        }
    }

    public void Validate()
    {
        static void Need(bool ok, string what) { if (!ok) throw new ArgumentException(what); }
        ScaleRules.CheckNetwork(Model, Scale);
        Need(TrainDirs.Count > 0, "no training folder given");
        Need(PatchSize >= 8, $"patch size {PatchSize} is too small (>= 8)");
        Need(BatchSize >= 1, $"batch size {BatchSize} must be positive");
        Need(Iterations >= 1, $"iterations {Iterations} must be positive");
        Need(LearningRate > 0, $"learning rate {LearningRate} must be positive");
        Need(CheckpointEvery >= 1 && LogEvery >= 1 && ValidateEvery >= 1, "checkpoint/log/validation intervals must be positive");
        LossSpec.Parse(Loss);
        Losses.CheckGaussian(HfKernel, HfSigma);
        Need(InitFrom is null || File.Exists(InitFrom), $"--init-from: model file '{InitFrom}' does not exist");
    }

    /// <summary>The learning rate at an iteration: a pure function, so a resumed run continues the schedule.</summary>
    public double LearningRateAt(int iteration)
    {
        int drops = LrMilestones is { Count: > 0 } m ? m.Count(x => iteration >= x) : LrStep > 0 ? iteration / LrStep : 0;
        return LearningRate * Math.Pow(LrGamma, drops);
    }
}
