namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// Baseline encoder: colour conversion and edge-replicating padding to whole MCUs, 2×2 chroma averaging for 4:2:0,
/// FDCT + quantisation of every block, then a counting pass to build optimal Huffman tables and a writing pass.
/// Table 0 (quantisation and Huffman) serves luminance, table 1 chrominance.
/// </summary>
internal sealed class JpegEncoderCore
{
    private sealed class Plane
    {
        public required int Id, H, V, Table;
        public required int BlocksWide, BlocksHigh;
        public required short[] Coefficients;   // natural order, 64 per block
    }

    private readonly RgbImage _image;
    private readonly byte[][] _quant;
    private readonly Plane[] _planes;
    private readonly int _mcusWide, _mcusHigh;

    public JpegEncoderCore(RgbImage image, JpegEncoderOptions options)
    {
        _image = image;
        _quant = [JpegQuantization.Scale(JpegQuantization.Luminance, options.Quality), JpegQuantization.Scale(JpegQuantization.Chrominance, options.Quality)];
        bool grey = image.Channels == 1;
        int hMax = !grey && options.Subsampling == JpegSubsampling.Chroma420 ? 2 : 1;
        _mcusWide = (image.Width + 8 * hMax - 1) / (8 * hMax);
        _mcusHigh = (image.Height + 8 * hMax - 1) / (8 * hMax);
        int paddedW = _mcusWide * 8 * hMax, paddedH = _mcusHigh * 8 * hMax;

        // One MCU row at a time: colour-converted, padded (edge pixels repeated: no ringing against a black
        // border), chroma averaged, transformed. Only the coefficients are kept whole (the Huffman tables are
        // built from a first pass over them), never full-size sample planes.
        int comps = grey ? 1 : 3, bandH = 8 * hMax;
        _planes = new Plane[comps];
        for (int c = 0; c < comps; c++)
        {
            int factor = c == 0 ? hMax : 1;                   // luma keeps hMax×hMax blocks per MCU
            int bw = paddedW * factor / hMax / 8, bh = paddedH * factor / hMax / 8;
            _planes[c] = new Plane { Id = c + 1, H = factor, V = factor, Table = c == 0 ? 0 : 1, BlocksWide = bw, BlocksHigh = bh, Coefficients = new short[(long)bw * bh * 64] };
        }
        var band = new byte[comps][];
        for (int c = 0; c < comps; c++) band[c] = new byte[paddedW * bandH];
        byte[] px = image.Pixels;
        for (int my = 0; my < _mcusHigh; my++)
        {
            for (int y = 0; y < bandH; y++)
            {
                int sy = Math.Min(my * bandH + y, image.Height - 1);
                for (int x = 0; x < paddedW; x++)
                {
                    int sx = Math.Min(x, image.Width - 1);
                    int i = y * paddedW + x;
                    if (grey)
                    {
                        band[0][i] = px[sy * image.Width + sx];
                    }
                    else
                    {
                        int s = (sy * image.Width + sx) * 3;
                        JpegColorConverter.RgbToYCbCr(px[s], px[s + 1], px[s + 2], out band[0][i], out band[1][i], out band[2][i]);
                    }
                }
            }
            for (int c = 0; c < comps; c++)
            {
                var p = _planes[c];
                byte[] samples = band[c];
                int w = paddedW, h = bandH;
                if (hMax / p.H == 2)
                {
                    samples = Downsample2x2(samples, w, h);
                    w /= 2;
                    h /= 2;
                }
                byte[] q = _quant[c == 0 ? 0 : 1];
                for (int row = 0; row < h / 8; row++)
                {
                    int by = my * (h / 8) + row;
                    for (int bx = 0; bx < p.BlocksWide; bx++)
                        JpegForwardDct.Transform(samples.AsSpan(row * 8 * w + bx * 8), w, q, p.Coefficients.AsSpan((by * p.BlocksWide + bx) * 64, 64));
                }
            }
        }
    }

    /// <summary>Box-average 2×2 with alternating rounding bias (1, 2, 1, 2 …) so that halves do not all round the same way.</summary>
    private static byte[] Downsample2x2(byte[] src, int w, int h)
    {
        var dst = new byte[w / 2 * (h / 2)];
        for (int y = 0; y < h / 2; y++)
            for (int x = 0; x < w / 2; x++)
            {
                int i = 2 * y * w + 2 * x;
                dst[y * (w / 2) + x] = (byte)((src[i] + src[i + 1] + src[i + w] + src[i + w + 1] + 1 + (x & 1)) >> 2);
            }
        return dst;
    }

