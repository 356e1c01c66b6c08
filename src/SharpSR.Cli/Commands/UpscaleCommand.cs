using System.CommandLine;
using SharpSR.Core.Serialization;
using SharpSR.Imaging;
using SharpSR.Inference;
using SharpSR.Cli.Distributed;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>How each image is upscaled: LR tile (0 = automatic), x8 self-ensemble, JPEG quality, metadata dropped or kept.</summary>
internal sealed record UpscaleSettings(int Tile, bool Ensemble, int Quality, bool StripMetadata);

/// <summary>`sharpsr upscale IN... -o OUT`: PNG/JPEG/BMP/PNM (and WebP/GIF/AVIF through the optional Skia codecs) in and out; a folder in gives a folder out.</summary>
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
        var scale = new Option<string?>("--scale", "-s") { Description = "upscaling factor (default: a model file's own, else 4); not a native one (1.5) is made from the next native factor above, then MATLAB bicubic" };
        var width = new Option<int?>("--width") { Description = "output width in pixels (the height keeps the aspect ratio unless --height is given)" };
        var height = new Option<int?>("--height") { Description = "output height in pixels" };
        var stripMetadata = new Option<bool>("--strip-metadata") { Description = "write no ICC profile or EXIF (by default they are carried over, orientation reset)" };
        var ensemble = new Option<bool>("--ensemble") { Description = "x8 self-ensemble (the papers' '+' rows): 8x slower, a little sharper" };
        var quality = new Option<int>("--quality") { Description = "JPEG quality (1..100) for .jpg outputs", DefaultValueFactory = _ => 92 };
        var tile = new Option<int>("--tile") { Description = $"LR tile size for bounded memory: 0 = automatic, else at least {MinUsefulTile}", DefaultValueFactory = _ => 0 };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace outputs that already exist" };
        var skipExisting = new Option<bool>("--skip-existing") { Description = "keep outputs that already exist and upscale the rest (resumes a half-done folder)" };
        var cmd = new Command("upscale", "Upscale photos with a super-resolution network") { inputs, outPath, model, arch, scale, width, height, ensemble, tile, quality, overwrite, skipExisting, stripMetadata };
        var planChoice = new PlanChoiceOptions();
        planChoice.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            var settings = new UpscaleSettings(r.GetValue(tile), r.GetValue(ensemble), r.GetValue(quality), r.GetValue(stripMetadata));
            // Under mpirun every rank runs this command and upscales its share of the files; only then is MPI loaded.
            if (MpiLaunch.Detected) return DistributedUpscale.Run(output, () => Plan(r, settings), () => LoadModel(r, settings), settings);
            var (sizing, jobs) = Plan(r, settings);
            int failed = UpscaleEach(output, sizing, jobs, settings, keepGoing: jobs.Count > 1);
            if (failed == 0) return 0;
            output.Error.WriteLine($"error: {failed} of {jobs.Count} images failed (listed above); the other {jobs.Count - failed} were written");
            return 1;
        }));
        return cmd;

        UpscaleScale LoadModel(ParseResult r, UpscaleSettings settings)
        {
            int t = settings.Tile;
            if (t < 0 || t is > 0 and < MinUsefulTile)
                throw new ArgumentException($"--tile {t} is too small: use 0 (automatic) or at least {MinUsefulTile}; every tile also recomputes the network's margin, so small tiles multiply the work");
            if (settings.Quality is < 1 or > 100) throw new ArgumentException($"--quality {settings.Quality} is out of range: 1 to 100");
            if (r.GetValue(overwrite) && r.GetValue(skipExisting)) throw new ArgumentException("--overwrite and --skip-existing contradict each other; choose one");
            var sizing = UpscaleScale.Create(r.GetValue(model)!, r.GetValue(arch), r.GetValue(scale), r.GetValue(width), r.GetValue(height), settings.Ensemble,
                planChoice.Read(r, output));
            if (t > 0 && sizing.Fixed?.Network is { MinInputSize: var min } && t < min)
                throw new ArgumentException($"--tile {t} is smaller than the {min} pixels {sizing.Fixed.Name} needs");
            return sizing;
        }

        // The model and every job, checked before any image is touched; prints the header line.
        (UpscaleScale, IReadOnlyList<UpscaleJob>) Plan(ParseResult r, UpscaleSettings settings)
        {
            var sizing = LoadModel(r, settings);
            var jobs = UpscalePlan.Create(r.GetValue(inputs)!, r.GetValue(outPath), sizing.Tag);
            var existing = jobs.Where(j => File.Exists(j.Destination)).ToList();
            if (existing.Count > 0 && !r.GetValue(overwrite) && !r.GetValue(skipExisting))
                throw new IOException($"{existing.Count} output(s) already exist (first: '{existing[0].Destination}'); pass --overwrite to replace them or --skip-existing to keep them");
            if (r.GetValue(skipExisting)) jobs = jobs.Except(existing).ToList();
            RemoveOrphans(output, jobs);

            output.Out.WriteLine($"{sizing.Describe(settings.Ensemble)}, {jobs.Count} image(s)"
                                 + (existing.Count > 0 && r.GetValue(skipExisting) ? $" ({existing.Count} skipped: output exists)" : ""));
            return (sizing, jobs);
        }
    }

    /// <summary>
    /// Upscales the jobs in order and returns how many failed. With <paramref name="keepGoing"/> a bad image is
    /// reported and the rest go on; otherwise its error ends the command.
    /// </summary>
    internal static int UpscaleEach(CliOutput output, UpscaleScale sizing, IReadOnlyList<UpscaleJob> jobs, UpscaleSettings settings, bool keepGoing)
    {
        int failed = 0;
        var status = new ProgressLine(output);
        for (int i = 0; i < jobs.Count; i++)
        {
            var (src, dst) = jobs[i];
            try
            {
                Upscale(output, sizing, src, dst, settings);
            }
            catch (Exception e) when (keepGoing && CliErrors.IsUserError(e))
            {
                // One bad image must not cost the rest of a folder: report it and go on.
                string message = CliErrors.Describe(e);
                output.Error.WriteLine("error: " + (message.Contains(src, StringComparison.Ordinal) ? message : $"{src}: {message}"));
                failed++;
            }
            int done = i + 1, bad = failed;
            status.Maybe(() => $"progress: {done}/{jobs.Count} images" + (bad > 0 ? $", {bad} failed" : ""));
        }
        return failed;
    }

    private static void Upscale(CliOutput output, UpscaleScale sizing, string src, string dst, UpscaleSettings settings)
    {
        var (tile, ensemble, quality, stripMetadata) = (settings.Tile, settings.Ensemble, settings.Quality, settings.StripMetadata);
        var lr = ImageIO.Load(src);
        var (sr, size) = sizing.For(lr.Width, lr.Height);
        if (tile > 0 && tile > lr.Width && tile > lr.Height)
            throw new ArgumentException($"{src}: the image ({lr.Width}x{lr.Height}) is smaller than the tile ({tile}); use a smaller --tile or none");
        int autoTile = tile > 0 ? tile : TilePolicy.For(sr, lr.Width, lr.Height);
        // Photos keep their form: grey stays grey, alpha and 16-bit depth are kept (see NetworkModel).
        var runner = sr is NetworkModel nm ? new NetworkModel(nm.Name, nm.Network!) { Tile = autoTile, Ensemble = ensemble, KeepGrey = true, PlanOptions = nm.PlanOptions } : sr;
        var result = Progress.Run(output, $"{Path.GetFileName(src)} {lr.Width}x{lr.Height}",
            p => size is var (w, h) ? runner.UpscaleTo(lr, w, h, p) : runner.Upscale(lr, p));
        if (stripMetadata) result.Metadata = SharpSR.Imaging.Metadata.ImageMetadata.None;
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
