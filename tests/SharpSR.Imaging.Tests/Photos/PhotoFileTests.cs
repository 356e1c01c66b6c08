using System.Text.Json;
using SharpSR.Core;
using SharpSR.Imaging.Jpeg;
using SharpSR.Imaging.Metadata;
using SharpSR.Imaging.Png;
using SharpSR.Imaging.Resize;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Imaging.Tests.Photos;

/// <summary>
/// Photo files written by Pillow (tests/fixtures/gen/make_photo_fixtures.py): 16-bit PNG, ICC-tagged PNG and
/// JPEG, EXIF-rotated JPEG and PNG, read here and written back.
/// </summary>
public class PhotoFileTests
{
    private static string Photo(string name) => TestData.RequireFixture("photos/" + name);

    private static byte[] Raw(string name) => File.ReadAllBytes(Photo(name));

    [Fact]
    public void Png16_KeepsEverySample_AndWritesBack16Bit()
    {
        var image = ImageIO.Load(Photo("deep16.png"));
        var bytes = Raw("deep16.samples.u16le");
        var expected = new ushort[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, expected, 0, bytes.Length);
        Assert.Equal(16, image.BitDepth);
        Assert.Equal((20, 14, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(expected, image.Samples16);
        Assert.Equal(expected.Select(v => (byte)(v >> 8)), image.Pixels);   // the 8-bit view is the high byte, as in PIL

        var again = PngDecoder.DecodeRaw(PngEncoder.Encode(image));
        Assert.Equal(16, again.BitDepth);
        Assert.Equal(expected, again.Samples);
    }

    [Fact]
    public void Png16_ThroughFloatTensors_ComesBackExact()
    {
        var image = ImageIO.Load(Photo("deep16.png"));
        var planes = ImageTensor.Planes(image);
        Assert.Equal(image.Samples16, ImageTensor.FromPlanes(planes, 16).Samples16);
        Assert.Equal(image.Samples16, ImageTensor.ToImage(ImageTensor.ToTensor(image), null, 16).Samples16);
        // 0..65535 maps onto 0..255 without an 8-bit step: the low byte moves the float.
        Assert.Contains(planes.Data, v => v != MathF.Round(v));
    }

    [Fact]
    public void IccPng_ProfileRead_AndWrittenBackInIccp()
    {
        var icc = Raw("srgb.icc");
        var image = ImageIO.Load(Photo("icc.png"));
        Assert.Equal(icc, image.Metadata.Icc);
        Assert.Null(image.Metadata.Exif);

        var back = PngDecoder.Decode(PngEncoder.Encode(image));
        Assert.Equal(icc, back.Metadata.Icc);
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Fact]
    public void ExifJpeg_DecodedUpright_OrientationReset_TagsAndProfileKept()
    {
        var image = ImageIO.Load(Photo("exif_rot6.jpg"));
        Assert.Equal((16, 32), (image.Width, image.Height));
        var upright = Raw("exif_rot6.upright.rgb");   // Pillow's ImageOps.exif_transpose
        double meanAbs = image.Pixels.Zip(upright, (a, b) => (double)Math.Abs(a - b)).Average();
        Assert.True(meanAbs < 1.0, $"mean |ours - Pillow| = {meanAbs:F3} (libjpeg rounding only)");

        Assert.Equal(Raw("srgb.icc"), image.Metadata.Icc);
        Assert.NotNull(image.Metadata.Exif);
        Assert.Equal(1, ExifOrientation.ParseTiff(image.Metadata.Exif));
        Assert.Contains("SharpSR fixture camera", System.Text.Encoding.ASCII.GetString(image.Metadata.Exif!));

        // Written as JPEG: APP1 and APP2 come back, and the pixels are not rotated a second time.
        var file = JpegEncoder.Encode(image, new JpegEncoderOptions(95));
        var again = JpegDecoder.Decode(file);
        Assert.Equal((16, 32), (again.Width, again.Height));
        Assert.Equal(image.Metadata.Exif, again.Metadata.Exif);
        Assert.Equal(image.Metadata.Icc, again.Metadata.Icc);
    }

    [Fact]
    public void ExifPng_OrientationApplied_AndResetInTheWrittenEXif()
    {
        var image = ImageIO.Load(Photo("exif_rot8.png"));
        Assert.Equal((12, 20), (image.Width, image.Height));
        Assert.Equal(Raw("exif_rot8.upright.rgb"), image.Pixels);   // lossless: exactly Pillow's exif_transpose
        Assert.Equal(1, ExifOrientation.ParseTiff(image.Metadata.Exif));

        var back = PngDecoder.Decode(PngEncoder.Encode(image));
        Assert.Equal(image.Pixels, back.Pixels);
        Assert.Equal(image.Metadata.Exif, back.Metadata.Exif);
    }

    [Fact]
    public void LargeIccProfile_SplitOverApp2Chunks_AndReassembled()
    {
        var icc = new byte[150_000];
        new Random(5).NextBytes(icc);
        var image = new RgbImage(8, 8, 3) { Metadata = new ImageMetadata(icc) };
        var back = JpegDecoder.Decode(JpegEncoder.Encode(image));
        Assert.Equal(icc, back.Metadata.Icc);
    }

    [Fact]
    public void DamagedIccp_IsDropped_TheImageStillReads()
    {
        var file = File.ReadAllBytes(Photo("icc.png"));
        var bytes = ReplaceChunk(file, "iCCP", "bad\0\0not zlib at all"u8.ToArray());
        var image = PngDecoder.Decode(bytes);
        Assert.Null(image.Metadata.Icc);
        Assert.Equal(ImageIO.Load(Photo("icc.png")).Pixels, image.Pixels);
    }

    /// <summary>The PNG rebuilt chunk by chunk (fresh CRCs) with one chunk's data replaced.</summary>
    private static byte[] ReplaceChunk(byte[] png, string type, byte[] data)
    {
        var builder = new Png.PngTestBuilder();
        for (int pos = 8; pos < png.Length;)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string name = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            builder.Chunk(name, name == type ? data : png.AsSpan(pos + 8, length).ToArray());
            pos += 12 + length;
        }
        return builder.ToArray();
    }

    [Fact]
    public void ResizeToSize_MatchesMatlabFormulas()
    {
        using var doc = JsonDocument.Parse(Raw("resize_to_size.json"));
        var root = doc.RootElement;
        int h = root.GetProperty("input_h").GetInt32(), w = root.GetProperty("input_w").GetInt32();
        var input = new Tensor(root.GetProperty("input").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(), 1, 1, h, w);
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            int oh = c.GetProperty("out_h").GetInt32(), ow = c.GetProperty("out_w").GetInt32();
            var expected = c.GetProperty("output").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var actual = MatlabBicubic.Resize(input, oh, ow);
            Assert.Equal((oh, ow), (actual.H, actual.W));
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(actual.Data[i] - expected[i]) < 1e-3, $"{oh}x{ow} [{i}]: {actual.Data[i]} vs {expected[i]}");
        }
    }
}
