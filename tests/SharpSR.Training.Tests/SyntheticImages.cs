using SharpSR.Imaging;

namespace SharpSR.Training.Tests;

/// <summary>Small smooth-plus-texture RGB images written as PNG, for training tests that need no dataset.</summary>
public static class SyntheticImages
{
    public static RgbImage Make(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var img = new RgbImage(width, height, 3);
        double fx = 0.05 + rng.NextDouble() * 0.2, fy = 0.05 + rng.NextDouble() * 0.2, phase = rng.NextDouble() * 6;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++)
                {
                    double v = 128 + 80 * Math.Sin(fx * x * (c + 1) + phase) * Math.Cos(fy * y + c) + ((x / 6 + y / 6) % 2 == 0 ? 20 : -20);
                    img[x, y, c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
                }
        return img;
    }

    public static string WriteFolder(int count, int size = 48)
    {
        string dir = SharpSR.Testing.TestData.NewTempDir("sharpsr-train");
        for (int i = 0; i < count; i++) ImageIO.Save(Make(size + 8 * i, size, i + 1), Path.Combine(dir, $"img{i}.png"));
        return dir;
    }
}
