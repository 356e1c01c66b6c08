namespace SharpSR.Imaging;

/// <summary>Which files count as images: those with an extension of a registered codec (<see cref="ImageIO.Codecs"/>).</summary>
public static class ImageFiles
{
    public static bool IsImage(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext.Length > 0 && ImageIO.Codecs.Any(c => c.Extensions.Contains(ext));
    }

    /// <summary>Image files under a folder (recursively), in ordinal order so runs are repeatable.</summary>
    public static IReadOnlyList<string> Find(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"folder '{dir}' does not exist");
        return Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(IsImage).Order(StringComparer.Ordinal).ToList();
    }
}
