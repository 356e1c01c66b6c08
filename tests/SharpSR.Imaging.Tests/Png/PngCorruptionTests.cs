using SharpSR.Imaging.Png;
using Xunit;

namespace SharpSR.Imaging.Tests.Png;

/// <summary>Every defect must be an InvalidDataException with a one-line message, without large allocations.</summary>
public class PngCorruptionTests
{
    private const long SmallAllocation = 4 << 20; // 4 MiB: far below what any lying header in these tests claims

    private static InvalidDataException Rejects(byte[] file, string expectedFragment, long maxPixels = RgbImage.DefaultMaxPixels)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(file, maxPixels));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(expectedFragment, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("PNG: ", e.Message);
        Assert.True(allocated < SmallAllocation + 2L * file.Length, $"decoder allocated {allocated} bytes before rejecting: {e.Message}");
        return e;
    }

    private static byte[] ValidRgb(uint w = 4, uint h = 3) =>
        new PngTestBuilder().Header(w, h).Idat(PngTestBuilder.Zlib(PngTestBuilder.Scanlines((int)h, (int)w * 3))).End().ToArray();

    [Fact]
    public void Decode_BuilderFile_IsValid()
    {
        var image = PngDecoder.Decode(ValidRgb());
        Assert.Equal((4, 3, 3), (image.Width, image.Height, image.Channels));
        Assert.All(image.Pixels, p => Assert.Equal(0x40, p));
    }

    [Fact]
    public void Decode_EveryTruncation_ThrowsInvalidData()
    {
        byte[] file = TestFiles.ReadFixture(TestFiles.SmallRgbPng);
        for (int len = 0; len < file.Length; len++)
        {
            var e = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(file.AsSpan(0, len)));
            Assert.StartsWith("PNG: ", e.Message);
        }
    }

    [Fact]
    public void Decode_AnySingleByteCorruption_ThrowsInvalidData()
    {
        byte[] file = TestFiles.ReadFixture(TestFiles.SmallRgbPng);
        for (int i = 0; i < file.Length; i++)
            foreach (byte flip in new byte[] { 0x01, 0x80 })
            {
                var bad = (byte[])file.Clone();
                bad[i] ^= flip;
                var e = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(bad));
                Assert.StartsWith("PNG: ", e.Message);
            }
    }

    [Fact]
    public void Decode_Truncated_SaysTruncated() => Rejects(TestFiles.ReadFixture(TestFiles.SmallRgbPng)[..60], "truncated");

    [Fact]
    public void Decode_BadCrc_NamesTheChunk()
    {
        byte[] file = new PngTestBuilder().Header(4, 3).Chunk("IDAT", PngTestBuilder.Zlib(PngTestBuilder.Scanlines(3, 12)), corruptCrc: true).End().ToArray();
        Rejects(file, "CRC mismatch in chunk IDAT");
    }

    [Fact]
    public void Decode_BadSignature_SaysNotPng()
    {
        byte[] file = ValidRgb();
        file[1] = (byte)'Q';
        Rejects(file, "not a PNG");
    }

    [Fact]
    public void Decode_BadAdler32_IsDetected()
    {
        byte[] z = PngTestBuilder.Zlib(PngTestBuilder.Scanlines(3, 12));
        z[^1] ^= 0x55;
        Rejects(new PngTestBuilder().Header(4, 3).Idat(z).End().ToArray(), "Adler-32");
    }

    [Fact]
    public void Decode_HugeDimensions_RejectedByPixelLimit()
    {
        byte[] file = new PngTestBuilder().Header(100_000, 100_000).Idat(PngTestBuilder.Zlib(new byte[10])).End().ToArray();
        Rejects(file, "pixel limit");
    }

    [Fact]
    public void Decode_ConfiguredPixelLimit_IsApplied()
    {
        Rejects(ValidRgb(20, 10), "more than the 100-pixel limit", maxPixels: 100);
        Assert.Equal(20, PngDecoder.Decode(ValidRgb(20, 10), maxPixels: 200).Width);
    }

    [Fact]
    public void Decode_LyingHeaderWithTinyIdat_RejectedBeforeAllocating()
    {
        // 16384 x 8192 RGBA16 is within the default pixel limit but needs 1 GiB; a few bytes of IDAT cannot hold it.
        byte[] file = new PngTestBuilder().Header(16384, 8192, depth: 16, colorType: 6).Idat(PngTestBuilder.Zlib(new byte[1000])).End().ToArray();
        Rejects(file, "too few");
    }

    [Fact]
    public void Decode_ZlibBomb_RefusedAtExpectedSizePlusOne()
    {
        // A 16x16 RGB image needs 16 * (1 + 48) = 784 bytes; this IDAT inflates to 64 MiB of zeros.
        byte[] bomb = PngTestBuilder.Zlib(new byte[64 << 20], System.IO.Compression.CompressionLevel.SmallestSize);
        Assert.True(bomb.Length < 200_000);
        Rejects(new PngTestBuilder().Header(16, 16).Idat(bomb).End().ToArray(), "decompression bomb");
    }

    [Fact]
    public void Decode_TooLittleImageData_SaysTruncated() =>
        Rejects(new PngTestBuilder().Header(4, 3).Idat(PngTestBuilder.Zlib(PngTestBuilder.Scanlines(2, 12))).End().ToArray(), "truncated");

    [Fact]
    public void Decode_MissingIhdr_Rejected() =>
        Rejects(new PngTestBuilder().Idat(PngTestBuilder.Zlib(PngTestBuilder.Scanlines(3, 12))).End().ToArray(), "IHDR");

    [Fact]
    public void Decode_MissingIdat_Rejected() => Rejects(new PngTestBuilder().Header(4, 3).End().ToArray(), "no IDAT");

    [Fact]
    public void Decode_MissingIend_Rejected() =>
        Rejects(new PngTestBuilder().Header(4, 3).Idat(PngTestBuilder.Zlib(PngTestBuilder.Scanlines(3, 12))).ToArray(), "missing IEND");

    [Fact]
    public void Decode_NonConsecutiveIdat_Rejected()
    {
        byte[] z = PngTestBuilder.Zlib(PngTestBuilder.Scanlines(3, 12));
        byte[] file = new PngTestBuilder().Header(4, 3).Idat(z[..5]).Chunk("tEXt", "a\0b"u8.ToArray()).Idat(z[5..]).End().ToArray();
        Rejects(file, "not consecutive");
    }

    [Fact]
    public void Decode_UnknownFilterType_NamesTheScanline()
    {
        byte[] raw = PngTestBuilder.Scanlines(3, 12);
        raw[13 * 2] = 7;
        Rejects(new PngTestBuilder().Header(4, 3).Idat(PngTestBuilder.Zlib(raw)).End().ToArray(), "filter type 7 on scanline 2");
    }

    [Fact]
    public void Decode_InvalidDepthForColourType_Rejected() =>
        Rejects(new PngTestBuilder().Header(4, 3, depth: 4, colorType: 2).Idat(PngTestBuilder.Zlib(new byte[9])).End().ToArray(), "bit depth 4");

    [Fact]
    public void Decode_PaletteIndexOutOfRange_Rejected()
    {
        byte[] raw = PngTestBuilder.Scanlines(3, 4, fill: 2); // index 2 with a two-entry palette
        byte[] file = new PngTestBuilder().Header(4, 3, depth: 8, colorType: 3).Chunk("PLTE", [1, 2, 3, 4, 5, 6])
            .Idat(PngTestBuilder.Zlib(raw)).End().ToArray();
        Rejects(file, "palette index 2");
    }

    [Fact]
    public void Decode_PaletteImageWithoutPlte_Rejected() =>
        Rejects(new PngTestBuilder().Header(4, 3, depth: 8, colorType: 3).Idat(PngTestBuilder.Zlib(PngTestBuilder.Scanlines(3, 4, 0))).End().ToArray(), "PLTE");

    [Fact]
    public void Decode_UnknownCriticalChunk_Rejected()
    {
        byte[] file = new PngTestBuilder().Header(4, 3).Chunk("ABCD", [1]).Idat(PngTestBuilder.Zlib(PngTestBuilder.Scanlines(3, 12))).End().ToArray();
        Rejects(file, "unknown critical chunk ABCD");
    }

    [Fact]
    public void Decode_UnknownAncillaryChunk_IsSkipped()
    {
        byte[] file = new PngTestBuilder().Header(4, 3).Chunk("abCd", [1, 2]).Idat(PngTestBuilder.Zlib(PngTestBuilder.Scanlines(3, 12))).End().ToArray();
        Assert.Equal(4, PngDecoder.Decode(file).Width);
    }

    [Fact]
    public void Decode_ChunkLengthBeyondFile_Rejected()
    {
        byte[] file = ValidRgb();
        // IHDR length field claims 2^31 - 1 bytes.
        file[8] = 0x7F;
        file[9] = file[10] = file[11] = 0xFF;
        Rejects(file, "declares 2147483647 bytes");
    }

    [Fact]
    public void Decode_PresetDictionary_Rejected()
    {
        byte[] z = PngTestBuilder.Zlib(PngTestBuilder.Scanlines(3, 12));
        int flg = (z[1] & 0xC0) | 0x20;                       // FDICT set, FCHECK recomputed below
        z[1] = (byte)(flg | (31 - ((z[0] << 8) | flg) % 31) % 31);
        Assert.Equal(0, ((z[0] << 8) | z[1]) % 31);
        Rejects(new PngTestBuilder().Header(4, 3).Idat(z).End().ToArray(), "dictionary");
    }
}
