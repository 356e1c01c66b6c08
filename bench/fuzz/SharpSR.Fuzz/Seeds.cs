using System.Text;
using SharpSR.Core;
using SharpSR.Core.Serialization;
using SharpSR.Imaging;
using SharpSR.Imaging.Bmp;
using SharpSR.Imaging.Jpeg;
using SharpSR.Imaging.Png;
using SharpSR.Imaging.Pnm;
using SharpSR.Models;
using SharpSR.Training;

namespace SharpSR.Fuzz;

/// <summary>
/// The seed corpora, made here rather than fetched: small files from SharpSR's own encoders, plus the small
/// files of the repository's decoder corpora (written by tests/fixtures/gen scripts) that reach the colour
/// types, bit depths, progressive scans and pickle forms SharpSR cannot write itself.
/// AFL works best from small seeds, so fixture files over a few KB are left out.
/// </summary>
public static class Seeds
{
    private const int MaxFixtureBytes = 1500;

    public static void Write(string outDir, string repo)
    {
        string fixtures = Path.Combine(repo, "tests", "fixtures");
        var rng = new Random(20261207);

        RgbImage Image(int w, int h, int c)
        {
            var img = new RgbImage(w, h, c);
            // Smooth ramps with a little noise: compressible, like photos, so seeds stay small.
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int k = 0; k < c; k++)
                        img.Pixels[(y * w + x) * c + k] = (byte)(x * 13 + y * 7 + k * 50 + rng.Next(8));
            return img;
        }

        var png = Dir(outDir, "png");
        File.WriteAllBytes(Path.Combine(png, "rgb_9x7.png"), PngEncoder.Encode(Image(9, 7, 3)));
        File.WriteAllBytes(Path.Combine(png, "rgba_5x4.png"), PngEncoder.Encode(Image(5, 4, 4)));
        File.WriteAllBytes(Path.Combine(png, "grey_6x3.png"), PngEncoder.Encode(Image(6, 3, 1)));
        File.WriteAllBytes(Path.Combine(png, "greyalpha_4x4.png"), PngEncoder.Encode(Image(4, 4, 2)));
        CopySmall(Path.Combine(fixtures, "png"), "*.png", png);

        var jpeg = Dir(outDir, "jpeg");
        File.WriteAllBytes(Path.Combine(jpeg, "enc_420_16x16.jpg"), JpegEncoder.Encode(Image(16, 16, 3), new JpegEncoderOptions(50)));
        File.WriteAllBytes(Path.Combine(jpeg, "enc_444_9x9.jpg"), JpegEncoder.Encode(Image(9, 9, 3), new JpegEncoderOptions(50, JpegSubsampling.Chroma444)));
        File.WriteAllBytes(Path.Combine(jpeg, "enc_grey_8x8.jpg"), JpegEncoder.Encode(Image(8, 8, 1), new JpegEncoderOptions(50)));
        CopySmall(Path.Combine(fixtures, "jpeg"), "*.jpg", jpeg);

        var bmp = Dir(outDir, "bmp");
        File.WriteAllBytes(Path.Combine(bmp, "rgb_5x3.bmp"), BmpCodec.Encode(Image(5, 3, 3)));
        File.WriteAllBytes(Path.Combine(bmp, "grey_4x2.bmp"), BmpCodec.Encode(Image(4, 2, 1)));

        var pnm = Dir(outDir, "pnm");
        File.WriteAllBytes(Path.Combine(pnm, "rgb_5x3.ppm"), PnmCodec.Encode(Image(5, 3, 3)));
        File.WriteAllBytes(Path.Combine(pnm, "grey_5x3.pgm"), PnmCodec.Encode(Image(5, 3, 1)));
        File.WriteAllText(Path.Combine(pnm, "ascii_3x2.ppm"), "P3\n# comment\n3 2\n255\n1 2 3 4 5 6 7 8 9\n10 11 12 13 14 15 16 17 18\n");
        File.WriteAllText(Path.Combine(pnm, "ascii_3x2.pgm"), "P2\n3 2\n15\n0 1 2\n3 4 15\n");
        File.WriteAllBytes(Path.Combine(pnm, "wide_2x2.ppm"), [.. Encoding.ASCII.GetBytes("P6\n2 2\n65535\n"), .. Enumerable.Range(0, 24).Select(i => (byte)(i * 10))]);

        var st = Dir(outDir, "safetensors");
        var tensors = new Dictionary<string, Tensor>
        {
            ["conv.weight"] = Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8], 2, 1, 2, 2),
            ["conv.bias"] = Tensor.FromArray([0.5f, -0.5f], 2),
        };
        File.WriteAllBytes(Path.Combine(st, "two.safetensors"), SafeTensorsFile.Serialize(tensors, new Dictionary<string, string> { ["arch"] = "s-lwsr", ["scale"] = "4" }));
        File.WriteAllBytes(Path.Combine(st, "one.safetensors"), SafeTensorsFile.Serialize(new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray([1f], 1) }));
        CopySmall(Path.Combine(fixtures, "conv"), "*.safetensors", st, maxBytes: 2500);

        CopySmall(Path.Combine(fixtures, "torch"), "*_zip.pt", Dir(outDir, "pth-zip"), maxBytes: 7000);
        CopySmall(Path.Combine(fixtures, "torch"), "*_legacy.pt", Dir(outDir, "pth-legacy"), maxBytes: 7000);

        var cfg = Dir(outDir, "train-config");
        File.WriteAllText(Path.Combine(cfg, "default.json"), new TrainConfig { TrainDirs = ["data/T91"], ValidationDir = "data/Set5" }.ToJson());
        File.WriteAllText(Path.Combine(cfg, "hf.json"), new TrainConfig
        {
            Model = "g-idrn", Scale = 2, TrainDirs = ["a", "b"], Loss = "hf:1,0.5", LrMilestones = [100, 200], ModelOptions = """{"features":32}""",
        }.ToJson());
        File.WriteAllText(Path.Combine(cfg, "small.json"), """{"model":"s-lwsr","modelOptions":"{\"features\":8}","trainDirs":["x"],"iterations":10,"patchSize":16}""");

        var opts = Dir(outDir, "model-options");
        foreach (var arch in ArchRegistry.Archs)
        {
            int scale = arch.Scales[0];
            File.WriteAllText(Path.Combine(opts, $"{arch.Name}.txt"), $"{arch.Name} {scale}\n{ArchRegistry.Create(arch.Name, scale).OptionsJson()}");
        }
        File.WriteAllText(Path.Combine(opts, "preset.txt"), "s-lwsr16 4\n");
        File.WriteAllText(Path.Combine(opts, "slwsr_small.txt"), "s-lwsr 4\n{\"features\":8}");

        foreach (var d in Directory.GetDirectories(outDir).Order())
            Console.WriteLine($"{Path.GetFileName(d),-14} {Directory.GetFiles(d).Length} seeds, {Directory.GetFiles(d).Sum(f => new FileInfo(f).Length):N0} bytes");
    }

    private static string Dir(string root, string name)
    {
        string d = Path.Combine(root, name);
        Directory.CreateDirectory(d);
        return d;
    }

    private static void CopySmall(string from, string pattern, string to, int maxBytes = MaxFixtureBytes)
    {
        if (!Directory.Exists(from)) throw new ArgumentException($"{from} not found: give the repository root");
        foreach (var f in Directory.GetFiles(from, pattern).Order())
            if (new FileInfo(f).Length <= maxBytes)
                File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
    }
}
