using System.Buffers.Binary;
using System.IO.Compression;
using SharpSR.Imaging.Metadata;
using SharpSR.Imaging.Png.Filters;

namespace SharpSR.Imaging.Png;

/// <summary>
/// The PNG reader behind <see cref="PngDecoder"/>: chunk walk (CRC, order and length checks), zlib inflate to the
/// exact expected size (zlib header and Adler-32 trailer checked here, the deflate body by DeflateStream), unfiltering in place, and unpacking to 8- or 16-bit samples.
/// </summary>
internal ref struct PngDecoderCore
{
    // Deflate cannot expand data by more than 1032:1 (a 258-byte match costs at least 2 bits);
    // a header that implies more than this from the IDAT bytes present is refused before allocating.
    private const long MaxDeflateRatio = 1032;

    private readonly ReadOnlySpan<byte> _file;
    private readonly long _maxPixels;
    private PngHeader _header;
    private byte[]? _palette;        // RGB triples
    private byte[]? _paletteAlpha;   // tRNS for palettes, padded with 255
    private int _paletteCount;
    private int _transparentKey0 = -1, _transparentKey1 = -1, _transparentKey2 = -1; // tRNS for grey / RGB
    private byte[] _idat = [];
    private byte[]? _icc, _exif;

    public PngDecoderCore(ReadOnlySpan<byte> file, long maxPixels)
    {
        if (maxPixels <= 0) throw new ArgumentOutOfRangeException(nameof(maxPixels), maxPixels, "the pixel limit must be positive");
        _file = file;
        _maxPixels = maxPixels;
    }

    private readonly bool HasKey => _transparentKey0 >= 0;

    /// <summary>Channels after palette and tRNS expansion.</summary>
    private readonly int OutChannels => _header.ColorType switch
    {
        PngColorType.Palette => _paletteAlpha is null ? 3 : 4,
        PngColorType.Grey => HasKey ? 2 : 1,
        PngColorType.Rgb => HasKey ? 4 : 3,
        PngColorType.GreyAlpha => 2,
        _ => 4,
    };

    public RgbImage DecodeToRgbImage()
    {
        byte[] data = ReadChunksAndInflate();
        var image = _header.BitDepth == 16
            ? RgbImage.FromSamples16(_header.Width, _header.Height, OutChannels, Unpack16(data).Samples)
            : new RgbImage(_header.Width, _header.Height, OutChannels, Unpack8(data));
        // Upright pixels, and the orientation in the kept EXIF reset to match (see ImageMetadata).
        int orientation = _exif is null ? 0 : ExifOrientation.ParseTiff(_exif);
        image = ExifOrientation.Apply(image, orientation);
        image.Metadata = new ImageMetadata(_icc, _exif is null ? null : ExifOrientation.ResetTiff(_exif));
        return image;
    }

    public PngRawImage DecodeRaw()
    {
        byte[] data = ReadChunksAndInflate();
        if (_header.BitDepth == 16) return Unpack16(data);
        byte[] bytes = Unpack8(data);
        var samples = new ushort[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) samples[i] = bytes[i];
        return new PngRawImage(_header.Width, _header.Height, OutChannels, 8, samples);
    }

    // ---- chunks ---------------------------------------------------------------------------------

    private byte[] ReadChunksAndInflate()
    {
        if (_file.Length < 8 || !PngDecoder.IsPng(_file))
            PngThrowHelper.Invalid(_file.Length < 8 ? $"file is only {_file.Length} bytes, too short for a PNG signature" : "bad signature: not a PNG file");

        int pos = 8;
        bool seenHeader = false, seenEnd = false, idatDone = false;
        uint previousType = 0;
        var idatParts = new List<(int Offset, int Length)>();
        long idatTotal = 0;

        while (!seenEnd)
        {
            if (_file.Length - pos < 12)
                PngThrowHelper.Truncated(seenHeader ? $"{_file.Length - pos} bytes left where a chunk header was expected; missing IEND" : "no IHDR chunk");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(_file[pos..]);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(_file[(pos + 4)..]);
            if (!PngChunkType.IsValid(type)) PngThrowHelper.Invalid($"invalid chunk type bytes 0x{type:X8} at offset {pos}");
            string name = PngChunkType.Name(type);
            if (length > int.MaxValue) PngThrowHelper.Invalid($"chunk {name} at offset {pos} declares {length} bytes, over the 2^31-1 limit");
            if (length > _file.Length - pos - 12)
                PngThrowHelper.Truncated($"chunk {name} at offset {pos} declares {length} bytes but only {Math.Max(0, _file.Length - pos - 12)} remain");
            var data = _file.Slice(pos + 8, (int)length);
            uint storedCrc = BinaryPrimitives.ReadUInt32BigEndian(_file[(pos + 8 + (int)length)..]);
            uint actualCrc = Crc32.Compute(_file.Slice(pos + 4, 4 + (int)length));
            if (storedCrc != actualCrc) PngThrowHelper.Invalid($"CRC mismatch in chunk {name} at offset {pos} (stored 0x{storedCrc:X8}, computed 0x{actualCrc:X8})");

            if (!seenHeader && type != PngChunkType.Ihdr) PngThrowHelper.Invalid($"first chunk is {name}; IHDR must come first (missing IHDR)");
            if (type != PngChunkType.Idat && previousType == PngChunkType.Idat) idatDone = true;

            switch (type)
            {
                case PngChunkType.Ihdr:
                    if (seenHeader) PngThrowHelper.Invalid("more than one IHDR chunk");
                    ReadHeader(data);
                    seenHeader = true;
                    break;
                case PngChunkType.Plte:
                    ReadPalette(data, idatParts.Count > 0);
                    break;
                case PngChunkType.Trns:
                    ReadTransparency(data, idatParts.Count > 0);
                    break;
                case PngChunkType.Idat:
                    if (idatDone) PngThrowHelper.Invalid("IDAT chunks are not consecutive");
                    if (_header.ColorType == PngColorType.Palette && _palette is null) PngThrowHelper.Invalid("palette image has no PLTE chunk before its IDAT");
                    idatParts.Add((pos + 8, (int)length));
                    idatTotal += length;
                    break;
                case PngChunkType.Iend:
                    if (length != 0) PngThrowHelper.Invalid($"IEND has {length} data bytes, expected 0");
                    seenEnd = true;
                    break;
                case PngChunkType.Iccp:
                    _icc ??= ReadIccProfile(data);
                    break;
                case PngChunkType.Exif:
                    if (_exif is null && data.Length is > 0 and <= ImageMetadata.MaxBlockBytes) _exif = data.ToArray();
                    break;
                default:
                    if (PngChunkType.IsCritical(type)) PngThrowHelper.Invalid($"unknown critical chunk {name}");
                    break; // ancillary chunks (gAMA, tEXt, pHYs, ...) are skipped
            }
            previousType = type;
            pos += 12 + (int)length;
        }

        if (idatParts.Count == 0) PngThrowHelper.Invalid("no IDAT chunk (no image data)");
        _idat = new byte[idatTotal];
        int at = 0;
        foreach (var (offset, len) in idatParts)
        {
            _file.Slice(offset, len).CopyTo(_idat.AsSpan(at));
            at += len;
        }
        return Inflate();
    }

    /// <summary>
    /// iCCP: a 1..79-byte name, a zero, compression method 0, then the zlib-compressed profile. A damaged profile is
    /// dropped rather than failing the image (metadata, not image data); inflation stops at the size limit.
    /// </summary>
    private static byte[]? ReadIccProfile(ReadOnlySpan<byte> d)
    {
        int zero = d[..Math.Min(d.Length, 81)].IndexOf((byte)0);
        if (zero is < 1 or > 79 || d.Length < zero + 3 || d[zero + 1] != 0) return null;
        try
        {
            using var z = new ZLibStream(new MemoryStream(d[(zero + 2)..].ToArray()), CompressionMode.Decompress);
            using var profile = new MemoryStream();
            var buffer = new byte[16384];
            int n;
            while ((n = z.Read(buffer)) > 0)
            {
                if (profile.Length + n > ImageMetadata.MaxBlockBytes) return null;
                profile.Write(buffer, 0, n);
            }
            return profile.Length > 0 ? profile.ToArray() : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private void ReadHeader(ReadOnlySpan<byte> d)
    {
        if (d.Length != 13) PngThrowHelper.Invalid($"IHDR has {d.Length} bytes, expected 13");
        uint w = BinaryPrimitives.ReadUInt32BigEndian(d), h = BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue) PngThrowHelper.Invalid($"invalid image size {w}x{h}");
        if ((long)w * h > _maxPixels)
            RgbImage.ThrowTooLarge("PNG", w, h, _maxPixels);
        int depth = d[8];
        var color = (PngColorType)d[9];
        if (color is not (PngColorType.Grey or PngColorType.Rgb or PngColorType.Palette or PngColorType.GreyAlpha or PngColorType.Rgba))
            PngThrowHelper.Invalid($"invalid colour type {d[9]} (valid: 0, 2, 3, 4, 6)");
        if (!PngHeader.IsValidDepth(color, depth)) PngThrowHelper.Invalid($"bit depth {depth} is not allowed for colour type {(int)color} ({color})");
        if (d[10] != 0) PngThrowHelper.Invalid($"unknown compression method {d[10]}");
        if (d[11] != 0) PngThrowHelper.Invalid($"unknown filter method {d[11]}");
        if (d[12] > 1) PngThrowHelper.Invalid($"unknown interlace method {d[12]}");
        _header = new PngHeader((int)w, (int)h, depth, color, d[12] == 1);
    }

    private void ReadPalette(ReadOnlySpan<byte> d, bool afterIdat)
    {
        if (afterIdat) PngThrowHelper.Invalid("PLTE after IDAT");
        if (_palette is not null) PngThrowHelper.Invalid("more than one PLTE chunk");
        if (_header.ColorType is PngColorType.Grey or PngColorType.GreyAlpha) PngThrowHelper.Invalid($"PLTE is not allowed in a {_header.ColorType} image");
        if (d.Length == 0 || d.Length % 3 != 0 || d.Length > 768) PngThrowHelper.Invalid($"PLTE has {d.Length} bytes; expected a multiple of 3 between 3 and 768");
        if (_header.ColorType != PngColorType.Palette) return; // a suggested palette for RGB(A): not needed to decode
        _paletteCount = d.Length / 3;
        if (_paletteCount > 1 << _header.BitDepth) PngThrowHelper.Invalid($"PLTE has {_paletteCount} entries, more than bit depth {_header.BitDepth} can index");
        _palette = d.ToArray();
    }

    private void ReadTransparency(ReadOnlySpan<byte> d, bool afterIdat)
    {
        if (afterIdat) PngThrowHelper.Invalid("tRNS after IDAT");
        if (_paletteAlpha is not null || HasKey) PngThrowHelper.Invalid("more than one tRNS chunk");
        switch (_header.ColorType)
        {
            case PngColorType.Palette:
                if (_palette is null) PngThrowHelper.Invalid("tRNS before PLTE");
                if (d.Length > _paletteCount) PngThrowHelper.Invalid($"tRNS has {d.Length} entries, more than the {_paletteCount} palette entries");
                _paletteAlpha = new byte[256];
                _paletteAlpha.AsSpan().Fill(255);
                d.CopyTo(_paletteAlpha);
                break;
            case PngColorType.Grey:
                if (d.Length != 2) PngThrowHelper.Invalid($"tRNS for a grey image has {d.Length} bytes, expected 2");
                _transparentKey0 = BinaryPrimitives.ReadUInt16BigEndian(d);
                break;
            case PngColorType.Rgb:
                if (d.Length != 6) PngThrowHelper.Invalid($"tRNS for an RGB image has {d.Length} bytes, expected 6");
                _transparentKey0 = BinaryPrimitives.ReadUInt16BigEndian(d);
                _transparentKey1 = BinaryPrimitives.ReadUInt16BigEndian(d[2..]);
                _transparentKey2 = BinaryPrimitives.ReadUInt16BigEndian(d[4..]);
                break;
            default:
                PngThrowHelper.Invalid($"tRNS is not allowed in a {_header.ColorType} image (it already has alpha)");
                break;
        }
    }

    // ---- zlib -----------------------------------------------------------------------------------

    private readonly byte[] Inflate()
    {
        long expected = _header.FilteredDataLength();
        if (expected > Array.MaxLength) PngThrowHelper.Invalid($"image data of {expected} bytes is too large to decode");
        byte[] z = _idat;
        if (z.Length < 6) PngThrowHelper.Invalid($"IDAT holds {z.Length} bytes, too few for a zlib stream");
        if (expected > z.Length * MaxDeflateRatio + 64)
            PngThrowHelper.Invalid($"IDAT holds {z.Length} compressed bytes, far too few for the {expected} bytes a {_header.Width}x{_header.Height} image needs (truncated or lying header)");
        int cmf = z[0], flg = z[1];
        if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7) PngThrowHelper.Invalid($"zlib header 0x{cmf:X2}{flg:X2}: not deflate with a window of at most 32 KiB");
        if (((cmf << 8) | flg) % 31 != 0) PngThrowHelper.Invalid($"zlib header 0x{cmf:X2}{flg:X2} fails its check bits");
        if ((flg & 0x20) != 0) PngThrowHelper.Invalid("zlib stream asks for a preset dictionary, which PNG forbids");

        var output = new byte[expected];
        int got = 0;
        bool extra;
        try
        {
            // The 2-byte zlib header is checked above and the Adler-32 trailer below, both by us; the deflate
            // body in between goes to DeflateStream (ZLibStream would check the trailer too, but with a generic message).
            using var zs = new DeflateStream(new MemoryStream(z, 2, z.Length - 6, writable: false), CompressionMode.Decompress);
            while (got < output.Length)
            {
                int n = zs.Read(output, got, output.Length - got);
                if (n == 0) break;
                got += n;
            }
            Span<byte> probe = stackalloc byte[1];
            extra = got == output.Length && zs.Read(probe) > 0;
        }
        catch (InvalidDataException e)
        {
            return PngThrowHelper.Invalid<byte[]>($"corrupt zlib data in IDAT after {got} of {expected} bytes: {e.Message}");
        }
        if (got < expected) PngThrowHelper.Invalid($"image data is truncated: it inflates to {got} bytes, the header implies {expected}");
        if (extra) PngThrowHelper.Invalid($"image data inflates to more than the {expected} bytes the header implies (corrupt data or a decompression bomb)");
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(z.AsSpan(z.Length - 4));
        uint actual = Adler32.Compute(output);
        if (stored != actual) PngThrowHelper.Invalid($"zlib Adler-32 mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})");
        return output;
    }

    // ---- unfilter + unpack ----------------------------------------------------------------------

    /// <summary>Walks every non-empty pass row: unfilters it in place in <paramref name="data"/> and hands it to <paramref name="unpack"/>.</summary>
    private readonly void ForEachRow(byte[] data, RowAction unpack)
    {
        var h = _header;
        int bpp = h.FilterBpp;
        int pos = 0, rowIndex = 0;
        byte[] zeros = new byte[h.RowBytes(h.Width)];
        foreach (var (x0, y0, dx, dy) in h.Passes)
        {
            int pw = PngHeader.PassSize(h.Width, x0, dx), ph = PngHeader.PassSize(h.Height, y0, dy);
            if (pw == 0 || ph == 0) continue;
            int rowBytes = (int)h.RowBytes(pw);
            int prevStart = -1;
            for (int r = 0; r < ph; r++, rowIndex++)
            {
                byte filter = data[pos];
                var row = data.AsSpan(pos + 1, rowBytes);
                ReadOnlySpan<byte> prev = prevStart < 0 ? zeros.AsSpan(0, rowBytes) : data.AsSpan(prevStart, rowBytes);
                if (!PngFilters.TryDecode(filter, row, prev, bpp)) PngThrowHelper.BadFilter(filter, rowIndex);
                unpack(row, pw, y0 + r * dy, x0, dx);
                prevStart = pos + 1;
                pos += 1 + rowBytes;
            }
        }
    }

    private delegate void RowAction(ReadOnlySpan<byte> row, int count, int y, int x0, int dx);

    private readonly byte[] Unpack8(byte[] data)
    {
        var h = _header;
        int oc = OutChannels, sc = h.StoredChannels, depth = h.BitDepth, width = h.Width;
        long total = (long)width * h.Height * oc;
        if (total > Array.MaxLength) PngThrowHelper.Invalid($"image {width}x{h.Height}x{oc} is too large to hold");
        var output = new byte[total];
        bool palette = h.ColorType == PngColorType.Palette;
        byte[]? pal = _palette, palAlpha = _paletteAlpha;
        int palCount = _paletteCount;
        int k0 = _transparentKey0, k1 = _transparentKey1, k2 = _transparentKey2;
        bool key = HasKey;
        int mask = (1 << depth) - 1, scale = depth < 8 ? 255 / mask : 1;

        ForEachRow(data, (row, count, y, x0, dx) =>
        {
            int o = (y * width + x0) * oc, step = dx * oc;
            if (depth == 8 && !palette && !key && dx == 1)
            {
                row.CopyTo(output.AsSpan(o, count * oc)); // the common case: samples are already in place
                return;
            }
            for (int i = 0; i < count; i++, o += step)
            {
                if (depth == 8 && !palette)
                {
                    var px = row.Slice(i * sc, sc);
                    px.CopyTo(output.AsSpan(o, sc));
                    if (key) output[o + sc] = (byte)(sc == 1 ? (px[0] == k0 ? 0 : 255) : (px[0] == k0 && px[1] == k1 && px[2] == k2 ? 0 : 255));
                    continue;
                }
                int v = depth == 8 ? row[i] : (row[i * depth >> 3] >> (8 - depth - (i * depth & 7))) & mask;
                if (palette)
                {
                    if (v >= palCount) PngThrowHelper.BadPaletteIndex(v, palCount);
                    output[o] = pal![3 * v];
                    output[o + 1] = pal[3 * v + 1];
                    output[o + 2] = pal[3 * v + 2];
                    if (palAlpha is not null) output[o + 3] = palAlpha[v];
                }
                else
                {
                    output[o] = (byte)(v * scale);
                    if (key) output[o + 1] = (byte)(v == k0 ? 0 : 255);
                }
            }
        });
        return output;
    }

    private readonly PngRawImage Unpack16(byte[] data)
    {
        var h = _header;
        int oc = OutChannels, sc = h.StoredChannels, width = h.Width;
        long total = (long)width * h.Height * oc;
        if (total > Array.MaxLength) PngThrowHelper.Invalid($"image {width}x{h.Height}x{oc} is too large to hold");
        var output = new ushort[total];
        int k0 = _transparentKey0, k1 = _transparentKey1, k2 = _transparentKey2;
        bool key = HasKey;

        ForEachRow(data, (row, count, y, x0, dx) =>
        {
            int o = (y * width + x0) * oc, step = dx * oc;
            for (int i = 0; i < count; i++, o += step)
            {
                for (int c = 0; c < sc; c++) output[o + c] = BinaryPrimitives.ReadUInt16BigEndian(row[((i * sc + c) * 2)..]);
                if (key)
                {
                    bool transparent = sc == 1 ? output[o] == k0 : output[o] == k0 && output[o + 1] == k1 && output[o + 2] == k2;
                    output[o + sc] = transparent ? (ushort)0 : ushort.MaxValue;
                }
            }
        });
        return new PngRawImage(width, h.Height, oc, 16, output);
    }
}
