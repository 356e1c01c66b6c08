using SharpSR.Imaging;
using SharpSR.Imaging.Resize;
using SharpSR.Training.Evaluation;

namespace SharpSR.Training.Data;

/// <summary>Loads HR training images and makes their LR versions with our MATLAB bicubic (once, in memory).</summary>
public static class TrainingSet
{
    public static IReadOnlyList<TrainingPair> Load(IEnumerable<string> dirs, int scale, int lrPatch, bool skipSmall, IProgress<(int Done, int Total)>? progress = null)
    {
        var files = dirs.SelectMany(ImageFiles.Find).ToList();
        if (files.Count == 0) throw new ArgumentException($"no training images in {string.Join(", ", dirs)}");
        var pairs = new TrainingPair[files.Count];
        int done = 0;
        Parallel.For(0, files.Count, i =>
        {
            var hr = MatlabBicubic.ModCrop(ImageIO.Load(files[i]).ToRgb(), scale);
            if (hr.Width / scale >= lrPatch && hr.Height / scale >= lrPatch)
                pairs[i] = new TrainingPair(Path.GetFileName(files[i]), hr, MatlabBicubic.Downscale(hr, scale));
            else if (!skipSmall)
                throw new ArgumentException($"{files[i]}: {hr.Width}x{hr.Height} is smaller than one {lrPatch * scale}-pixel HR patch");
            progress?.Report((Interlocked.Increment(ref done), files.Count));
        });
        var list = pairs.Where(p => p is not null).ToList();
        if (list.Count == 0) throw new ArgumentException($"every training image is smaller than one {lrPatch * scale}-pixel HR patch");
        return list;
    }
}
