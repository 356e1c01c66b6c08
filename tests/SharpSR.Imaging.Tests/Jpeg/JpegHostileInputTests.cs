using SharpSR.Imaging.Jpeg;
using Xunit;

namespace SharpSR.Imaging.Tests.Jpeg;

/// <summary>Damaged, hostile and unsupported files: each must fail with a one-line InvalidDataException
/// (or NotSupportedException for valid but unsupported features), never an index error or a huge allocation.</summary>
public sealed class JpegHostileInputTests(ITestOutputHelper output)
{
    private static byte[] File(string name) => JpegTestFiles.Bytes(name);

    private InvalidDataException AssertCorrupt(byte[] file, string? expectedFragment = null, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        var e = Assert.Throws<InvalidDataException>(() => JpegDecoder.Decode(file, maxPixels));
        output.WriteLine(e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("JPEG: ", e.Message);
        if (expectedFragment is not null) Assert.Contains(expectedFragment, e.Message);
        return e;
    }

    [Theory]
    [InlineData(JpegTestFiles.Baseline420, 0.05)]
    [InlineData(JpegTestFiles.Baseline420, 0.3)]
    [InlineData(JpegTestFiles.Baseline420, 0.6)]
    [InlineData(JpegTestFiles.Baseline420, 0.9)]
    [InlineData(JpegTestFiles.Progressive420, 0.1)]
    [InlineData(JpegTestFiles.Progressive420, 0.4)]
    [InlineData(JpegTestFiles.Progressive420, 0.7)]
    [InlineData(JpegTestFiles.Progressive420, 0.95)]
    [InlineData(JpegTestFiles.Restart420, 0.5)]
    [InlineData(JpegTestFiles.Grey, 0.8)]
    public void Decode_Truncated_ThrowsInvalidData(string name, double fraction)
    {
        byte[] file = File(name);
        AssertCorrupt(file[..(int)(file.Length * fraction)]);
    }

    /// <summary>Cut a file at every length: the result is either an error or exactly the full image, never wrong pixels.</summary>
    [Theory]
    [InlineData("tiny_17x1_420.jpg")]
    [InlineData("rst_blocks_444_nat_53x41.jpg")]
    [InlineData("prog_grey_nat_37x29_q50.jpg")]
    public void Decode_EveryTruncation_ThrowsOrReturnsTheFullImage(string name)
    {
        byte[] file = File(name);
        byte[] full = JpegDecoder.Decode(file).Pixels;
        int decoded = 0;
        for (int n = 0; n < file.Length; n++)
        {
            try
            {
                var image = JpegDecoder.Decode(file.AsSpan(0, n));
                Assert.Equal(full, image.Pixels);
                decoded++;
            }
            catch (InvalidDataException)
            {
            }
        }
        output.WriteLine($"{name}: {decoded} of {file.Length} truncations still hold the whole image");
        Assert.True(decoded <= 4, "only the EOI and the final padding byte may be missing");
    }

    [Fact]
    public void Decode_MissingEoiBaseline_StillDecodes()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        Assert.Equal(JpegDecoder.Decode(file).Pixels, JpegDecoder.Decode(file[..^2]).Pixels);
    }

