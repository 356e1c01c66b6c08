using SharpSR.Core.Nn;
using SharpSR.Imaging;
using SharpSR.Models;
using SharpSR.Inference;

namespace SharpSR.Cli.Tests;

/// <summary>Small files the CLI tests feed to commands: images, a broken image, a tiny model.</summary>
public static class CliFiles
{
    public static string Image(string path, int width, int height, int seed = 3)
    {
        var img = new RgbImage(width, height, 3);
        var rng = new Random(seed);
        for (int p = 0; p < img.Pixels.Length; p++) img.Pixels[p] = (byte)(128 + 100 * Math.Sin(p * 0.013 * (seed + 1)) + rng.Next(8));
        ImageIO.Save(img, path);
        return path;
    }

    /// <summary>A file with a PNG signature and nothing a decoder can use.</summary>
    public static string CorruptPng(string path)
    {
        File.WriteAllBytes(path, [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2, 3]);
        return path;
    }

    /// <summary>An s-LWSR with 4 features (fast) saved as a model file.</summary>
    public static string TinyModel(string path, int scale = 4, string options = """{"features":4}""")
    {
        Init.DefaultRng = new Random(11);
        ModelFile.Save(ArchRegistry.Create("s-lwsr", scale, options), path);
        return path;
    }

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
