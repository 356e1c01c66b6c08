using SharpSR.Imaging.Metadata;

namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// The decoder proper: walks the markers, keeps the tables, decodes every scan into per-component
/// coefficient stores, then runs IDCT → upsampling → colour conversion → EXIF orientation.
/// Nothing read from the file is trusted: lengths are checked against the bytes present, indices
/// against their ranges, and the pixel count against the caller's limit before anything is allocated.
/// </summary>
internal sealed class JpegDecoderCore
{
    private enum ScanKind { Sequential, DcFirst, DcRefine, AcFirst, AcRefine }

    /// <summary>Most scans accepted in one file.</summary>
    internal const int MaxScans = 1000;

    private readonly byte[] _data;
    private readonly long _maxPixels;
    private int _pos;

    private readonly JpegHuffmanTable?[] _dcTables = new JpegHuffmanTable?[4];
    private readonly JpegHuffmanTable?[] _acTables = new JpegHuffmanTable?[4];
    private readonly ushort[]?[] _quantTables = new ushort[]?[4];
    private int _restartInterval;

    // Frame
    private JpegComponent[]? _components;
    private bool _progressive;
    private int _width, _height, _hMax, _vMax, _mcusWide, _mcusHigh;

    // Metadata
    private bool _jfif;
    private int _adobeTransform = -1;
    private int _orientation;
    private byte[]? _exif;
    private List<(int Seq, int Count, byte[] Data)>? _iccChunks;
    private int _scans;

    // Scan state
    private JpegBitReader _reader;
    private ScanKind _kind;
    private int _ss, _se, _al;
    private int _eobRun;

    public JpegDecoderCore(byte[] data, long maxPixels)
    {
        _data = data;
        _maxPixels = maxPixels;
    }

    public RgbImage Decode()
    {
        if (_data.Length < 2 || _data[0] != 0xFF || _data[1] != JpegConstants.Soi)
            JpegThrowHelper.Corrupt("not a JPEG file (no SOI marker at the start)");
        _pos = 2;
        while (true)
        {
            int marker = NextMarker();
            if (marker < 0)
            {
                if (_scans == 0) JpegThrowHelper.Corrupt(_components is null ? "file ends before the frame header (SOF)" : "file ends before any image data (SOS)");
                // A sequential file whose scans are complete but whose EOI is missing is common and harmless: accept it.
                // A progressive file could be missing any number of refinement scans, so it must end properly.
                if (_progressive) JpegThrowHelper.Corrupt("progressive file ends without an EOI marker (truncated: later scans are missing)");
                break;
            }
            if (marker == JpegConstants.Eoi)
            {
                if (_scans == 0) JpegThrowHelper.Corrupt("EOI marker before any image data");
                break;
            }
            switch (marker)
            {
                case JpegConstants.Sof0 or JpegConstants.Sof1:
                    ReadFrame(Segment(marker), progressive: false);
                    break;
                case JpegConstants.Sof2:
                    ReadFrame(Segment(marker), progressive: true);
                    break;
                case 0xC3 or 0xC7 or 0xCB or 0xCF:
                    JpegThrowHelper.Unsupported("lossless JPEG (SOF3/SOF7/SOF11/SOF15) is not supported");
                    break;
                case 0xC9 or 0xCA or 0xCD or 0xCE:
                    JpegThrowHelper.Unsupported("arithmetic-coded JPEG is not supported; re-save it with Huffman coding");
                    break;
                case 0xC5 or 0xC6:
                    JpegThrowHelper.Unsupported("hierarchical (differential) JPEG is not supported");
                    break;
                case JpegConstants.Dht:
                    ReadHuffmanTables(Segment(marker));
                    break;
                case JpegConstants.Dqt:
                    ReadQuantTables(Segment(marker));
                    break;
                case JpegConstants.Dri:
                    ReadRestartInterval(Segment(marker));
                    break;
                case JpegConstants.Sos:
                    ReadScanHeaderAndDecode(Segment(marker));
                    break;
                case JpegConstants.App0:
                    {
                        var s = Segment(marker);
                        if (s.Length >= 5 && s[..5].SequenceEqual("JFIF\0"u8)) _jfif = true;
                        break;
                    }
                case JpegConstants.App1:
                    {
                        var s = Segment(marker);
                        if (_orientation == 0) _orientation = ExifOrientation.Parse(s);
                        if (_exif is null && s.Length is > 6 and <= ImageMetadata.MaxBlockBytes && s.StartsWith("Exif\0\0"u8))
                            _exif = s[6..].ToArray();
                        break;
                    }
                case JpegConstants.App2:
                    {
                        var s = Segment(marker);
                        if (s.Length > 14 && s.StartsWith("ICC_PROFILE\0"u8)) (_iccChunks ??= []).Add((s[12], s[13], s[14..].ToArray()));
                        break;
                    }
                case JpegConstants.App14:
                    {
                        var s = Segment(marker);
                        if (s.Length >= 12 && s[..5].SequenceEqual("Adobe"u8)) _adobeTransform = s[11];
                        break;
                    }
                case >= JpegConstants.Rst0 and <= JpegConstants.Rst0 + 7:
                case 0x01:
                    break;                               // stand-alone markers with no segment
                default:
                    Segment(marker);                     // APPn, COM, DNL, DAC, JPGn: skip
                    break;
            }
        }
        return Output();
    }