    [Fact]
    public void Decode_MissingEoiProgressive_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Progressive420);
        AssertCorrupt(file[..^2], "EOI");
    }

    [Fact]
    public void Decode_SegmentLengthPastEnd_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int dqt = JpegSegments.Find(file, 0xDB);
        file[dqt + 2] = 0xFF;
        file[dqt + 3] = 0xF0;
        AssertCorrupt(file, "claims");
    }

    [Fact]
    public void Decode_SegmentLengthBelowTwo_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int dqt = JpegSegments.Find(file, 0xDB);
        file[dqt + 2] = 0;
        file[dqt + 3] = 1;
        AssertCorrupt(file, "invalid length");
    }

    [Fact]
    public void Decode_DqtShorterThanItsTable_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int dqt = JpegSegments.Find(file, 0xDB);
        int len = JpegSegments.Length(file, dqt);
        // Declare 10 bytes fewer and paste a COM marker so the rest parses as a comment.
        int newLen = len - 2 - 10;
        file[dqt + 2] = (byte)(newLen >> 8);
        file[dqt + 3] = (byte)newLen;
        AssertCorrupt(file, "DQT");
    }

    [Fact]
    public void Decode_SofLengthMismatch_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sof = JpegSegments.Find(file, 0xC0);
        file[sof + 9] = 1;   // claims one component, segment holds three
        AssertCorrupt(file, "SOF");
    }

    [Fact]
    public void Decode_HugeDimensions_ThrowsBeforeAllocating()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sof = JpegSegments.Find(file, 0xC0);
        file[sof + 5] = file[sof + 6] = file[sof + 7] = file[sof + 8] = 0xFF;   // 65535 x 65535
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertCorrupt(file, "pixel limit");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Decode_LargeDimensionsWithTinyData_ThrowsWithoutLargeAllocation()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sof = JpegSegments.Find(file, 0xC0);
        file[sof + 5] = 0x1F; file[sof + 6] = 0x40;   // 8000 rows
        file[sof + 7] = 0x1F; file[sof + 8] = 0x40;   // 8000 columns: 64 Mpixel, within the default limit
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertCorrupt(file, "ends early");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Decode_HugeDimensionsWithNoPixelLimit_ThrowsNotSupportedBeforeAllocating()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sof = JpegSegments.Find(file, 0xC0);
        file[sof + 5] = file[sof + 6] = file[sof + 7] = file[sof + 8] = 0xFF;   // 65535 x 65535 x 3 samples > one array
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NotSupportedException>(() => JpegDecoder.Decode(file, maxPixels: long.MaxValue));
        Assert.Contains("too large", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Decode_AboveCallerPixelLimit_ThrowsInvalidData()
    {
        AssertCorrupt(File(JpegTestFiles.Baseline420), "more than the 1000-pixel limit", maxPixels: 1000);
    }

    [Fact]
    public void Decode_OversubscribedHuffmanTable_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int dht = JpegSegments.Find(file, 0xC4);
        // First table: its 16 code-length counts start after marker, length and class/id.
        Span<byte> counts = file.AsSpan(dht + 5, 16);
        int total = 0;
        foreach (byte c in counts) total += c;
        counts.Clear();
        counts[0] = 3;               // three 1-bit codes: impossible
        counts[15] = (byte)(total - 3);
        AssertCorrupt(file, "over-subscribed");
    }

    [Fact]
    public void Decode_MissingHuffmanTables_ThrowsInvalidData() =>
        AssertCorrupt(JpegSegments.Remove(File(JpegTestFiles.Baseline420), 0xC4), "Huffman table");

    [Fact]
    public void Decode_MissingQuantTables_ThrowsInvalidData() =>
        AssertCorrupt(JpegSegments.Remove(File(JpegTestFiles.Baseline420), 0xDB), "quantisation table");

    [Fact]
    public void Decode_MissingFrameHeader_ThrowsInvalidData() =>
        AssertCorrupt(JpegSegments.Remove(File(JpegTestFiles.Baseline420), 0xC0), "before the frame header");

    [Fact]
    public void Decode_ScanNamesUnknownComponent_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sos = JpegSegments.Find(file, 0xDA);
        file[sos + 5] = 9;
        AssertCorrupt(file, "component id 9");
    }

    [Fact]
    public void Decode_DuplicateFrameComponentId_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sof = JpegSegments.Find(file, 0xC0);
        file[sof + 13] = file[sof + 10];   // second component gets the first one's id
        AssertCorrupt(file, "appears twice");
    }

    [Fact]
    public void Decode_QuantTableIndexOutOfRange_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sof = JpegSegments.Find(file, 0xC0);
        file[sof + 12] = 7;
        AssertCorrupt(file, "quantisation table 7");
    }

    [Fact]
    public void Decode_ZeroSamplingFactor_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sof = JpegSegments.Find(file, 0xC0);
        file[sof + 11] = 0x02;   // H = 0
        AssertCorrupt(file, "sampling factors");
    }

    [Fact]
    public void Decode_ScanHuffmanIndexOutOfRange_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sos = JpegSegments.Find(file, 0xDA);
        file[sos + 6] = 0x55;
        AssertCorrupt(file, "Huffman table 5");
    }

    [Fact]
    public void Decode_WrongRestartMarker_ThrowsInvalidData()
    {
        byte[] file = File(JpegTestFiles.Restart420);
        int sos = JpegSegments.Find(file, 0xDA);
        int rst = -1;
        for (int i = sos; i + 1 < file.Length; i++)
            if (file[i] == 0xFF && file[i + 1] == 0xD1) { rst = i; break; }
        Assert.True(rst > 0);
        file[rst + 1] = 0xD5;
        AssertCorrupt(file, "RST1");
    }

    [Fact]
    public void Decode_ThousandsOfRefinementScans_ThrowsInvalidData()
    {
        // Append 1000 DC refinement scans of the luma component (Ss = Se = 0, Ah = 1, Al = 0): each costs one bit
        // per block, 64x48 luma = 48 blocks = 6 bytes, and is valid whatever the coefficients hold.
        byte[] file = File(JpegTestFiles.Progressive420);
        byte[] scan = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x10, 0, 0, 0, 0, 0, 0];
        var hostile = new List<byte>(file[..^2]);
        for (int i = 0; i < 1000; i++) hostile.AddRange(scan);
        hostile.AddRange([0xFF, 0xD9]);
        byte[] tenExtraScans = [.. hostile.Take(file.Length - 2 + 10 * scan.Length), 0xFF, 0xD9];
        Assert.Equal(64 * 48 * 3, JpegDecoder.Decode(tenExtraScans).Pixels.Length);   // the appended scans are valid
        AssertCorrupt([.. hostile], "more than 1000 scans");
    }

    [Fact]
    public void Decode_NotJpeg_ThrowsInvalidData()
    {
        AssertCorrupt([], "SOI");
        AssertCorrupt("\x89PNG\r\n\x1a\n"u8.ToArray(), "SOI");
        AssertCorrupt([0xFF, 0xD8], "before the frame header");
    }

    [Fact]
    public void Decode_ArithmeticCoding_ThrowsNotSupported()
    {
        var e = Assert.Throws<NotSupportedException>(() => JpegDecoder.Decode(File(JpegTestFiles.Arithmetic)));
        Assert.Contains("arithmetic", e.Message);
    }

    [Fact]
    public void Decode_TwelveBit_ThrowsNotSupported()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        int sof = JpegSegments.Find(file, 0xC0);
        file[sof + 4] = 12;
        var e = Assert.Throws<NotSupportedException>(() => JpegDecoder.Decode(file));
        Assert.Contains("12-bit", e.Message);
    }

    [Fact]
    public void Decode_Lossless_ThrowsNotSupported()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        file[JpegSegments.Find(file, 0xC0) + 1] = 0xC3;
        var e = Assert.Throws<NotSupportedException>(() => JpegDecoder.Decode(file));
        Assert.Contains("lossless", e.Message);
    }

    [Fact]
    public void Decode_FourComponents_ThrowsNotSupported()
    {
        byte[] file = File(JpegTestFiles.Baseline420);
        file[JpegSegments.Find(file, 0xC0) + 9] = 4;
        var e = Assert.Throws<NotSupportedException>(() => JpegDecoder.Decode(file));
        Assert.Contains("CMYK", e.Message);
    }

    /// <summary>Random byte damage anywhere in the file: the decoder may succeed or refuse, but only with the documented exceptions.</summary>
    [Theory]
    [InlineData(JpegTestFiles.Baseline420)]
    [InlineData(JpegTestFiles.Progressive420)]
    [InlineData(JpegTestFiles.Restart420)]
    [InlineData("exif_orient6_37x29.jpg")]
    public void Decode_RandomCorruption_OnlyDocumentedExceptions(string name)
    {
        byte[] original = File(name);
        var rng = new Random(20261123);
        int ok = 0, corrupt = 0, unsupported = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            byte[] file = (byte[])original.Clone();
            int flips = 1 + rng.Next(4);
            for (int f = 0; f < flips; f++) file[rng.Next(file.Length)] = (byte)rng.Next(256);
            try
            {
                JpegDecoder.Decode(file, maxPixels: 4_000_000);
                ok++;
            }
            catch (InvalidDataException) { corrupt++; }
            catch (NotSupportedException) { unsupported++; }
        }
        output.WriteLine($"{name}: {ok} decoded, {corrupt} corrupt, {unsupported} unsupported");
        Assert.True(corrupt > 0);
    }
}
