using System.Buffers.Binary;

namespace SharpSR.Imaging.Png;

/// <summary>The four-letter chunk types this codec knows, as big-endian integers (the bytes as they appear in the file).</summary>
internal static class PngChunkType
{
    public const uint Ihdr = 0x49484452; // IHDR
    public const uint Plte = 0x504C5445; // PLTE
    public const uint Idat = 0x49444154; // IDAT
    public const uint Iend = 0x49454E44; // IEND
    public const uint Trns = 0x74524E53; // tRNS
    public const uint Iccp = 0x69434350; // iCCP
    public const uint Exif = 0x65584966; // eXIf

    /// <summary>Critical chunks have an upper-case first letter (bit 5 of the first byte clear).</summary>
    public static bool IsCritical(uint type) => (type & 0x20000000) == 0;

    /// <summary>Chunk type letters must be ASCII letters.</summary>
    public static bool IsValid(uint type)
    {
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            char c = (char)((type >> shift) & 0xFF);
            if (!char.IsAsciiLetter(c)) return false;
        }
        return true;
    }

    public static string Name(uint type)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, type);
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++) c[i] = b[i] is >= 0x20 and < 0x7F ? (char)b[i] : '?';
        return new string(c);
    }
}
