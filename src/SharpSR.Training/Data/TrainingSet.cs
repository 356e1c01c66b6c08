using SharpSR.Imaging;
using SharpSR.Imaging.Resize;
using SharpSR.Training.Evaluation;

namespace SharpSR.Training.Data;

/// <summary>An image left out of a training set and why (unreadable, or smaller than one HR patch).</summary>
public sealed record SkippedImage(string Path, string Reason, bool TooSmall);

/// <summary>The usable training pairs and the images left out.</summary>
public sealed record TrainingImages(IReadOnlyList<TrainingPair> Pairs, IReadOnlyList<SkippedImage> Skipped);

/// <summary>Loads HR training images and makes their LR versions with our MATLAB bicubic (once, in memory).</summary>
public static class TrainingSet
{
    public static IReadOnlyList<TrainingPair> Load(IEnumerable<string> dirs, int scale, int lrPatch, bool skipSmall, IProgress<(int Done, int Total)>? progress = null) =>
        LoadWithReport(dirs, scale, lrPatch, skipSmall, progress).Pairs;

    /// <summary>
    /// Loads every image it can: unreadable files and (with <paramref name="skipSmall"/>) images smaller than one
    /// HR patch are left out and listed; it throws only when nothing usable is left, or on a small image when
    /// <paramref name="skipSmall"/> is false.
    /// </summary>
    public static TrainingImages LoadWithReport(IEnumerable<string> dirs, int scale, int lrPatch, bool skipSmall, IProgress<(int Done, int Total)>? progress = null)
    {
        var files = dirs.SelectMany(ImageFiles.Find).ToList();
        if (files.Count == 0) throw new ArgumentException($"no training images in {string.Join(", ", dirs)}");
        int hrPatch = lrPatch * scale;
        var pairs = new TrainingPair?[files.Count];
        var skipped = new SkippedImage?[files.Count];
        int done = 0;
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                var img = ImageIO.Load(files[i]);
                if (img.Width < hrPatch || img.Height < hrPatch)
                    skipped[i] = new SkippedImage(files[i], $"{img.Width}x{img.Height} is smaller than one {hrPatch}-pixel HR patch", TooSmall: true);
                else
                {
                    var hr = MatlabBicubic.ModCrop(img.ToRgb(), scale);
                    pairs[i] = new TrainingPair(Path.GetFileName(files[i]), hr, MatlabBicubic.Downscale(hr, scale));
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or NotSupportedException)
            {
                // A corrupt file is reported and left out rather than ending a run that may last days.
                string prefix = files[i] + ": ";
                skipped[i] = new SkippedImage(files[i], e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message, TooSmall: false);
            }
            progress?.Report((Interlocked.Increment(ref done), files.Count));
        });
        var left = skipped.OfType<SkippedImage>().ToList();
        if (!skipSmall && left.FirstOrDefault(s => s.TooSmall) is { } small)
            throw new ArgumentException($"{small.Path}: {small.Reason}");
        var list = pairs.OfType<TrainingPair>().ToList();
        if (list.Count == 0)
        {
            int tooSmall = left.Count(s => s.TooSmall), unreadable = left.Count - tooSmall;
            var why = new List<string>();
            if (unreadable > 0) why.Add($"{unreadable} unreadable");
            if (tooSmall > 0) why.Add($"{tooSmall} smaller than one {hrPatch}-pixel HR patch");
            throw new ArgumentException($"no usable training images in {string.Join(", ", dirs)}: {string.Join(", ", why)}");
        }
        return new TrainingImages(list, left);
    }
}
