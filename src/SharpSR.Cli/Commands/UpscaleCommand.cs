using System.CommandLine;
using SharpSR.Core.Serialization;
using SharpSR.Imaging;
using SharpSR.Inference;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>`sharpsr upscale IN... -o OUT`: PNG/JPEG in and out; a folder in gives a folder out.</summary>
public static class UpscaleCommand
{
    /// <summary>
    /// Below this many LR pixels a tile is mostly margin (s-LWSR recomputes 55 pixels on every side), so a run
    /// takes many times longer for no gain in memory worth having.
    /// </summary>
    public const int MinUsefulTile = 32;

    public static Command Create(CliOutput output)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "images or folders to upscale", Arity = ArgumentArity.OneOrMore };
        var outPath = new Option<string?>("--output", "-o") { Description = "output file, or folder for several inputs (default: <name>_x<s>.png beside the input)" };
        var model = ModelOptions.Model();
        var arch = ModelOptions.Arch();
        var scale = new Option<int?>("--scale", "-s") { Description = "upscaling factor (default: a model file's own, else 4)" };
        var ensemble = new Option<bool>("--ensemble") { Description = "x8 self-ensemble (the papers' '+' rows): 8x slower, a little sharper" };
        var quality = new Option<int>("--quality") { Description = "JPEG quality (1..100) for .jpg outputs", DefaultValueFactory = _ => 92 };
        var tile = new Option<int>("--tile") { Description = $"LR tile size for bounded memory: 0 = automatic, else at least {MinUsefulTile}", DefaultValueFactory = _ => 0 };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace outputs that already exist" };
        var skipExisting = new Option<bool>("--skip-existing") { Description = "keep outputs that already exist and upscale the rest (resumes a half-done folder)" };
        var cmd = new Command("upscale", "Upscale photos with a super-resolution network") { inputs, outPath, model, arch, scale, ensemble, tile, quality, overwrite, skipExisting };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            int t = r.GetValue(tile);
            if (t < 0 || t is > 0 and < MinUsefulTile)
                throw new ArgumentException($"--tile {t} is too small: use 0 (automatic) or at least {MinUsefulTile}; every tile also recomputes the network's margin, so small tiles multiply the work");
            if (r.GetValue(quality) is < 1 or > 100) throw new ArgumentException($"--quality {r.GetValue(quality)} is out of range: 1 to 100");
            if (r.GetValue(overwrite) && r.GetValue(skipExisting)) throw new ArgumentException("--overwrite and --skip-existing contradict each other; choose one");
            var sr = ModelCatalog.Load(r.GetValue(model)!, r.GetValue(scale), ensemble: r.GetValue(ensemble), importTorch: TorchImport.Load, arch: r.GetValue(arch));
            if (t > 0 && sr.Network is { MinInputSize: var min } && t < min)
                throw new ArgumentException($"--tile {t} is smaller than the {min} pixels {sr.Name} needs");
            var jobs = UpscalePlan.Create(r.GetValue(inputs)!, r.GetValue(outPath), sr.Scale);
            var existing = jobs.Where(j => File.Exists(j.Destination)).ToList();
            if (existing.Count > 0 && !r.GetValue(overwrite) && !r.GetValue(skipExisting))
                throw new IOException($"{existing.Count} output(s) already exist (first: '{existing[0].Destination}'); pass --overwrite to replace them or --skip-existing to keep them");
            if (r.GetValue(skipExisting)) jobs = jobs.Except(existing).ToList();
            RemoveOrphans(output, jobs);

            output.Out.WriteLine($"model {sr.Name} x{sr.Scale}{(r.GetValue(ensemble) ? " with x8 self-ensemble" : "")}, {jobs.Count} image(s)"
                                 + (existing.Count > 0 && r.GetValue(skipExisting) ? $" ({existing.Count} skipped: output exists)" : ""));
            var failed = new List<string>();
            var status = new ProgressLine(output);
            for (int i = 0; i < jobs.Count; i++)
            {
                var (src, dst) = jobs[i];
                try
                {
                    Upscale(output, sr, src, dst, t, r.GetValue(ensemble), r.GetValue(quality));
                }
                catch (Exception e) when (jobs.Count > 1 && CliErrors.IsUserError(e))
                {
                    // One bad image must not cost the rest of a folder: report it and go on.
                    string message = CliErrors.Describe(e);
                    output.Error.WriteLine("error: " + (message.Contains(src, StringComparison.Ordinal) ? message : $"{src}: {message}"));
                    failed.Add(src);
                }
                int done = i + 1;
                status.Maybe(() => $"progress: {done}/{jobs.Count} images" + (failed.Count > 0 ? $", {failed.Count} failed" : ""));
            }
            if (failed.Count == 0) return 0;
            output.Error.WriteLine($"error: {failed.Count} of {jobs.Count} images failed (listed above); the other {jobs.Count - failed.Count} were written");
            return 1;
        }));
        return cmd;
    }

    private static void Upscale(CliOutput output, ISrModel sr, string src, string dst, int tile, bool ensemble, int quality)
    {
        var lr = ImageIO.Load(src);
        if (tile > 0 && tile > lr.Width && tile > lr.Height)
            throw new ArgumentException($"{src}: the image ({lr.Width}x{lr.Height}) is smaller than the tile ({tile}); use a smaller --tile or none");
        int autoTile = tile > 0 ? tile : TilePolicy.For(sr, lr.Width, lr.Height);
        var runner = sr is NetworkModel nm ? new NetworkModel(nm.Name, nm.Network!) { Tile = autoTile, Ensemble = ensemble } : sr;
        var result = Progress.Run(output, $"{Path.GetFileName(src)} {lr.Width}x{lr.Height}", p => runner.Upscale(lr, p));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dst))!);
        ImageIO.Save(result, dst, quality);
        output.Out.WriteLine($"{src} -> {dst} ({result.Width}x{result.Height})");
    }

    /// <summary>Temp files of an earlier run that was killed mid-write are removed from the folders this run writes.</summary>
    private static void RemoveOrphans(CliOutput output, IEnumerable<UpscaleJob> jobs)
    {
        int removed = UpscalePlan.OutputFolders(jobs).Sum(dir => AtomicFile.RemoveOrphans(dir).Count);
        if (removed > 0) output.Out.WriteLine($"removed {removed} unfinished temp file(s) left by an interrupted run");
    }
}
