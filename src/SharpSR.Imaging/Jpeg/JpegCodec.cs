using SharpSR.Core.Serialization;

namespace SharpSR.Imaging.Jpeg;

/// <summary>File-level entry points for JPEG: <see cref="Load"/> reads and decodes, <see cref="Save"/> encodes to a
/// temporary sibling file and renames it over the target, so a failed save never leaves a half-written image.</summary>
public static class JpegCodec
{
    /// <summary>Lower-case extensions, with the dot, that name JPEG files.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".jpe", ".jfif"];

    public static RgbImage Load(string path, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        byte[] file = File.ReadAllBytes(path);
        try
        {
            return JpegDecoder.Decode(file, maxPixels);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static void Save(RgbImage image, string path, int quality = 90) =>
        Save(image, path, new JpegEncoderOptions(quality));

    public static void Save(RgbImage image, string path, JpegEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        byte[] encoded = JpegEncoder.Encode(image, options);   // encode first: a bad argument leaves no file behind
        AtomicFile.WriteAllBytes(path, encoded);
    }
}
