using System.Diagnostics.CodeAnalysis;

namespace SharpSR.Imaging.Png;

/// <summary>Out-of-line throws so the hot decode loops stay small; every message is one line and says what is wrong.</summary>
internal static class PngThrowHelper
{
    [DoesNotReturn]
    public static void Invalid(string message) => throw new InvalidDataException("PNG: " + message);

    [DoesNotReturn]
    public static T Invalid<T>(string message) => throw new InvalidDataException("PNG: " + message);

    [DoesNotReturn]
    public static void Truncated(string where) => throw new InvalidDataException($"PNG: file is truncated ({where})");

    [DoesNotReturn]
    public static void BadPaletteIndex(int index, int count) =>
        throw new InvalidDataException($"PNG: palette index {index} is out of range (the palette has {count} entries)");

    [DoesNotReturn]
    public static void BadFilter(int filter, int row) =>
        throw new InvalidDataException($"PNG: unknown filter type {filter} on scanline {row} (valid: 0-4)");
}
