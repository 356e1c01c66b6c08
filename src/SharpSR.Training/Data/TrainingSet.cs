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
            var hr = MatlabBicubic.ModCrop(ToRgb(ImageIO.Load(files[i])), scale);
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

    /// <summary>Training works on three channels: grey is replicated, alpha dropped.</summary>
    public static RgbImage ToRgb(RgbImage img)
    {
        if (img.Channels == 3) return img;
        var rgb = new RgbImage(img.Width, img.Height, 3);
        for (int i = 0, n = img.Width * img.Height; i < n; i++)
            for (int c = 0; c < 3; c++)
                rgb.Pixels[i * 3 + c] = img.Pixels[i * img.Channels + (img.IsGrey ? 0 : c)];
        return rgb;
    }
}