    // ---- Markers and segments -------------------------------------------------------------------

    /// <summary>Index of the 0xFF that starts the next marker at or after <paramref name="pos"/> (fill bytes and stuffed FF00 skipped), or the file length.</summary>
    internal static int SkipToMarker(byte[] data, int pos)
    {
        while (pos + 1 < data.Length)
        {
            if (data[pos] == 0xFF && data[pos + 1] != 0x00 && data[pos + 1] != 0xFF) return pos;
            pos++;
        }
        return data.Length;
    }

    private int NextMarker()
    {
        _pos = SkipToMarker(_data, _pos);
        if (_pos + 1 >= _data.Length) return -1;
        int marker = _data[_pos + 1];
        _pos += 2;
        return marker;
    }

    private ReadOnlySpan<byte> Segment(int marker)
    {
        if (_pos + 2 > _data.Length) JpegThrowHelper.Corrupt($"marker 0xFF{marker:X2} is cut off before its length");
        int length = (_data[_pos] << 8) | _data[_pos + 1];
        if (length < 2) JpegThrowHelper.Corrupt($"marker 0xFF{marker:X2} has an invalid length {length}");
        if (length > _data.Length - _pos)
            JpegThrowHelper.Corrupt($"marker 0xFF{marker:X2} claims {length} bytes but only {_data.Length - _pos} remain (truncated file?)");
        var payload = new ReadOnlySpan<byte>(_data, _pos + 2, length - 2);
        _pos += length;
        return payload;
    }

    private void ReadQuantTables(ReadOnlySpan<byte> s)
    {
        while (s.Length > 0)
        {
            int precision = s[0] >> 4, id = s[0] & 15;
            if (id > 3) JpegThrowHelper.Corrupt($"quantisation table id {id} is out of range 0..3");
            if (precision > 1) JpegThrowHelper.Corrupt($"quantisation table precision {precision} is invalid");
            int size = precision == 0 ? 64 : 128;
            if (s.Length < 1 + size) JpegThrowHelper.Corrupt("DQT segment is shorter than its tables");
            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
                table[JpegConstants.ZigZag[k]] = precision == 0 ? s[1 + k] : (ushort)((s[1 + 2 * k] << 8) | s[2 + 2 * k]);
            _quantTables[id] = table;
            s = s[(1 + size)..];
        }
    }

    private void ReadHuffmanTables(ReadOnlySpan<byte> s)
    {
        while (s.Length > 0)
        {
            int tableClass = s[0] >> 4, id = s[0] & 15;
            if (tableClass > 1) JpegThrowHelper.Corrupt($"Huffman table class {tableClass} is invalid");
            if (id > 3) JpegThrowHelper.Corrupt($"Huffman table id {id} is out of range 0..3");
            if (s.Length < 17) JpegThrowHelper.Corrupt("DHT segment is shorter than its code counts");
            ReadOnlySpan<byte> counts = s.Slice(1, 16);
            int total = 0;
            foreach (byte c in counts) total += c;
            if (total > 256) JpegThrowHelper.Corrupt($"Huffman table has {total} codes (at most 256)");
            if (s.Length < 17 + total) JpegThrowHelper.Corrupt("DHT segment is shorter than its symbol list");
            var table = JpegHuffmanTable.Build(counts, s.Slice(17, total));
            (tableClass == 0 ? _dcTables : _acTables)[id] = table;
            s = s[(17 + total)..];
        }
    }

