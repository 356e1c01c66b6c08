using System.Runtime.CompilerServices;

namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// Reads the entropy-coded segment of a scan: MSB-first bits from a 64-bit accumulator, removing the
/// stuffed zero after each 0xFF data byte and skipping 0xFF fill bytes. It never reads past a marker:
/// at a marker (or the end of the file) it supplies zero bits and counts them, so
/// <see cref="Overrun"/> tells whether the decoder used bits the file does not have.
/// </summary>
internal struct JpegBitReader
{
    private readonly byte[] _data;
    private int _pos;
    private ulong _acc;      // valid bits are the top _bits bits
    private int _bits;
    private int _zeroBits;   // how many of the buffered bits are padding past a marker / end of file
    private bool _atMarker;

    public JpegBitReader(byte[] data, int pos)
    {
        _data = data;
        _pos = pos;
    }

    /// <summary>Position of the first byte not yet loaded into the accumulator.</summary>
    public readonly int Position => _pos;

    /// <summary>True when the decoder has consumed padding bits, i.e. the segment was too short for the data it claims.</summary>
    public readonly bool Overrun => _bits < _zeroBits;

    private void Fill()
    {
        while (_bits <= 56)
        {
            int b;
            if (_atMarker || _pos >= _data.Length)
            {
                b = 0;
                _zeroBits += 8;
            }
            else
            {
                b = _data[_pos];
                if (b == 0xFF)
                {
                    int next = _pos + 1 < _data.Length ? _data[_pos + 1] : -1;
                    if (next == 0x00)
                    {
                        _pos += 2;          // stuffed 0xFF data byte
                    }
                    else if (next == 0xFF)
                    {
                        _pos++;             // fill byte before a marker
                        continue;
                    }
                    else
                    {
                        _atMarker = true;   // a marker (or 0xFF at the end of the file): stop here
                        b = 0;
                        _zeroBits += 8;
                    }
                }
                else
                {
                    _pos++;
                }
            }
            _acc |= (ulong)b << (56 - _bits);
            _bits += 8;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadBits(int n)
    {
        if (n == 0) return 0;
        if (_bits < n) Fill();
        int v = (int)(_acc >> (64 - n));
        _acc <<= n;
        _bits -= n;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadBit() => ReadBits(1);

    /// <summary>Reads s bits and sign-extends them as T.81 F.2.2.1 EXTEND does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReceiveExtend(int s)
    {
        if (s == 0) return 0;
        int v = ReadBits(s);
        return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
    }

    public int DecodeSymbol(JpegHuffmanTable table)
    {
        if (_bits < 16) Fill();
        int entry = table.Lookup[(int)(_acc >> (64 - JpegHuffmanTable.LookupBits))];
        if (entry != 0)
        {
            int len = entry >> 8;
            _acc <<= len;
            _bits -= len;
            return entry & 0xFF;
        }
        int code16 = (int)(_acc >> 48);
        for (int len = JpegHuffmanTable.LookupBits + 1; len <= 16; len++)
        {
            int code = code16 >> (16 - len);
            if (code <= table.MaxCode[len])
            {
                _acc <<= len;
                _bits -= len;
                return table.Values[code + table.ValueOffset[len]];
            }
        }
        if (Overrun || _atMarker && _bits - _zeroBits < 16) JpegThrowHelper.Truncated();
        JpegThrowHelper.Corrupt("invalid Huffman code in the entropy-coded data");
        return 0;
    }

    /// <summary>
    /// Ends a restart interval: drops the buffered bits, moves to the next marker and requires it to be RST(n).
    /// </summary>
    public void ExpectRestart(int n)
    {
        if (Overrun) JpegThrowHelper.Truncated();
        _acc = 0;
        _bits = 0;
        _zeroBits = 0;
        _atMarker = false;
        _pos = JpegDecoderCore.SkipToMarker(_data, _pos);
        if (_pos + 1 >= _data.Length) JpegThrowHelper.Truncated();
        int marker = _data[_pos + 1];
        if (marker != JpegConstants.Rst0 + n)
            JpegThrowHelper.Corrupt($"expected restart marker RST{n}, found 0xFF{marker:X2}");
        _pos += 2;
    }
}
