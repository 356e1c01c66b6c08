using System.Globalization;
using SharpSR.Imaging;
using SharpSR.Inference;

namespace SharpSR.Training.Evaluation;

/// <summary>
/// Peak memory of one inference pass, measured as the rise of the process's peak resident set (Linux
/// VmHWM) over its resident set just before the pass: the garbage collector is first asked to return
/// what it can, then the kernel's high-water mark is reset (/proc/self/clear_refs), the pass runs, and
/// the new high-water mark is read. It counts everything the pass touches (managed arrays, native
/// buffers, code), not a tensor-level sum; freed heap the collector keeps can make it read low.
/// </summary>
public static class InferenceMemory
{
    private const string StatusFile = "/proc/self/status";
    private const string ClearRefsFile = "/proc/self/clear_refs";

    /// <summary>True where the measurement works (Linux with a writable clear_refs).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && File.Exists(ClearRefsFile) && File.Exists(StatusFile);

    /// <summary>Peak resident-set rise in bytes while upscaling one grey-noise LR image of the given size; null when unsupported.</summary>
    public static long? PeakBytes(ISrModel model, int lrWidth, int lrHeight)
    {
        if (!IsSupported) return null;
        var lr = new RgbImage(lrWidth, lrHeight, 3);
        new Random(1).NextBytes(lr.Pixels);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText(ClearRefsFile, "5");   // 5 = reset the peak RSS to the current RSS
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        long before = ReadKilobytes("VmRSS:") * 1024;
        model.Upscale(lr);
        long peak = ReadKilobytes("VmHWM:") * 1024;
        return Math.Max(0, peak - before);
    }

    private static long ReadKilobytes(string field)
    {
        foreach (var line in File.ReadLines(StatusFile))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidDataException($"{StatusFile} has no {field}");
    }
}