    private void ReadRestartInterval(ReadOnlySpan<byte> s)
    {
        if (s.Length != 2) JpegThrowHelper.Corrupt($"DRI segment has length {s.Length + 2}, expected 4");
        _restartInterval = (s[0] << 8) | s[1];
    }

    private void ReadFrame(ReadOnlySpan<byte> s, bool progressive)
    {
        if (_components is not null) JpegThrowHelper.Corrupt("more than one frame header (SOF)");
        if (s.Length < 6) JpegThrowHelper.Corrupt("SOF segment is too short");
        int precision = s[0];
        int height = (s[1] << 8) | s[2], width = (s[3] << 8) | s[4], count = s[5];
        if (precision != 8) JpegThrowHelper.Unsupported($"{precision}-bit samples are not supported (8-bit only)");
        if (height == 0) JpegThrowHelper.Unsupported("height 0 (defined later by a DNL marker) is not supported");
        if (width == 0) JpegThrowHelper.Corrupt("frame width is 0");
        if (count == 4) JpegThrowHelper.Unsupported("4-component (CMYK/YCCK) JPEG is not supported");
        if (count is not (1 or 3)) JpegThrowHelper.Corrupt($"frame has {count} components (1 or 3 supported)");
        if (s.Length != 6 + 3 * count) JpegThrowHelper.Corrupt($"SOF segment length {s.Length + 2} does not match {count} components");
        if ((long)width * height > _maxPixels)
            RgbImage.ThrowTooLarge("JPEG", width, height, _maxPixels);

        var comps = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int id = s[6 + 3 * i], hv = s[7 + 3 * i], tq = s[8 + 3 * i];
            int h = hv >> 4, v = hv & 15;
            if (h is < 1 or > 4 || v is < 1 or > 4) JpegThrowHelper.Corrupt($"component {id} has invalid sampling factors {h}x{v}");
            if (tq > 3) JpegThrowHelper.Corrupt($"component {id} uses quantisation table {tq} (0..3)");
            for (int j = 0; j < i; j++)
                if (comps[j].Id == id) JpegThrowHelper.Corrupt($"component id {id} appears twice in the frame");
            comps[i] = new JpegComponent { Id = id, Index = i, H = h, V = v, QuantTable = tq };
        }

        _hMax = comps.Max(c => c.H);
        _vMax = comps.Max(c => c.V);
        foreach (var c in comps)
            if (_hMax % c.H != 0 || _vMax % c.V != 0)
                JpegThrowHelper.Unsupported($"fractional sampling ratio ({c.H}x{c.V} against {_hMax}x{_vMax}) is not supported");

