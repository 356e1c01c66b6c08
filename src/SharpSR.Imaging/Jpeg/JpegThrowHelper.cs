using System.Diagnostics.CodeAnalysis;

namespace SharpSR.Imaging.Jpeg;

/// <summary>Out-of-line throws for the JPEG codec: one-line messages that say what is wrong with the file.</summary>
internal static class JpegThrowHelper
{
    /// <summary>The file breaks the JPEG format (or is cut short): <see cref="InvalidDataException"/>.</summary>
    [DoesNotReturn]
    public static void Corrupt(string message) => throw new InvalidDataException("JPEG: " + message);

    /// <summary>A valid JPEG that uses a feature this codec does not implement: <see cref="NotSupportedException"/>.</summary>
    [DoesNotReturn]
    public static void Unsupported(string message) => throw new NotSupportedException("JPEG: " + message);

    [DoesNotReturn]
    public static void Truncated() =>
        throw new InvalidDataException("JPEG: entropy-coded data ends early (file truncated or corrupt)");
}
