using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SharpSR.Core.Serialization;
using SharpSR.Models;
using SharpSR.Training.Evaluation;
using SharpSR.Inference;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>
/// `sharpsr eval --model M[,M…] --data DIR --sets Set5,Set14,B100 --scale 2,3,4 [--json FILE]`:
/// PSNR/SSIM on Y with the border shaved, as the papers' MATLAB code computes them.
/// </summary>
public static class EvalCommand
{
    public static Command Create(CliOutput output)
    {
        var models = new Option<string>("--model", "-m") { Description = "comma-separated models (bicubic, presets, files)", DefaultValueFactory = _ => ModelCatalog.DefaultModel };
        var arch = ModelOptions.Arch();
        var data = new Option<string?>("--data") { Description = "benchmark folder (default: $SHARPSR_DATA, then ../shared/datasets)" };
        var sets = new Option<string>("--sets") { Description = "comma-separated sets", DefaultValueFactory = _ => "Set5,Set14,B100" };
        var scales = new Option<string>("--scale", "-s") { Description = "comma-separated scales", DefaultValueFactory = _ => "4" };
        var json = new Option<string?>("--json") { Description = "also write the results as a JSON array to this file" };
        var protocol = new ProtocolOptions();
        var lrFolder = new Option<string?>("--lr-folder") { Description = "LR folder inside each set, which must then hold every LR image (default: LR_bicubic, any missing LR made by MATLAB bicubic)" };
        var ensemble = new Option<bool>("--ensemble") { Description = "x8 self-ensemble" };
        var paperMultiAdds = InfoCommand.MultiAddsOption();
        var cmd = new Command("eval", "Evaluate models on benchmark sets (PSNR/SSIM on Y, border shaved)") { models, arch, data, sets, scales, json, lrFolder, ensemble, paperMultiAdds };
        protocol.AddTo(cmd);
        var planChoice = new PlanChoiceOptions();
        planChoice.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            var evalProtocol = protocol.Read(r);   // bad options fail before any set is opened
            var planOptions = planChoice.Read(r, output);
            var convention = MultiAddsConvention.Parse(r.GetValue(paperMultiAdds)!);
            string dataDir = r.GetValue(data) ?? DefaultDataDir()
                ?? throw new DirectoryNotFoundException("no benchmark folder: pass --data, set SHARPSR_DATA, or place the datasets at ../shared/datasets");
            var scaleList = ParseInts(r.GetValue(scales)!, "scale");
            var setList = Split(r.GetValue(sets)!).Select(name => BenchmarkSet.Open(dataDir, name)).ToList();
            var modelNames = Split(r.GetValue(models)!);
            string? jsonPath = r.GetValue(json);
            if (jsonPath is not null) CheckOutputFolder(jsonPath);
            string? askedLr = r.GetValue(lrFolder);
            if (askedLr is not null)
                foreach (var set in setList.Where(set => !Directory.Exists(Path.Combine(set.Root, askedLr))))
                    throw new DirectoryNotFoundException($"set '{set.Name}' has no LR folder '{askedLr}' (it has: {string.Join(", ", Directory.GetDirectories(set.Root).Select(Path.GetFileName).Where(d => d != "HR"))})");
            var evaluator = askedLr is null ? new Evaluator { Protocol = evalProtocol }
                : new Evaluator { Protocol = evalProtocol, LrFolder = askedLr, RequireLr = true };

            var results = new List<(EvalResult Result, long? Params, long? MultiAdds, long? PaperMultiAdds)>();
            foreach (var name in modelNames)
            {
                foreach (int s in scaleList)
                {
                    var model = ModelCatalog.Load(name, s, ensemble: r.GetValue(ensemble), importTorch: TorchImport.Load, arch: r.GetValue(arch), planOptions: planOptions);
                    var net = model.Network;
                    long? p = net?.ParameterCount(), m = net is null ? null : ModelProfile.Measure(net).MultiAdds;
                    long? pm = net is null || convention == MultiAddsConvention.SharpSR ? null : ModelProfile.Measure(net, convention).MultiAdds;
                    foreach (var set in setList)
                    {
                        var (result, _) = evaluator.Evaluate(model, set);
                        results.Add((result, p, m, pm));
                        output.Error.WriteLine($"{result.Model} x{s} {set.Name}: {result.Psnr:F2} dB / {result.Ssim:F4} ({result.Images} images)");
                    }
                }
            }
            WriteTable(output, results, setList.Select(x => x.Name).ToList(), convention == MultiAddsConvention.SharpSR ? null : convention);
            if (jsonPath is not null) WriteJson(jsonPath, results.Select(x => x.Result));
            return 0;
        }));
        return cmd;
    }

    public static string? DefaultDataDir()
    {
        if (Environment.GetEnvironmentVariable("SHARPSR_DATA") is { Length: > 0 } env) return env;
        string shared = Path.Combine("..", "shared", "datasets");
        return Directory.Exists(shared) ? shared : null;
    }

    private static void WriteTable(CliOutput output, List<(EvalResult R, long? P, long? M, long? PaperM)> results, List<string> sets, MultiAddsConvention? paper)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Title("PSNR (dB) / SSIM on Y, border = scale").AddColumn("model").AddColumn("scale")
            .AddColumn(new TableColumn("params").RightAligned()).AddColumn(new TableColumn("Multi-Adds").RightAligned());
        if (paper is not null) table.AddColumn(new TableColumn(InfoCommand.MultiAddsColumn(paper)).RightAligned());
        foreach (var set in sets) table.AddColumn(new TableColumn(set).Centered());
        table.AddColumn(new TableColumn("ms/image").RightAligned());
        foreach (var group in results.GroupBy(x => (x.R.Model, x.R.Scale)))
        {
            var first = group.First();
            var row = new List<string> { Markup.Escape(group.Key.Model), "x" + group.Key.Scale, first.P?.ToString("N0", inv) ?? "-", first.M is { } m ? InfoCommand.FormatG(m) : "-" };
            if (paper is not null) row.Add(first.PaperM is { } pm ? InfoCommand.FormatG(pm) : "-");
            foreach (var set in sets)
                row.Add(group.FirstOrDefault(x => x.R.Set == set).R is { } e ? $"{e.Psnr.ToString("F2", inv)} / {e.Ssim.ToString("F4", inv)}" : "-");
            row.Add(group.Average(x => x.R.MsPerImage).ToString("F0", inv));
            table.AddRow(row.ToArray());
        }
        output.Console.Write(table);
    }

    private static void WriteJson(string path, IEnumerable<EvalResult> results)
    {
        var rows = results.Select(x => new { model = x.Model, set = x.Set, scale = x.Scale, images = x.Images, psnr = Math.Round(x.Psnr, 4), ssim = Math.Round(x.Ssim, 5), ms_per_image = Math.Round(x.MsPerImage, 1) });
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(rows, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Checks an output file name before any work: its folder must exist and it must not be a folder itself.</summary>
    public static void CheckOutputFolder(string path)
    {
        if (Directory.Exists(path)) throw new IOException($"'{path}' is a folder; give a file name");
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"output folder '{dir}' does not exist");
    }

    public static List<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    public static List<int> ParseInts(string list, string what)
    {
        var values = new List<int>();
        foreach (var item in Split(list))
        {
            // Which scales a model has is ScaleRules' call, made when each model loads.
            if (!int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < 1)
                throw new ArgumentException($"invalid {what} '{item}': a whole number of 1 or more");
            values.Add(v);
        }
        if (values.Count == 0) throw new ArgumentException($"no {what} given");
        return values;
    }
}
