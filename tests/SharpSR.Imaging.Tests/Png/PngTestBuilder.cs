using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SharpSR.Imaging.Tests.Png;

/// <summary>Writes (possibly malformed) PNG files chunk by chunk, with a plain bitwise CRC-32 of its own.</summary>
internal sealed class PngTestBuilder
{
    private readonly MemoryStream _out = new();

    public PngTestBuilder(bool signature = true)
    {
        if (signature) _out.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
    }

    public PngTestBuilder Header(uint width, uint height, byte depth = 8, byte colorType = 2, byte interlace = 0)
    {
        var d = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(d, width);
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4), height);
        d[8] = depth;
        d[9] = colorType;
        d[12] = interlace;
        return Chunk("IHDR", d);
    }

    public PngTestBuilder Chunk(string type, byte[] data, bool corruptCrc = false)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        Encoding.ASCII.GetBytes(type, head.AsSpan(4));
        _out.Write(head);
        _out.Write(data);
        uint crc = BitwiseCrc([.. head.AsSpan(4).ToArray(), .. data]);
        if (corruptCrc) crc ^= 1;
        var tail = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        _out.Write(tail);
        return this;
    }

    public PngTestBuilder Idat(byte[] zlibData) => Chunk("IDAT", zlibData);

    public PngTestBuilder End() => Chunk("IEND", []);

    public byte[] ToArray() => _out.ToArray();

    public static byte[] Zlib(byte[] raw, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, level, leaveOpen: true)) z.Write(raw);
        return ms.ToArray();
    }

    /// <summary>Filtered data for an image whose every scanline uses filter 0 with the given row bytes.</summary>
    public static byte[] Scanlines(int rows, int rowBytes, byte fill = 0x40)
    {
        var raw = new byte[rows * (rowBytes + 1)];
        for (int r = 0; r < rows; r++) raw.AsSpan(r * (rowBytes + 1) + 1, rowBytes).Fill(fill);
        return raw;
    }

    /// <summary>CRC-32 bit by bit from the definition (the reference twin of the table-driven one).</summary>
    public static uint BitwiseCrc(byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
        }
        return ~c;
    }
}
