using SharpSR.Imaging;

namespace SharpSR.Training.Evaluation;

/// <summary>
/// A benchmark folder laid out as &lt;Set&gt;/HR/&lt;name&gt;.png with LR in
/// &lt;Set&gt;/LR_bicubic/X&lt;s&gt;/&lt;name&gt;x&lt;s&gt;.png (optional: missing LR is made with our MATLAB bicubic).
/// </summary>
public sealed record BenchmarkSet(string Name, string Root)
{
    public string HrDir => Path.Combine(Root, "HR");

    public static BenchmarkSet Open(string dataDir, string name)
    {
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"data folder '{dataDir}' does not exist");
        string root = Path.Combine(dataDir, name);
        if (!Directory.Exists(Path.Combine(root, "HR")))
        {
            var known = Directory.GetDirectories(dataDir).Where(d => Directory.Exists(Path.Combine(d, "HR"))).Select(Path.GetFileName);
            throw new ArgumentException($"unknown set '{name}' in '{dataDir}' (found: {string.Join(", ", known)})");
        }
        return new BenchmarkSet(name, root);
    }

    public IReadOnlyList<string> HrFiles() =>
        Directory.GetFiles(HrDir).Where(ImageFiles.IsImage).Order(StringComparer.Ordinal).ToList();

    /// <summary>The shipped LR file for an HR image and scale, or null when the set has none.</summary>
    public string? LrFile(string hrPath, int scale, string lrFolder = "LR_bicubic")
    {
        string stem = Path.GetFileNameWithoutExtension(hrPath);
        string path = Path.Combine(Root, lrFolder, $"X{scale}", $"{stem}x{scale}.png");
        return File.Exists(path) ? path : null;
    }
}
