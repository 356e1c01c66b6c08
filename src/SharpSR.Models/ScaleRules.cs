namespace SharpSR.Models;

/// <summary>
/// The one place that decides which scales are valid: a network's are those its architecture lists
/// (<see cref="ArchDescriptor.Scales"/>); MATLAB bicubic (the bicubic model, resize, the border metrics shave)
/// takes any integer factor from 1 to <see cref="MaxBicubic"/>. Every message reads the same way.
/// </summary>
public static class ScaleRules
{
    public const int MaxBicubic = 16;

    /// <summary>Throws unless <paramref name="scale"/> is a bicubic factor (1..16).</summary>
    public static int CheckBicubic(int scale, string what = "scale")
    {
        if (scale is < 1 or > MaxBicubic)
            throw new ArgumentException($"invalid {what} {scale}: an integer from 1 to {MaxBicubic}");
        return scale;
    }

    /// <summary>Throws unless the architecture behind <paramref name="model"/> (a name or preset) has an x<paramref name="scale"/> variant.</summary>
    public static void CheckNetwork(string model, int scale)
    {
        if (ArchRegistry.InfoOf(model) is { } arch && !arch.Scales.Contains(scale))
            throw new ArgumentException($"{model} has no x{scale} variant (scales: {List(arch.Scales)})");
    }

    /// <summary>"2, 3, 4 or 8".</summary>
    public static string List(IReadOnlyList<int> scales) =>
        scales.Count == 1 ? scales[0].ToString() : string.Join(", ", scales.Take(scales.Count - 1)) + " or " + scales[^1];
}