        _mcusWide = DivCeil(width, 8 * _hMax);
        _mcusHigh = DivCeil(height, 8 * _vMax);
        foreach (var c in comps)
        {
            c.Width = DivCeil(width * c.H, _hMax);
            c.Height = DivCeil(height * c.V, _vMax);
            c.BlocksWide = DivCeil(c.Width, 8);
            c.BlocksHigh = DivCeil(c.Height, 8);
            c.PaddedBlocksWide = _mcusWide * c.H;
            c.PaddedBlocksHigh = _mcusHigh * c.V;
            if ((long)c.PaddedBlocksWide * c.PaddedBlocksHigh * 64 > Array.MaxLength || (long)width * height * count > Array.MaxLength)
                JpegThrowHelper.Unsupported($"image {width}x{height} is too large to decode in memory (one array holds at most {Array.MaxLength} samples)");
        }
        _width = width;
        _height = height;
        _progressive = progressive;
        _components = comps;
    }

    // ---- Scans ----------------------------------------------------------------------------------

    private void ReadScanHeaderAndDecode(ReadOnlySpan<byte> s)
    {
        var frame = _components ?? throw new InvalidDataException("JPEG: scan (SOS) before the frame header (SOF)");
        // A scan header is a dozen bytes but can make the decoder walk every block of the image (refinement scans
        // need no bits per block), so a small file with thousands of scans would take minutes. Real encoders use
        // about ten; libjpeg-turbo's tools offer the same kind of cap.
        if (_scans >= MaxScans) JpegThrowHelper.Corrupt($"more than {MaxScans} scans (corrupt or hostile file)");
        if (s.Length < 1) JpegThrowHelper.Corrupt("SOS segment is empty");
        int n = s[0];
        if (n is < 1 or > 4) JpegThrowHelper.Corrupt($"scan has {n} components (1..4)");
        if (s.Length != 4 + 2 * n) JpegThrowHelper.Corrupt($"SOS segment length {s.Length + 2} does not match {n} components");

        var comps = new JpegComponent[n];
        var dcIds = new int[n];
        var acIds = new int[n];
        for (int i = 0; i < n; i++)
        {
            int id = s[1 + 2 * i];
            var c = Array.Find(frame, f => f.Id == id);
            if (c is null) JpegThrowHelper.Corrupt($"scan refers to component id {id}, which the frame does not define");
            for (int j = 0; j < i; j++)
                if (comps[j] == c) JpegThrowHelper.Corrupt($"component id {id} appears twice in a scan");
            comps[i] = c;
            dcIds[i] = s[2 + 2 * i] >> 4;
            acIds[i] = s[2 + 2 * i] & 15;
            if (dcIds[i] > 3 || acIds[i] > 3) JpegThrowHelper.Corrupt($"scan uses Huffman table {Math.Max(dcIds[i], acIds[i])} (0..3)");
        }
        int ss = s[1 + 2 * n], se = s[2 + 2 * n], ah = s[3 + 2 * n] >> 4, al = s[3 + 2 * n] & 15;

        if (n > 1 && comps.Sum(c => c.H * c.V) > 10)
            JpegThrowHelper.Corrupt("interleaved scan has more than 10 blocks per MCU");

        if (_progressive)
        {
            if (ss > 63 || se < ss || se > 63 || ah > 13 || al > 13)
                JpegThrowHelper.Corrupt($"invalid progressive scan parameters Ss={ss} Se={se} Ah={ah} Al={al}");
            if (ss == 0 && se != 0) JpegThrowHelper.Corrupt("progressive DC scan also codes AC coefficients");
            if (ss > 0 && n != 1) JpegThrowHelper.Corrupt("progressive AC scan has more than one component");
            _kind = ss == 0 ? (ah == 0 ? ScanKind.DcFirst : ScanKind.DcRefine) : (ah == 0 ? ScanKind.AcFirst : ScanKind.AcRefine);
            if (ss > 0)
                foreach (var c in comps)
                    if (!c.HasDc) JpegThrowHelper.Corrupt($"AC scan of component {c.Id} comes before its DC scan");
        }
        else
        {
            _kind = ScanKind.Sequential;
            ss = 0;
            se = 63;
            al = 0;
        }
        _ss = ss;
        _se = se;
        _al = al;

        for (int i = 0; i < n; i++)
        {
            var c = comps[i];
            bool needsDc = _kind is ScanKind.Sequential or ScanKind.DcFirst;
            bool needsAc = _kind is ScanKind.Sequential or ScanKind.AcFirst or ScanKind.AcRefine;
            c.DcTable = _dcTables[dcIds[i]];
            c.AcTable = _acTables[acIds[i]];
            if (needsDc && c.DcTable is null) JpegThrowHelper.Corrupt($"scan uses DC Huffman table {dcIds[i]}, which is not defined");
            if (needsAc && c.AcTable is null) JpegThrowHelper.Corrupt($"scan uses AC Huffman table {acIds[i]}, which is not defined");
            if (c.Quant is null)
            {
                var q = _quantTables[c.QuantTable];
                if (q is null) JpegThrowHelper.Corrupt($"component {c.Id} uses quantisation table {c.QuantTable}, which is not defined");
                c.Quant = (ushort[])q.Clone();
            }
            if (_kind == ScanKind.DcFirst) c.HasDc = true;
        }

        // Every block costs at least one Huffman code per coded band (two in a sequential scan), so a file
        // too short for the blocks it claims is refused here, before the coefficient stores are allocated.
        long blocks = n == 1 ? (long)comps[0].BlocksWide * comps[0].BlocksHigh : (long)_mcusWide * _mcusHigh * comps.Sum(c => c.H * c.V);
        long minBits = _kind switch { ScanKind.Sequential => 2 * blocks, ScanKind.DcFirst => blocks, _ => 0 };
        if (minBits > 8L * (_data.Length - _pos)) JpegThrowHelper.Truncated();

        foreach (var c in comps)
        {
            c.Coefficients ??= new short[(long)c.PaddedBlocksWide * c.PaddedBlocksHigh * 64];
            c.DcPredictor = 0;
        }
        DecodeScan(comps);
        _scans++;
    }

    private void DecodeScan(JpegComponent[] comps)
    {
        _reader = new JpegBitReader(_data, _pos);
        _eobRun = 0;
        bool single = comps.Length == 1;
        int mcusWide = single ? comps[0].BlocksWide : _mcusWide;
        int mcusHigh = single ? comps[0].BlocksHigh : _mcusHigh;
        long total = (long)mcusWide * mcusHigh;
        int restart = _restartInterval;
        int nextRst = 0;

        for (long m = 0; m < total; m++)
        {
            if (restart > 0 && m > 0 && m % restart == 0)
            {
                _reader.ExpectRestart(nextRst);
                nextRst = (nextRst + 1) & 7;
                _eobRun = 0;
                foreach (var c in comps) c.DcPredictor = 0;
            }
            int my = (int)(m / mcusWide), mx = (int)(m % mcusWide);
            if (single)
            {
                var c = comps[0];
                DecodeBlock(c, ((long)my * c.PaddedBlocksWide + mx) * 64);
            }
            else
            {
                foreach (var c in comps)
                    for (int v = 0; v < c.V; v++)
                        for (int h = 0; h < c.H; h++)
                            DecodeBlock(c, ((long)(my * c.V + v) * c.PaddedBlocksWide + mx * c.H + h) * 64);
            }
        }
        if (_reader.Overrun) JpegThrowHelper.Truncated();
        _pos = _reader.Position;
    }

    private void DecodeBlock(JpegComponent c, long offset)
    {
        Span<short> block = c.Coefficients.AsSpan((int)offset, 64);
        switch (_kind)
        {
            case ScanKind.Sequential: DecodeSequential(c, block); break;
            case ScanKind.DcFirst: DecodeDcFirst(c, block); break;
            case ScanKind.DcRefine: if (_reader.ReadBit() != 0) block[0] |= (short)(1 << _al); break;
            case ScanKind.AcFirst: DecodeAcFirst(c, block); break;
            default: DecodeAcRefine(c, block); break;
        }
    }

    private int DecodeDcDiff(JpegComponent c)
    {
        int t = _reader.DecodeSymbol(c.DcTable!);
        if (t > 16) JpegThrowHelper.Corrupt($"DC difference category {t} is invalid");
        return t == 16 ? 32768 : _reader.ReceiveExtend(t);
    }

    private void DecodeSequential(JpegComponent c, Span<short> block)
    {
        c.DcPredictor += DecodeDcDiff(c);
        block[0] = (short)c.DcPredictor;
        var ac = c.AcTable!;
        for (int k = 1; k < 64; k++)
        {
            int rs = _reader.DecodeSymbol(ac);
            int r = rs >> 4, size = rs & 15;
            if (size == 0)
            {
                if (r != 15) break;      // EOB
                k += 15;                 // ZRL: 16 zeros
                continue;
            }
            k += r;
            if (k > 63) JpegThrowHelper.Corrupt("AC coefficients run past the end of a block");
            block[JpegConstants.ZigZag[k]] = (short)_reader.ReceiveExtend(size);
        }
    }

    private void DecodeDcFirst(JpegComponent c, Span<short> block)
    {
        c.DcPredictor += DecodeDcDiff(c);
        block[0] = (short)(c.DcPredictor << _al);
    }

    private void DecodeAcFirst(JpegComponent c, Span<short> block)
    {
        if (_eobRun > 0)
        {
            _eobRun--;
            return;
        }
        var ac = c.AcTable!;
        for (int k = _ss; k <= _se; k++)
        {
            int rs = _reader.DecodeSymbol(ac);
            int r = rs >> 4, size = rs & 15;
            if (size == 0)
            {
                if (r == 15)
                {
                    k += 15;
                    continue;
                }
                _eobRun = (1 << r) - 1 + _reader.ReadBits(r);   // this block ends here, and so do the next _eobRun
                return;
            }
            k += r;
            if (k > 63) JpegThrowHelper.Corrupt("AC coefficients run past the end of a block");
            block[JpegConstants.ZigZag[k]] = (short)(_reader.ReceiveExtend(size) * (1 << _al));
        }
    }

    private void DecodeAcRefine(JpegComponent c, Span<short> block)
    {
        int plus = 1 << _al, minus = -1 << _al;
        int k = _ss, end = _se;
        if (_eobRun == 0)
        {
            var ac = c.AcTable!;
            for (; k <= end; k++)
            {
                int rs = _reader.DecodeSymbol(ac);
                int r = rs >> 4, size = rs & 15;
                int value = 0;
                if (size != 0)
                {
                    if (size != 1) JpegThrowHelper.Corrupt($"refinement scan codes a coefficient of size {size} (must be 1)");
                    value = _reader.ReadBit() != 0 ? plus : minus;
                }
                else if (r != 15)
                {
                    _eobRun = (1 << r) + _reader.ReadBits(r);   // includes this block
                    break;
                }
                // Skip r coefficients that are still zero (correcting the non-zero ones passed on the way),
                // then place the new coefficient, if any, in the next zero position.
                while (k <= end)
                {
                    int z = JpegConstants.ZigZag[k];
                    if (block[z] != 0)
                    {
                        Refine(ref block[z], plus, minus);
                    }
                    else
                    {
                        if (r == 0)
                        {
                            if (value != 0) block[z] = (short)value;
                            break;
                        }
                        r--;
                    }
                    k++;
                }
            }
        }
        if (_eobRun > 0)
        {
            for (; k <= end; k++)
            {
                int z = JpegConstants.ZigZag[k];
                if (block[z] != 0) Refine(ref block[z], plus, minus);
            }
            _eobRun--;
        }
    }

    private void Refine(ref short coef, int plus, int minus)
    {
        if (_reader.ReadBit() != 0 && (coef & plus) == 0)
            coef = (short)(coef + (coef >= 0 ? plus : minus));
    }

    // ---- Output ---------------------------------------------------------------------------------

    private RgbImage Output()
    {
        var comps = _components!;
        var planes = new byte[comps.Length][];
        foreach (var c in comps)
        {
            if (c.Coefficients is null) JpegThrowHelper.Corrupt($"component {c.Id} has no image data (no scan covers it)");
            int stride = c.PaddedBlocksWide * 8;
            var plane = new byte[(long)stride * c.PaddedBlocksHigh * 8];
            ushort[] q = c.Quant!;
            for (int by = 0; by < c.PaddedBlocksHigh; by++)
                for (int bx = 0; bx < c.PaddedBlocksWide; bx++)
                {
                    int offset = (by * c.PaddedBlocksWide + bx) * 64;
                    JpegIdct.Transform(c.Coefficients.AsSpan(offset, 64), q, plane.AsSpan(by * 8 * stride + bx * 8), stride);
                }
            var full = new byte[(long)_width * _height];
            JpegUpsampler.Upsample(plane, stride, c.Width, c.Height, _hMax / c.H, _vMax / c.V, full, _width, _height);
            planes[c.Index] = full;
            c.Coefficients = null;   // release as we go
        }

        RgbImage image;
        if (comps.Length == 1)
        {
            image = new RgbImage(_width, _height, 1, planes[0]);
        }
        else
        {
            image = new RgbImage(_width, _height, 3);
            if (IsRgb())
                JpegColorConverter.Interleave(planes[0], planes[1], planes[2], image.Pixels);
            else
                JpegColorConverter.YCbCrToRgb(planes[0], planes[1], planes[2], image.Pixels);
        }
        image = ExifOrientation.Apply(image, _orientation);
        // The pixels are upright now: the EXIF written with them must not rotate them again.
        image.Metadata = new ImageMetadata(IccProfile(), _exif is null ? null : ExifOrientation.ResetTiff(_exif));
        return image;
    }

    /// <summary>The ICC profile from its APP2 chunks (numbered 1..count, possibly out of order), or null when they do not add up.</summary>
    private byte[]? IccProfile()
    {
        if (_iccChunks is null) return null;
        int count = _iccChunks[0].Count;
        var ordered = _iccChunks.OrderBy(c => c.Seq).ToList();
        if (count == 0 || ordered.Count != count || ordered.Where((c, i) => c.Seq != i + 1 || c.Count != count).Any()) return null;
        long total = ordered.Sum(c => (long)c.Data.Length);
        return total > ImageMetadata.MaxBlockBytes ? null : ordered.SelectMany(c => c.Data).ToArray();
    }

    /// <summary>Colour space of a 3-component file: Adobe's transform flag wins, then JFIF (always YCbCr), then component ids 'R','G','B'.</summary>
    private bool IsRgb()
    {
        if (_adobeTransform >= 0) return _adobeTransform == 0;
        if (_jfif) return false;
        var c = _components!;
        return c[0].Id == 'R' && c[1].Id == 'G' && c[2].Id == 'B';
    }

    private static int DivCeil(int a, int b) => (a + b - 1) / b;
}
