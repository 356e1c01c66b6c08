using System.Buffers.Binary;
using System.IO.Compression;
using SharpSR.Core.Serialization;
using SharpSR.Imaging.Metadata;
using SharpSR.Imaging.Png.Filters;

namespace SharpSR.Imaging.Png;

/// <summary>
/// Writes non-interlaced PNGs: grey, grey+alpha, RGB, RGBA at 8 bits, or 16 when an <see cref="RgbImage"/> has
/// <see cref="RgbImage.Samples16"/> (or a <see cref="PngRawImage"/> says so), with the image's ICC profile (iCCP) and EXIF (eXIf). Each scanline gets the filter with the smallest sum of absolute signed bytes
/// (the usual adaptive heuristic); the data is deflated with zlib and split into IDAT chunks of at most 256 KiB.
/// </summary>
public static class PngEncoder
{
    private const int MaxIdatChunk = 256 * 1024;
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(RgbImage image, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var ms = new MemoryStream();
        Encode(image, ms, level);
        return ms.ToArray();
    }

    public static byte[] EncodeRaw(PngRawImage image, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var ms = new MemoryStream();
        Write(image.Width, image.Height, image.Channels, image.BitDepth, null, image.Samples, ms, level);
        return ms.ToArray();
    }

    public static void Encode(RgbImage image, Stream output, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        if (image.Samples16 is { } deep) Write(image.Width, image.Height, image.Channels, 16, null, deep, output, level, image.Metadata);
        else Write(image.Width, image.Height, image.Channels, 8, image.Pixels, null, output, level, image.Metadata);
    }

    /// <summary>Writes to <paramref name="path"/> through a temporary sibling file renamed over it.</summary>
    public static void Save(RgbImage image, string path, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        AtomicFile.Write(path, s => Encode(image, s, level));
    }

    public static void SaveRaw(PngRawImage image, string path, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        AtomicFile.Write(path, s => Write(image.Width, image.Height, image.Channels, image.BitDepth, null, image.Samples, s, level));
    }

    private static void Write(int width, int height, int channels, int depth, byte[]? pixels8, ushort[]? samples, Stream output, CompressionLevel level,
                              ImageMetadata? metadata = null)
    {
        var colorType = channels switch
        {
            1 => PngColorType.Grey,
            2 => PngColorType.GreyAlpha,
            3 => PngColorType.Rgb,
            _ => PngColorType.Rgba,
        };
        output.Write(Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)colorType;
        ihdr[10] = ihdr[11] = ihdr[12] = 0;
        WriteChunk(output, PngChunkType.Ihdr, ihdr);
        if (metadata?.Icc is { } icc) WriteChunk(output, PngChunkType.Iccp, IccpChunk(icc));
        if (metadata?.Exif is { } exif) WriteChunk(output, PngChunkType.Exif, exif);

        int bytesPerSample = depth / 8, bpp = channels * bytesPerSample;
        long rowBytesLong = (long)width * bpp;
        if (rowBytesLong + 1 > Array.MaxLength) throw new ArgumentException($"image row of {rowBytesLong} bytes is too wide for PNG encoding");
        int rowBytes = (int)rowBytesLong;

        // IDAT chunks go out as the compressor fills them: the compressed image is never held whole.
        using (var idat = new IdatChunks(output))
        using (var z = new ZLibStream(idat, level, leaveOpen: true))
        {
            var prev = new byte[rowBytes];
            var cur = new byte[rowBytes];
            var best = new byte[rowBytes];
            var trial = new byte[rowBytes];
            for (int y = 0; y < height; y++)
            {
                if (pixels8 is not null) pixels8.AsSpan((int)((long)y * rowBytes), rowBytes).CopyTo(cur);
                else
                {
                    var src = samples.AsSpan((int)((long)y * width * channels), width * channels);
                    if (depth == 16)
                        for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(cur.AsSpan(2 * i), src[i]);
                    else
                        for (int i = 0; i < src.Length; i++) cur[i] = (byte)src[i];
                }

                byte bestType = 0;
                int bestCost = int.MaxValue;
                for (byte f = 0; f <= 4; f++)
                {
                    int cost = PngFilters.Encode(f, cur, prev, bpp, trial);
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        bestType = f;
                        (best, trial) = (trial, best);
                    }
                }
                z.WriteByte(bestType);
                z.Write(best);
                (prev, cur) = (cur, prev);
            }
        }

        WriteChunk(output, PngChunkType.Iend, []);
    }

    /// <summary>A write-only stream that cuts what is written into IDAT chunks of <see cref="MaxIdatChunk"/> bytes; disposing writes the rest.</summary>
    private sealed class IdatChunks(Stream output) : Stream
    {
        private readonly byte[] _buffer = new byte[MaxIdatChunk];
        private int _filled;

        public override void Write(ReadOnlySpan<byte> data)
        {
            while (data.Length > 0)
            {
                int n = Math.Min(data.Length, _buffer.Length - _filled);
                data[..n].CopyTo(_buffer.AsSpan(_filled));
                _filled += n;
                data = data[n..];
                if (_filled == _buffer.Length) Flush();
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void WriteByte(byte value) => Write([value]);

        public override void Flush()
        {
            if (_filled == 0) return;
            WriteChunk(output, PngChunkType.Idat, _buffer.AsSpan(0, _filled));
            _filled = 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) Flush();
            base.Dispose(disposing);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>iCCP: profile name, zero, compression method 0, the zlib-compressed profile.</summary>
    private static byte[] IccpChunk(byte[] profile)
    {
        using var ms = new MemoryStream();
        ms.Write("ICC profile\0\0"u8);
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(profile);
        return ms.ToArray();
    }

    private static void WriteChunk(Stream output, uint type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(head[4..], type);
        output.Write(head);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Compute(head[4..]), data);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        output.Write(tail);
    }
}
