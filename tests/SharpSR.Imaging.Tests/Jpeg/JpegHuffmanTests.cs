using SharpSR.Imaging.Jpeg;
using Xunit;

namespace SharpSR.Imaging.Tests.Jpeg;

public sealed class JpegHuffmanTests
{
    private static void AssertValidLengths(JpegHuffmanEncoder table)
    {
        double kraft = 0;
        for (int len = 1; len <= 16; len++) kraft += table.Counts[len - 1] * Math.Pow(2, -len);
        Assert.True(kraft < 1, "the all-ones code must stay unused");
        Assert.Equal(table.Values.Length, table.Counts.Sum(c => c));
    }

    [Fact]
    public void FromFrequencies_FibonacciCounts_LimitsLengthsTo16()
    {
        // Fibonacci frequencies give the most unbalanced Huffman tree: 40 symbols would need codes up to 39 bits.
        var freq = new long[256];
        long a = 1, b = 1;
        for (int i = 0; i < 40; i++) { freq[i] = a; (a, b) = (b, a + b); }
        var table = JpegHuffmanEncoder.FromFrequencies(freq);
        AssertValidLengths(table);
        Assert.Equal(40, table.Values.Length);
        Assert.True(table.Length[39] <= table.Length[0], "frequent symbols get codes no longer than rare ones");
    }

    [Fact]
    public void FromFrequencies_SingleSymbol_GetsOneBitCode()
    {
        var freq = new long[256];
        freq[0x42] = 1000;
        var table = JpegHuffmanEncoder.FromFrequencies(freq);
        Assert.Equal(1, table.Length[0x42]);
        AssertValidLengths(table);
    }

    [Fact]
    public void EncodeThenDecode_RandomSymbols_RoundTripThroughBitStream()
    {
        var rng = new Random(5);
        var freq = new long[256];
        var symbols = new int[5000];
        for (int i = 0; i < symbols.Length; i++)
        {
            // Skewed toward small values, with 0xFF present so the writer must stuff bytes.
            symbols[i] = rng.NextDouble() < 0.1 ? 0xFF : (int)Math.Min(255, -Math.Log(rng.NextDouble()) * 20);
            freq[symbols[i]]++;
        }
        var enc = JpegHuffmanEncoder.FromFrequencies(freq);
        AssertValidLengths(enc);

        var stream = new MemoryStream();
        var writer = new JpegBitWriter(stream);
        foreach (int s in symbols)
        {
            writer.Write(enc.Code[s], enc.Length[s]);
            writer.Write(s & 0x1F, 5);   // some raw bits between codes, as in real data
        }
        writer.Flush();
        byte[] data = [.. stream.ToArray(), 0xFF, 0xD9];

        var dec = JpegHuffmanTable.Build(enc.Counts, enc.Values);
        var reader = new JpegBitReader(data, 0);
        foreach (int s in symbols)
        {
            Assert.Equal(s, reader.DecodeSymbol(dec));
            Assert.Equal(s & 0x1F, reader.ReadBits(5));
        }
        Assert.False(reader.Overrun);
    }

    [Fact]
    public void Build_CompleteCode_Accepted()
    {
        // Two 1-bit codes fill the code space exactly; legal for decoding (libjpeg is stricter about the all-ones code).
        var table = JpegHuffmanTable.Build([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [7, 9]);
        Assert.Equal(1, table.MaxCode[1]);
    }

    [Fact]
    public void Build_OversubscribedAtLongLength_Throws()
    {
        var counts = new byte[16];
        counts[0] = 1;      // "0"
        counts[1] = 1;      // "10"
        counts[2] = 3;      // only "110" and "111" remain at 3 bits
        var e = Assert.Throws<InvalidDataException>(() => JpegHuffmanTable.Build(counts, [1, 2, 3, 4, 5]));
        Assert.Contains("over-subscribed at code length 3", e.Message);
    }

    [Fact]
    public void BitReader_PastEndOfData_ReportsOverrun()
    {
        var reader = new JpegBitReader([0xAB, 0xFF, 0x00], 0);
        Assert.Equal(0xAB, reader.ReadBits(8));
        Assert.Equal(0xFF, reader.ReadBits(8));
        Assert.False(reader.Overrun);
        Assert.Equal(0, reader.ReadBits(1));
        Assert.True(reader.Overrun);
    }
}
