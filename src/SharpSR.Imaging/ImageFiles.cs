namespace SharpSR.Imaging;

/// <summary>Which files count as images.</summary>
public static class ImageFiles
{
    private static readonly string[] s_extensions = [".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".pgm", ".pnm"];

    public static bool IsImage(string path) => s_extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Image files under a folder (recursively), in ordinal order so runs are repeatable.</summary>
    public static IReadOnlyList<string> Find(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"folder '{dir}' does not exist");
        return Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(IsImage).Order(StringComparer.Ordinal).ToList();
    }
}
