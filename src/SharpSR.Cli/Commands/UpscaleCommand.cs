using System.CommandLine;
using SharpSR.Imaging;
using SharpSR.Training.Evaluation;
using SharpSR.Inference;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>`sharpsr upscale IN... -o OUT`: PNG/JPEG in and out; a folder in gives a folder out.</summary>
public static class UpscaleCommand
{
    public static Command Create(CliOutput output)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "images or folders to upscale", Arity = ArgumentArity.OneOrMore };
        var outPath = new Option<string?>("--output", "-o") { Description = "output file, or folder for several inputs (default: <name>_x<s>.png beside the input)" };
        var model = ModelOptions.Model();
        var arch = ModelOptions.Arch();
        var scale = new Option<int>("--scale", "-s") { Description = "upscaling factor", DefaultValueFactory = _ => 4 };
        var ensemble = new Option<bool>("--ensemble") { Description = "x8 self-ensemble (the papers' '+' rows): 8x slower, a little sharper" };
        var quality = new Option<int>("--quality") { Description = "JPEG quality (1..100) for .jpg outputs", DefaultValueFactory = _ => 92 };
        var tile = new Option<int>("--tile") { Description = "LR tile size for bounded memory (0 = automatic)", DefaultValueFactory = _ => 0 };
        var cmd = new Command("upscale", "Upscale photos with a super-resolution network") { inputs, outPath, model, arch, scale, ensemble, tile, quality };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            int s = r.GetValue(scale);
            if (s < 1) throw new ArgumentException($"scale must be 2, 3, 4 or 8, got {s}");
            int t = r.GetValue(tile);
            if (t < 0) throw new ArgumentException($"tile size must be positive, got {t}");
            var jobs = PlanJobs(r.GetValue(inputs)!, r.GetValue(outPath), s);
            var sr = ModelCatalog.Load(r.GetValue(model)!, s, ensemble: r.GetValue(ensemble), importTorch: TorchImport.Load, arch: r.GetValue(arch));
            output.Out.WriteLine($"model {sr.Name} x{sr.Scale}{(r.GetValue(ensemble) ? " with x8 self-ensemble" : "")}, {jobs.Count} image(s)");
            foreach (var (src, dst) in jobs)
            {
                var lr = ImageIO.Load(src);
                if (t > 0 && t > lr.Width && t > lr.Height)
                    throw new ArgumentException($"{src}: the image ({lr.Width}x{lr.Height}) is smaller than the tile ({t}); use a smaller --tile or none");
                int autoTile = t > 0 ? t : AutoTile(lr, sr is NetworkModel { Network.RecyclesIntermediates: true });
                var runner = sr is NetworkModel nm ? new NetworkModel(nm.Name, nm.Network!) { Tile = autoTile, Ensemble = r.GetValue(ensemble) } : sr;
                var result = Progress.Run(output, $"{Path.GetFileName(src)} {lr.Width}x{lr.Height}", p => runner.Upscale(lr, p));
                ImageIO.Save(result, dst, r.GetValue(quality));
                output.Out.WriteLine($"{src} -> {dst} ({result.Width}x{result.Height})");
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// Tiles bound memory; every tile also recomputes a margin of the receptive field (55 LR pixels for
    /// s-LWSR), so bigger tiles waste less. Networks that recycle their intermediates (s-LWSR) hold only
    /// live tensors: 256-pixel tiles, untiled up to about one such window (a 1920x1080 input at x4 peaks
    /// near 1.2 GB resident). Others keep every activation of a pass until it ends: 128-pixel tiles,
    /// untiled up to 0.25 MPixel (1920x1080 at x4: about 1.3 GB).
    /// </summary>
    private static int AutoTile(RgbImage lr, bool recycles)
    {
        long pixels = (long)lr.Width * lr.Height;
        if (recycles) return pixels <= 128 * 1024 ? 0 : 256;
        return pixels <= 256 * 1024 ? 0 : 128;
    }

    private static List<(string Src, string Dst)> PlanJobs(string[] inputs, string? output, int scale)
    {
        var sources = new List<(string Src, string? Folder)>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input)) sources.AddRange(ImageFiles.Find(input).Select(f => (f, (string?)input)));
            else if (File.Exists(input)) sources.Add((input, null));
            else throw new FileNotFoundException($"input '{input}' does not exist");
        }
        if (sources.Count == 0) throw new ArgumentException("no images found in the given folder(s)");
        bool toFolder = sources.Count > 1 || sources[0].Folder is not null || (output is not null && Directory.Exists(output));
        if (output is not null)
        {
            string dir = toFolder ? output : Path.GetDirectoryName(Path.GetFullPath(output))!;
            if (toFolder) Directory.CreateDirectory(output);
            else if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"output folder '{dir}' does not exist");
            if (!toFolder) ImageIO.EncoderFor(output);
        }
        return sources.Select(s =>
        {
            string name = Path.GetFileNameWithoutExtension(s.Src);
            string ext = Path.GetExtension(s.Src).ToLowerInvariant() is ".jpg" or ".jpeg" ? ".jpg" : ".png";
            string dst = output is null ? Path.Combine(Path.GetDirectoryName(s.Src)!, $"{name}_x{scale}{ext}")
                : toFolder ? Path.Combine(output, Path.GetRelativePath(s.Folder ?? Path.GetDirectoryName(s.Src)!, Path.ChangeExtension(s.Src, ext)))
                : output;
            if (toFolder) Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
            return (s.Src, dst);
        }).ToList();
    }
}
