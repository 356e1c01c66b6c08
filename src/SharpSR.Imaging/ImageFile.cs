namespace SharpSR.Imaging;

/// <summary>File helpers shared by the codecs.</summary>
internal static class ImageFile
{
    /// <summary>Largest image file read into memory (1 GiB); anything larger is refused before allocating.</summary>
    public const long MaxFileBytes = 1L << 30;

    public static byte[] ReadAllBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new IOException($"'{path}' is a folder, not an image file");
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = fs.Length;
        if (length > MaxFileBytes) throw new InvalidDataException($"'{path}' is {length} bytes, over the {MaxFileBytes}-byte limit for an image file");
        var bytes = new byte[length];
        fs.ReadExactly(bytes);
        return bytes;
    }
}
