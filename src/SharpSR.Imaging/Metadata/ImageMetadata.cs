namespace SharpSR.Imaging.Metadata;

/// <summary>
/// What a photo carries besides its pixels and what SharpSR passes from input to output: the ICC colour profile
/// and the EXIF block (TIFF-structured, as PNG's eXIf chunk holds it; JPEG's APP1 adds the "Exif\0\0" prefix).
/// Decoders hand the pixels over upright with the EXIF orientation already reset to 1, so the metadata written
/// with the result never rotates it a second time.
/// </summary>
public sealed record ImageMetadata(byte[]? Icc = null, byte[]? Exif = null)
{
    /// <summary>No profile, no EXIF.</summary>
    public static ImageMetadata None { get; } = new();

    /// <summary>Largest ICC profile or EXIF block kept (a JPEG's APP2 chunks can claim up to 255 × 64 KiB).</summary>
    public const int MaxBlockBytes = 16 << 20;

    internal static ReadOnlySpan<byte> ExifApp1Prefix => "Exif\0\0"u8;

    public bool IsEmpty => Icc is null && Exif is null;
}
