using System.Text;
using SharpSR.Imaging.Bmp;
using SharpSR.Imaging.Pnm;
using Xunit;

namespace SharpSR.Imaging.Tests;

/// <summary>Random byte damage to BMP and PNM files: decoding through ImageIO succeeds or throws InvalidDataException.</summary>
public class ImageIOFuzzTests
{
    public static TheoryData<string> Formats() => ["bmp24", "bmp8", "p6", "p5", "p3"];

    private static byte[] Sample(string format)
    {
        var rgb = new RgbImage(7, 5, 3);
        new Random(1).NextBytes(rgb.Pixels);
        var grey = new RgbImage(7, 5, 1, [.. rgb.Pixels.Where((_, i) => i % 3 == 0)]);
        return format switch
        {
            "bmp24" => BmpCodec.Encode(rgb),
            "bmp8" => Bmp8(grey),
            "p6" => PnmCodec.Encode(rgb),
            "p5" => PnmCodec.Encode(grey),
            _ => Encoding.ASCII.GetBytes("P3\n7 5\n255\n" + string.Join(' ', rgb.Pixels)),
        };
    }

    private static byte[] Bmp8(RgbImage grey)
    {
        // 8-bit grey palette BMP built from the 24-bit file layout: 1078-byte header + rows padded to 8 bytes.
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        int stride = 8, size = 1078 + stride * grey.Height;
        w.Write((byte)'B'); w.Write((byte)'M'); w.Write(size); w.Write(0); w.Write(1078);
        w.Write(40); w.Write(grey.Width); w.Write(grey.Height); w.Write((short)1); w.Write((short)8);
        w.Write(0); w.Write(stride * grey.Height); w.Write(0); w.Write(0); w.Write(256); w.Write(0);
        for (int i = 0; i < 256; i++) { w.Write((byte)i); w.Write((byte)i); w.Write((byte)i); w.Write((byte)0); }
        for (int y = grey.Height - 1; y >= 0; y--)
        {
            w.Write(grey.Pixels, y * grey.Width, grey.Width);
            w.Write(new byte[stride - grey.Width]);
        }
        return ms.ToArray();
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Decode_RandomDamage_OnlyThrowsInvalidData(string format)
    {
        byte[] original = Sample(format);
        Assert.NotNull(ImageIO.Decode(original));
        var rng = new Random(format.Sum(ch => ch) * 31 + format.Length); // deterministic (string hashes are randomised)
        int rejected = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] file = (byte[])original.Clone();
            // Damage the headers most of the time: that is where sizes live.
            int span = rng.Next(4) == 0 ? file.Length : Math.Min(file.Length, 60);
            for (int e = 1 + rng.Next(3); e > 0; e--) file[2 + rng.Next(span - 2)] = (byte)rng.Next(256);
            if (rng.Next(5) == 0) file = file[..rng.Next(file.Length)];
            try
            {
                ImageIO.Decode(file, maxPixels: 1 << 20);
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{format} trial {trial}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        Assert.True(rejected > 0);
    }
}
