using System.Globalization;
using System.Text;
using SharpSR.Core.Serialization;

namespace SharpSR.Training.Ablation;

/// <summary>
/// The report of an ablation: a markdown table (ours beside the paper's figure in every column the paper
/// has), the same as CSV, and an SVG chart when the plan asks for one. Rows not finished yet are marked.
/// </summary>
public sealed class AblationReport(AblationSetup setup, IReadOnlyList<VariantResult?> results, string command)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] s_palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    /// <summary>Writes &lt;name&gt;.md, &lt;name&gt;.csv and (with a chart) &lt;name&gt;.svg; returns their paths.</summary>
    public IReadOnlyList<string> Write(string outDir)
    {
        var files = new List<(string Path, string Text)>
        {
            (Path.Combine(outDir, setup.Plan.Name + ".md"), Markdown()),
            (Path.Combine(outDir, setup.Plan.Name + ".csv"), Csv()),
        };
        if (Chart() is { } svg) files.Add((Path.Combine(outDir, setup.Plan.Name + ".svg"), svg));
        foreach (var (path, text) in files) AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return files.Select(f => f.Path).ToList();
    }

    /// <summary>What the budget was, in words (the CLI prints it before training too).</summary>
    public static string DescribeBudget(AblationSetup setup)
    {
        var r = setup.Recipe;
        var c = setup.Variants[0].Config;
        string schedule = c.LrMilestones is { Count: > 0 } m ? $", halved at {string.Join(", ", m)}" : "";
        return $"{setup.Iterations:N0} iterations per variant (the plan's {r.Iterations:N0} x budget-scale {setup.BudgetScale.ToString("G4", Inv)}), " +
               $"batch {r.Batch} of {r.Patch}x{r.Patch} LR patches at x{r.Scale}, Adam lr {r.LearningRate.ToString("G3", Inv)}{schedule}, seed {r.Seed}, " +
               $"data {string.Join(" + ", r.Train)}";
    }

    public string Markdown()
    {
        var plan = setup.Plan;
        var sb = new StringBuilder();
        sb.Append(Inv, $"# {plan.Title}\n\n");
        sb.Append(Inv, $"Made by `{command}`.\n\n");
        sb.Append(Inv, $"**Budget:** {DescribeBudget(setup)}; {TotalTrainTime()} of training in all. ");
        sb.Append("The published networks trained far longer, so our absolute PSNR sits below theirs at a small budget: compare the order of the rows, not the levels.\n\n");
        sb.Append(Inv, $"**Published figures:** {(setup.PublishedTable is { } t ? t.Source : "the paper prints no numbers for this experiment")}. ");
        sb.Append(plan.SelfEnsemble ? "Scores use the x8 self-ensemble. " : "");
        sb.Append(Inv, $"PSNR (dB) / SSIM on Y, border = scale shaved, greyscale images by the `{plan.Grey}` convention (`--grey {plan.Grey}`); Multi-Adds for a 1280x720 output (conv multiply-adds); ms/image on this machine's CPU");
        sb.Append(setup.MemoryInputs.Count > 0 ? "; peak memory = rise of the process's peak resident set during one inference pass (Linux VmHWM)" : "");
        sb.Append(".\n\n");
        if (plan.Notes is { } notes) sb.Append(notes).Append("\n\n");
        int done = results.Count(r => r is not null);
        if (done < results.Count) sb.Append(Inv, $"**{done} of {results.Count} variants finished**; the others are still queued.\n\n");

        var header = new List<string> { "variant", "model", "loss", "params (K)", "Multi-Adds (G)" };
        foreach (var set in setup.Sets) header.AddRange([$"{set.Name} PSNR", $"{set.Name} SSIM"]);
        foreach (var size in setup.MemoryInputs) header.Add($"peak MB {AblationSetup.SizeName(size)}");
        header.AddRange(["ms/image", "train time"]);
        sb.Append("| ").AppendJoin(" | ", header).Append(" |\n|").Append(string.Concat(Enumerable.Repeat("---|", header.Count))).Append('\n');
        for (int i = 0; i < setup.Variants.Count; i++)
        {
            var v = setup.Variants[i];
            var r = results[i];
            var p = v.Published;
            var row = new List<string>
            {
                v.Variant.Label,
                $"`{v.Variant.Model}` {(v.Variant.OptionsJson is { } o ? $"`{o}`" : "")}".TrimEnd(),
                $"`{v.Variant.Loss}`",
                Pair(r?.Parameters / 1e3, p?.ParamsK, "F1"),
                Pair(r?.MultiAdds / 1e9, p?.MultiAddsG, "F2"),
            };
            foreach (var set in setup.Sets)
            {
                var score = r?.Sets.FirstOrDefault(s => s.Set == set.Name);
                row.Add(Pair(score?.Psnr, Published(p?.Psnr, set.Name), "F2", p, set.Name));
                row.Add(Pair(score?.Ssim, Published(p?.Ssim, set.Name), "F4"));
            }
            foreach (var size in setup.MemoryInputs)
            {
                string key = AblationSetup.SizeName(size);
                row.Add(Pair(r?.PeakMemoryBytes.TryGetValue(key, out long b) == true ? b / 1e6 : null, Published(p?.PeakMemoryMb, key), "F0", p, key));
            }
            row.Add(r is null ? "queued" : r.MsPerImage.ToString("F0", Inv));
            row.Add(r is null ? "" : TimeSpan.FromSeconds(r.TrainSeconds).ToString(@"h\:mm\:ss", Inv));
            sb.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        }
        sb.Append("\nEach cell is ours / the paper's (– where the paper prints nothing).\n");
        if (Trends() is { Count: > 0 } trends)
        {
            sb.Append("\n**Trends:**\n\n");
            foreach (var line in trends) sb.Append("- ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    public string Csv()
    {
        var header = new List<string> { "variant", "model", "options", "loss", "iterations", "params", "params_paper", "multi_adds", "multi_adds_paper_g" };
        foreach (var set in setup.Sets) header.AddRange([$"{set.Name}_psnr", $"{set.Name}_psnr_paper", $"{set.Name}_ssim", $"{set.Name}_ssim_paper"]);
        foreach (var size in setup.MemoryInputs) header.AddRange([$"peak_mb_{AblationSetup.SizeName(size)}", $"peak_mb_{AblationSetup.SizeName(size)}_paper"]);
        header.AddRange(["ms_per_image", "train_s"]);
        var sb = new StringBuilder().AppendJoin(",", header).Append('\n');
        for (int i = 0; i < setup.Variants.Count; i++)
        {
            var v = setup.Variants[i];
            var r = results[i];
            var p = v.Published;
            var row = new List<string>
            {
                Quote(v.Variant.Label), v.Variant.Model, Quote(v.Variant.OptionsJson ?? ""), Quote(v.Variant.Loss),
                Num(r?.Iterations), Num(r?.Parameters), Num(p?.ParamsK * 1e3), Num(r?.MultiAdds), Num(p?.MultiAddsG),
            };
            foreach (var set in setup.Sets)
            {
                var score = r?.Sets.FirstOrDefault(s => s.Set == set.Name);
                row.AddRange([Num(score?.Psnr, "F4"), Num(Published(p?.Psnr, set.Name)), Num(score?.Ssim, "F5"), Num(Published(p?.Ssim, set.Name))]);
            }
            foreach (var size in setup.MemoryInputs)
            {
                string key = AblationSetup.SizeName(size);
                row.AddRange([Num(r?.PeakMemoryBytes.TryGetValue(key, out long b) == true ? b / 1e6 : null, "F1"), Num(Published(p?.PeakMemoryMb, key))]);
            }
            row.AddRange([Num(r?.MsPerImage, "F1"), Num(r?.TrainSeconds, "F1")]);
            sb.AppendJoin(",", row).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>One panel per set: our PSNR against each variant's chart position.</summary>
    public string? Chart()
    {
        if (setup.Plan.Chart is not { } chart) return null;
        var panels = setup.Sets.Select((set, k) => new SvgPlot.Series($"{set.Name}: PSNR (dB, Y), SharpSR", s_palette[k % s_palette.Length],
            setup.Variants.Zip(results)
                .Where(x => x.Second is not null)
                .Select(x => (x.First.Variant.ChartX!.Value, x.Second!.Sets.First(s => s.Set == set.Name).Psnr))
                .OrderBy(pt => pt.Item1).ToList())).ToList();
        return SvgPlot.Render($"{chart.Title} ({setup.Iterations:N0} iterations)", chart.XLabel, panels);
    }

    /// <summary>
    /// For each set with published PSNRs: on how many pairs of rows our order matches the paper's, and
    /// which row each ranks first. Pairs the paper ties are left out.
    /// </summary>
    public IReadOnlyList<string> Trends()
    {
        var lines = new List<string>();
        foreach (var set in setup.Sets)
        {
            var rows = setup.Variants.Zip(results)
                .Where(x => x.Second is not null && Published(x.First.Published?.Psnr, set.Name) is not null)
                .Select(x => (Label: x.First.Variant.Label, Ours: x.Second!.Sets.First(s => s.Set == set.Name).Psnr, Paper: Published(x.First.Published!.Psnr, set.Name)!.Value))
                .ToList();
            if (rows.Count < 2) continue;
            int pairs = 0, agree = 0;
            for (int i = 0; i < rows.Count; i++)
                for (int j = i + 1; j < rows.Count; j++)
                {
                    double paper = rows[i].Paper - rows[j].Paper;
                    if (paper == 0) continue;
                    pairs++;
                    if (Math.Sign(rows[i].Ours - rows[j].Ours) == Math.Sign(paper)) agree++;
                }
            string oursBest = rows.MaxBy(r => r.Ours).Label, paperBest = rows.MaxBy(r => r.Paper).Label;
            lines.Add($"{set.Name} PSNR: our order of the rows agrees with the paper's on {agree} of {pairs} pairs; " +
                      (oursBest == paperBest ? $"both rank {oursBest} first." : $"we rank {oursBest} first, the paper {paperBest}."));
        }
        return lines;
    }

    private string TotalTrainTime() =>
        TimeSpan.FromSeconds(results.Sum(r => r?.TrainSeconds ?? 0)).ToString(@"h\:mm\:ss", Inv);

    private static double? Published(IReadOnlyDictionary<string, double>? values, string key) =>
        values is not null && values.TryGetValue(key, out double v) ? v : null;

    private static string Pair(double? ours, double? paper, string format, PublishedRow? row = null, string? column = null)
    {
        string theirs = paper?.ToString(format, Inv) ?? (row is not null && column is not null && row.Remarks.TryGetValue(column, out var remark) ? remark : "–");
        return $"{ours?.ToString(format, Inv) ?? "…"} / {theirs}";
    }

    private static string Num(double? value, string format = "R") => value?.ToString(format, Inv) ?? "";

    private static string Num(long? value) => value?.ToString(Inv) ?? "";

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";
}
