using System.Buffers.Binary;

namespace SharpSR.Imaging;

/// <summary>
/// An image's width and height read from the first bytes of its file, without decoding it — what a scheduler needs
/// to share files by their work. The sizes are only as good as the header: decoding still checks everything.
/// </summary>
public static class ImageHeader
{
    private const int ProbeBytes = 64 * 1024;   // a JPEG's frame header may follow EXIF and ICC segments

    /// <summary>The size the file's header states, or null (an unknown format, a damaged header, a frame header past the probe).</summary>
    public static (int Width, int Height)? ReadSize(string path)
    {
        byte[] head;
        using (var f = File.OpenRead(path))
        {
            head = new byte[(int)Math.Min(ProbeBytes, f.Length)];
            f.ReadExactly(head);
        }
        return ReadSize(head);
    }

    /// <summary>The size stated by a file's first bytes, or null.</summary>
    public static (int Width, int Height)? ReadSize(ReadOnlySpan<byte> d)
    {
        (long w, long h)? size = d switch
        {
            [0x89, (byte)'P', (byte)'N', (byte)'G', ..] when d.Length >= 24 && d[12..16].SequenceEqual("IHDR"u8) =>
                (BinaryPrimitives.ReadUInt32BigEndian(d[16..]), BinaryPrimitives.ReadUInt32BigEndian(d[20..])),
            [(byte)'B', (byte)'M', ..] when d.Length >= 26 => Bmp(d),
            [0xFF, 0xD8, ..] => Jpeg(d),
            [(byte)'P', >= (byte)'1' and <= (byte)'6', ..] => Pnm(d),
            _ => null,
        };
        return size is var (sw, sh) && sw is > 0 and <= int.MaxValue && sh is > 0 and <= int.MaxValue ? ((int)sw, (int)sh) : null;
    }

    private static (long, long)? Bmp(ReadOnlySpan<byte> d)
    {
        uint info = BinaryPrimitives.ReadUInt32LittleEndian(d[14..]);
        if (info == 12) return (BinaryPrimitives.ReadUInt16LittleEndian(d[18..]), BinaryPrimitives.ReadUInt16LittleEndian(d[20..]));   // BITMAPCOREHEADER
        return (BinaryPrimitives.ReadInt32LittleEndian(d[18..]), Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(d[22..])));   // negative height: top-down rows
    }

    /// <summary>Walks the marker segments to the first start-of-frame (SOF0..SOF15 but DHT, JPG and DAC).</summary>
    private static (long, long)? Jpeg(ReadOnlySpan<byte> d)
    {
        int at = 2;
        while (at + 4 <= d.Length)
        {
            if (d[at] != 0xFF) return null;
            byte marker = d[at + 1];
            if (marker == 0xFF) { at++; continue; }   // fill byte
            int length = BinaryPrimitives.ReadUInt16BigEndian(d[(at + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return at + 9 <= d.Length ? (BinaryPrimitives.ReadUInt16BigEndian(d[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(d[(at + 5)..])) : null;
            if (marker == 0xDA || length < 2) return null;   // scan data before any frame header: not a usable file
            at += 2 + length;
        }
        return null;
    }

    /// <summary>"P6 # comment\n 640 480 …": the magic, then width and height as decimal tokens, comments skipped.</summary>
    private static (long, long)? Pnm(ReadOnlySpan<byte> d)
    {
        int at = 2;
        long? Next(ReadOnlySpan<byte> s)
        {
            while (at < s.Length)
            {
                if (s[at] == (byte)'#') { while (at < s.Length && s[at] != (byte)'\n') at++; }
                else if (s[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') at++;
                else break;
            }
            long v = 0;
            int start = at;
            while (at < s.Length && s[at] is >= (byte)'0' and <= (byte)'9' && at - start < 10) v = v * 10 + (s[at++] - '0');
            return at > start ? v : null;
        }
        return Next(d) is { } w && Next(d) is { } h ? (w, h) : null;
    }
}
