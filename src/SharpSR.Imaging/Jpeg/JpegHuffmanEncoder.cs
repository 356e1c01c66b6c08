namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// An encoding Huffman table built from symbol counts (T.81 K.2): code lengths from repeated merging of the two
/// rarest symbols, a reserved extra symbol so that no real code is all ones, then lengths over 16 folded back
/// (K.3 "Adjust_BITS") and canonical codes assigned (C.2).
/// </summary>
internal sealed class JpegHuffmanEncoder
{
    /// <summary>DHT payload: how many codes of each length 1..16.</summary>
    public byte[] Counts { get; } = new byte[16];

    /// <summary>DHT payload: the symbols in order of code length.</summary>
    public byte[] Values { get; }

    public ushort[] Code { get; } = new ushort[256];
    public byte[] Length { get; } = new byte[256];

    private JpegHuffmanEncoder(byte[] values) => Values = values;

    public static JpegHuffmanEncoder FromFrequencies(ReadOnlySpan<long> frequencies)
    {
        var freq = new long[257];
        frequencies[..256].CopyTo(freq);
        if (!freq.AsSpan(0, 256).ContainsAnyExcept(0)) freq[0] = 1;   // an unused table still needs a valid code
        freq[256] = 1;                                                 // reserved: takes the all-ones code

        var size = new int[257];
        var next = new int[257];
        Array.Fill(next, -1);
        while (true)
        {
            int v1 = -1, v2 = -1;
            for (int i = 0; i < 257; i++)           // rarest, then second rarest (ties: the larger symbol)
            {
                if (freq[i] == 0) continue;
                if (v1 < 0 || freq[i] <= freq[v1]) { v2 = v1; v1 = i; }
                else if (v2 < 0 || freq[i] <= freq[v2]) v2 = i;
            }
            if (v2 < 0) break;
            freq[v1] += freq[v2];
            freq[v2] = 0;
            size[v1]++;
            int k = v1;
            while (next[k] >= 0) { k = next[k]; size[k]++; }
            next[k] = v2;                           // append v2's chain to v1's
            size[v2]++;
            k = v2;
            while (next[k] >= 0) { k = next[k]; size[k]++; }
        }

        var bits = new int[33];
        for (int i = 0; i < 257; i++)
            if (size[i] > 0)
            {
                if (size[i] > 32) throw new InvalidOperationException("Huffman code length above 32 (counts too skewed)");
                bits[size[i]]++;
            }
        // Fold lengths above 16: take two leaves at length i, hang one of them with a leaf from the deepest
        // level j < i − 1 that has one, and move the other up to length i − 1.
        for (int i = 32; i > 16; i--)
            while (bits[i] > 0)
            {
                int j = i - 2;
                while (bits[j] == 0) j--;
                bits[i] -= 2;
                bits[i - 1]++;
                bits[j + 1] += 2;
                bits[j]--;
            }
        int longest = 16;
        while (bits[longest] == 0) longest--;
        bits[longest]--;                            // drop the reserved symbol's code (the last, all-ones one)

        // Symbols sorted by their pre-adjustment length (stable by value), then assigned the adjusted lengths in order.
        var order = Enumerable.Range(0, 256).Where(i => size[i] > 0).OrderBy(i => size[i]).ThenBy(i => i).ToArray();
        var table = new JpegHuffmanEncoder(order.Select(i => (byte)i).ToArray());
        int p = 0, code = 0;
        for (int len = 1; len <= 16; len++)
        {
            table.Counts[len - 1] = (byte)bits[len];
            for (int n = 0; n < bits[len]; n++, p++, code++)
            {
                table.Code[order[p]] = (ushort)code;
                table.Length[order[p]] = (byte)len;
            }
            code <<= 1;
        }
        return table;
    }
}

/// <summary>MSB-first bit packer for entropy-coded data: inserts a 0x00 after every 0xFF byte, pads the end with ones.</summary>
internal sealed class JpegBitWriter(Stream output)
{
    private readonly MemoryStream _buffer = new();
    private uint _acc;
    private int _bits;

    public void Write(int value, int count)
    {
        if (count == 0) return;
        _acc = (_acc << count) | ((uint)value & ((1u << count) - 1));
        _bits += count;
        while (_bits >= 8)
        {
            byte b = (byte)(_acc >> (_bits - 8));
            _buffer.WriteByte(b);
            if (b == 0xFF) _buffer.WriteByte(0);
            _bits -= 8;
        }
    }

    public void Flush()
    {
        if (_bits > 0) Write(0x7F, 8 - _bits);
        _buffer.WriteTo(output);
        _buffer.SetLength(0);
    }
}
