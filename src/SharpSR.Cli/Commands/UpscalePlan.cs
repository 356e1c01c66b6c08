using SharpSR.Imaging;
using SharpSR.Training.Evaluation;

namespace SharpSR.Cli.Commands;

/// <summary>One image to upscale and where its result goes.</summary>
public sealed record UpscaleJob(string Source, string Destination);

/// <summary>
/// Works out every output path of an upscale run and refuses, before any image is touched, whatever could
/// lose work: two inputs writing one output, an output that is an input, a file name given for several
/// images, an output folder inside an input folder being read back as input.
/// </summary>
public static class UpscalePlan
{
    // Case-insensitive, as two names differing only in case are one file on Windows and macOS.
    private static readonly StringComparer s_paths = StringComparer.OrdinalIgnoreCase;

    /// <param name="tag">How a default output name says the size, e.g. "x4" in photo_x4.png.</param>
    public static IReadOnlyList<UpscaleJob> Create(IReadOnlyList<string> inputs, string? output, string tag)
    {
        string? outFull = output is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        var sources = new List<(string Src, string? Folder)>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                // An output folder inside the input folder holds results of an earlier run, not inputs.
                bool outputInside = outFull is not null && IsInside(outFull, Path.TrimEndingDirectorySeparator(Path.GetFullPath(input)));
                sources.AddRange(ImageFiles.Find(input).Where(f => !outputInside || !IsInside(f, outFull!)).Select(f => (f, (string?)input)));
            }
            else if (File.Exists(input)) sources.Add((input, null));
            else throw new FileNotFoundException($"input '{input}' does not exist");
        }
        if (sources.Count == 0) throw new ArgumentException("no images found in the given folder(s)");

        bool several = sources.Count > 1 || sources[0].Folder is not null;
        bool toFolder = several || (output is not null && Directory.Exists(output));
        if (output is not null)
        {
            if (several && (File.Exists(output) || ImageFiles.IsImage(output) && !Directory.Exists(output)))
                throw new ArgumentException($"-o '{output}' names a file, but there are {sources.Count} images to upscale: give a folder");
            if (!toFolder)
            {
                string dir = Path.GetDirectoryName(Path.GetFullPath(output))!;
                if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"output folder '{dir}' does not exist");
                ImageIO.EncoderFor(output);
            }
        }

        var jobs = sources.Select(s => new UpscaleJob(s.Src, Destination(s.Src, s.Folder, output, toFolder, tag))).ToList();
        var inputSet = new HashSet<string>(sources.Select(s => Path.GetFullPath(s.Src)), s_paths);
        foreach (var job in jobs.Where(j => inputSet.Contains(Path.GetFullPath(j.Destination))))
            throw new ArgumentException($"the output '{job.Destination}' would overwrite an input image; choose another output folder or name");
        foreach (var clash in jobs.GroupBy(j => Path.GetFullPath(j.Destination), s_paths).Where(g => g.Count() > 1))
            throw new ArgumentException($"{string.Join(" and ", clash.Select(j => $"'{j.Source}'"))} would all be written to '{clash.First().Destination}'; rename them or upscale them separately");
        return jobs;
    }

    /// <summary>The output folders the jobs write into (created on demand).</summary>
    public static IEnumerable<string> OutputFolders(IEnumerable<UpscaleJob> jobs) =>
        jobs.Select(j => Path.GetDirectoryName(Path.GetFullPath(j.Destination))!).Distinct(s_paths);

    private static string Destination(string src, string? folder, string? output, bool toFolder, string tag)
    {
        string name = Path.GetFileNameWithoutExtension(src);
        // JPEG and WebP stay themselves; everything else (BMP, PNM, GIF, AVIF) becomes a lossless PNG.
        string ext = Path.GetExtension(src).ToLowerInvariant() switch { ".jpg" or ".jpeg" => ".jpg", ".webp" => ".webp", _ => ".png" };
        if (output is null) return Path.Combine(Path.GetDirectoryName(src)!, $"{name}_{tag}{ext}");
        if (!toFolder) return output;
        // A folder's structure is kept below the output folder; single files go straight into it.
        string renamed = Path.ChangeExtension(src, ext);
        return Path.Combine(output, folder is null ? Path.GetFileName(renamed) : Path.GetRelativePath(folder, renamed));
    }

    private static bool IsInside(string path, string folderFull) =>
        Path.GetFullPath(path).StartsWith(folderFull + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase);
}
