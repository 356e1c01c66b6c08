using System.Diagnostics;
using System.Globalization;
using SharpSR.Imaging;
using SharpSR.Inference;

namespace SharpSR.Benchmarks.Quality;

/// <summary>
/// How far tiled inference is from one pass, per tile margin: for networks whose context is the whole image
/// (ANRB, ESA, channel statistics) no margin is exact, so the margin a network tiles with is chosen from this.
/// Prints max |tiled − one pass| and their PSNR on the 0..255 scale (floats, before rounding) and the time ratio.
/// </summary>
public static class TileMarginBench
{
    public static int Run(string[] args)
    {
        if (args.Length < 4)
        {
            Console.WriteLine("usage: tile-margin MODEL_FILE TILE MARGIN[,MARGIN…] IMAGE…");
            return 2;
        }
        var net = ModelFile.Load(args[0]);
        int tile = int.Parse(args[1], CultureInfo.InvariantCulture);
        int[] margins = args[2].Split(',').Select(m => int.Parse(m, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine($"{net.Arch} x{net.Scale}: receptive field {net.ReceptiveFieldRadius} LR px, tile margin {net.TileMargin}; tile {tile}");
        Console.WriteLine("| image | LR size | margin | max abs diff | PSNR vs one pass (dB) | time / one pass |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var file in args[3..])
        {
            var lr = ImageTensor.ToTensor(ImageIO.Load(file));
            var clock = Stopwatch.StartNew();
            var whole = new Upscaler(net).Upscale(lr);
            double onePass = clock.Elapsed.TotalSeconds;
            foreach (int margin in margins)
            {
                clock.Restart();
                var tiled = new Upscaler(net) { Margin = margin }.Upscale(lr, tile);
                double seconds = clock.Elapsed.TotalSeconds;
                double max = 0, squares = 0;
                for (int i = 0; i < whole.Length; i++)
                {
                    double d = Math.Abs(whole.Data[i] - tiled.Data[i]);
                    max = Math.Max(max, d);
                    squares += d * d;
                }
                double psnr = squares == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * whole.Length / squares);
                Console.WriteLine($"| {Path.GetFileName(file)} | {lr.W}x{lr.H} | {margin} | {max:F3} | {psnr:F2} | {seconds / onePass:F2} |");
            }
        }
        return 0;
    }
}
