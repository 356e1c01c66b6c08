namespace SharpSR.Imaging.Jpeg;

/// <summary>
/// A decoding Huffman table (T.81 C and F.2.2.3): a 9-bit lookup for short codes and per-length
/// max-code bounds for the rest. Built from the DHT counts and symbols; over-subscribed tables are rejected.
/// </summary>
internal sealed class JpegHuffmanTable
{
    public const int LookupBits = 9;

    /// <summary>Index: the next 9 bits. Value: (code length &lt;&lt; 8) | symbol, or 0 when the code is longer than 9 bits.</summary>
    public readonly ushort[] Lookup = new ushort[1 << LookupBits];

    /// <summary>MaxCode[len]: the largest code of that length, or -1 when there is none.</summary>
    public readonly int[] MaxCode = new int[17];

    /// <summary>ValueOffset[len]: index into <see cref="Values"/> of a code of that length is code + ValueOffset[len].</summary>
    public readonly int[] ValueOffset = new int[17];

    public readonly byte[] Values;

    private JpegHuffmanTable(byte[] values) => Values = values;

    /// <param name="counts">16 entries: how many codes have length 1..16.</param>
    /// <param name="values">The symbols, in order of increasing code length.</param>
    public static JpegHuffmanTable Build(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values)
    {
        var table = new JpegHuffmanTable(values.ToArray());
        int code = 0, index = 0;
        for (int len = 1; len <= 16; len++)
        {
            int n = counts[len - 1];
            table.ValueOffset[len] = index - code;
            if (n == 0)
            {
                table.MaxCode[len] = -1;
            }
            else
            {
                if (code + n > (1 << len))
                    JpegThrowHelper.Corrupt($"Huffman table is over-subscribed at code length {len}");
                for (int i = 0; i < n; i++, code++, index++)
                {
                    if (len > LookupBits) continue;
                    int shift = LookupBits - len;
                    ushort entry = (ushort)((len << 8) | values[index]);
                    int first = code << shift;
                    table.Lookup.AsSpan(first, 1 << shift).Fill(entry);
                }
                table.MaxCode[len] = code - 1;
            }
            code <<= 1;
        }
        return table;
    }
}