    public void Write(Stream output)
    {
        int tables = _planes.Length == 1 ? 1 : 2;
        var dcFreq = new long[tables][];
        var acFreq = new long[tables][];
        for (int t = 0; t < tables; t++) { dcFreq[t] = new long[256]; acFreq[t] = new long[256]; }
        EncodeScan((table, ac, symbol, _, _) => (ac ? acFreq : dcFreq)[table][symbol]++);

        var dc = new JpegHuffmanEncoder[tables];
        var acTables = new JpegHuffmanEncoder[tables];
        for (int t = 0; t < tables; t++)
        {
            dc[t] = JpegHuffmanEncoder.FromFrequencies(dcFreq[t]);
            acTables[t] = JpegHuffmanEncoder.FromFrequencies(acFreq[t]);
        }

        var header = new MemoryStream();
        header.Write([0xFF, JpegConstants.Soi]);
        WriteSegment(header, JpegConstants.App0, [(byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        WriteMetadata(header, _image.Metadata);
        for (int t = 0; t < tables; t++)
        {
            var dqt = new byte[65];
            dqt[0] = (byte)t;
            for (int k = 0; k < 64; k++) dqt[1 + k] = _quant[t][JpegConstants.ZigZag[k]];
            WriteSegment(header, JpegConstants.Dqt, dqt);
        }
        var sof = new List<byte> { 8, (byte)(_image.Height >> 8), (byte)_image.Height, (byte)(_image.Width >> 8), (byte)_image.Width, (byte)_planes.Length };
        foreach (var p in _planes) sof.AddRange([(byte)p.Id, (byte)(p.H << 4 | p.V), (byte)p.Table]);
        WriteSegment(header, JpegConstants.Sof0, [.. sof]);
        var dht = new List<byte>();
        for (int t = 0; t < tables; t++)
        {
            dht.Add((byte)t);
            dht.AddRange(dc[t].Counts);
            dht.AddRange(dc[t].Values);
            dht.Add((byte)(0x10 | t));
            dht.AddRange(acTables[t].Counts);
            dht.AddRange(acTables[t].Values);
        }
        WriteSegment(header, JpegConstants.Dht, [.. dht]);
        var sos = new List<byte> { (byte)_planes.Length };
        foreach (var p in _planes) sos.AddRange([(byte)p.Id, (byte)(p.Table << 4 | p.Table)]);
        sos.AddRange([0, 63, 0]);
        WriteSegment(header, JpegConstants.Sos, [.. sos]);
        header.WriteTo(output);

        var writer = new JpegBitWriter(output);
        EncodeScan((table, ac, symbol, extra, extraBits) =>
        {
            var h = ac ? acTables[table] : dc[table];
            writer.Write(h.Code[symbol], h.Length[symbol]);
            writer.Write(extra, extraBits);
        });
        writer.Flush();
        output.Write([0xFF, JpegConstants.Eoi]);
    }

    /// <summary>Largest payload of one marker segment (its 16-bit length counts itself).</summary>
    private const int MaxSegmentPayload = 65533;

    /// <summary>
    /// EXIF as APP1 ("Exif\0\0" + TIFF; an EXIF block too large for one segment is left out, as libjpeg-based
    /// tools do) and the ICC profile as APP2 chunks ("ICC_PROFILE\0", chunk number, chunk count, data).
    /// </summary>
    private static void WriteMetadata(Stream s, Metadata.ImageMetadata metadata)
    {
        if (metadata.Exif is { } exif && exif.Length + 6 <= MaxSegmentPayload)
            WriteSegment(s, JpegConstants.App1, [.. "Exif\0\0"u8, .. exif]);
        if (metadata.Icc is { Length: > 0 } icc)
        {
            const int perChunk = MaxSegmentPayload - 14;
            int chunks = (icc.Length + perChunk - 1) / perChunk;
            if (chunks > 255) return;   // the format numbers chunks in one byte
            for (int i = 0; i < chunks; i++)
            {
                var part = icc.AsSpan(i * perChunk, Math.Min(perChunk, icc.Length - i * perChunk));
                WriteSegment(s, JpegConstants.App2, [.. "ICC_PROFILE\0"u8, (byte)(i + 1), (byte)chunks, .. part]);
            }
        }
    }

    private static void WriteSegment(Stream s, byte marker, ReadOnlySpan<byte> payload)
    {
        int length = payload.Length + 2;
        s.Write([0xFF, marker, (byte)(length >> 8), (byte)length]);
        s.Write(payload);
    }

    /// <summary>Callback: Huffman table index, AC (true) or DC, symbol, then the extra bits after the code and their count.</summary>
    private delegate void Emit(int table, bool ac, int symbol, int extra, int extraBits);

    /// <summary>Walks the blocks in scan order (MCU by MCU, or block by block for one component) and emits symbols.</summary>
    private void EncodeScan(Emit emit)
    {
        var predictors = new int[_planes.Length];
        if (_planes.Length == 1)
        {
            var p = _planes[0];
            for (int b = 0; b < p.BlocksWide * p.BlocksHigh; b++) EncodeBlock(p, b, ref predictors[0], emit);
            return;
        }
        for (int my = 0; my < _mcusHigh; my++)
            for (int mx = 0; mx < _mcusWide; mx++)
                for (int c = 0; c < _planes.Length; c++)
                {
                    var p = _planes[c];
                    for (int v = 0; v < p.V; v++)
                        for (int h = 0; h < p.H; h++)
                            EncodeBlock(p, (my * p.V + v) * p.BlocksWide + mx * p.H + h, ref predictors[c], emit);
                }
    }

    private static void EncodeBlock(Plane p, int block, ref int predictor, Emit emit)
    {
        ReadOnlySpan<short> coef = p.Coefficients.AsSpan(block * 64, 64);
        int diff = coef[0] - predictor;
        predictor = coef[0];
        int size = Magnitude(diff);
        emit(p.Table, false, size, diff < 0 ? diff - 1 : diff, size);

        int run = 0;
        for (int k = 1; k < 64; k++)
        {
            int v = coef[JpegConstants.ZigZag[k]];
            if (v == 0)
            {
                run++;
                continue;
            }
            for (; run >= 16; run -= 16) emit(p.Table, true, 0xF0, 0, 0);   // ZRL
            size = Magnitude(v);
            emit(p.Table, true, (run << 4) | size, v < 0 ? v - 1 : v, size);
            run = 0;
        }
        if (run > 0) emit(p.Table, true, 0x00, 0, 0);                        // EOB
    }

    /// <summary>Bits needed for |v| (the T.81 SSSS category).</summary>
    private static int Magnitude(int v) => v == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Abs(v));
}
