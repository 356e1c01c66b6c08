using System.CommandLine;
using System.Globalization;
using SharpSR.Models;
using SharpSR.Inference;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>`sharpsr info --model NAME --scale S`: parameters and Multi-Adds (1280x720 output) with a per-part breakdown.</summary>
public static class InfoCommand
{
    public static Command Create(CliOutput output)
    {
        var model = new Option<string>("--model", "-m") { Description = "bicubic, an architecture or preset, or a model file (.safetensors, .pth with --arch)", DefaultValueFactory = _ => ModelCatalog.DefaultModel };
        var arch = ModelOptions.Arch();
        var scale = new Option<int?>("--scale", "-s") { Description = "upscaling factor (default: a model file's own, else 4)" };
        var cmd = new Command("info", "Parameters and Multi-Adds (for a 1280x720 output) of a network, part by part") { model, arch, scale };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            string name = r.GetValue(model)!;
            var inv = CultureInfo.InvariantCulture;
            if (ModelCatalog.IsBicubic(name))
            {
                int s = ScaleRules.CheckBicubic(r.GetValue(scale) ?? 4);
                output.Out.WriteLine($"bicubic x{s}: MATLAB imresize, no network");
                output.Out.WriteLine("parameters: 0");
                output.Out.WriteLine("multi-adds: 0.00 G (no convolutions)");
                return 0;
            }
            // A file describes itself (architecture, scale, options in its metadata); a name builds the architecture.
            bool isFile = ModelCatalog.LooksLikeFile(name);
            var net = isFile ? ModelCatalog.LoadNetwork(name, r.GetValue(scale), TorchImport.Load, r.GetValue(arch))
                             : ArchRegistry.Create(name, r.GetValue(scale) ?? 4);
            string title = isFile ? $"{ArchRegistry.NameOf(net)} ({Path.GetFileName(name)})" : name;
            var profile = ModelProfile.Measure(net);
            var table = new Table().Title(Markup.Escape($"{title} x{net.Scale} (LR input {profile.LrWidth}x{profile.LrHeight})"))
                .AddColumn("part").AddColumn(new TableColumn("parameters").RightAligned()).AddColumn(new TableColumn("Multi-Adds").RightAligned());
            foreach (var (part, p, m) in profile.Parts)
                table.AddRow(Markup.Escape(part), p.ToString("N0", inv), FormatG(m));
            table.AddRow("[bold]total[/]", $"[bold]{profile.Parameters.ToString("N0", inv)}[/]", $"[bold]{FormatG(profile.MultiAdds)}[/]");
            output.Console.Write(table);
            if (isFile) output.Out.WriteLine($"model: {net.Arch} x{net.Scale}, options {net.OptionsJson()}");
            output.Out.WriteLine($"parameters: {profile.Parameters.ToString("N0", inv)}");
            output.Out.WriteLine($"multi-adds: {(profile.MultiAdds / 1e9).ToString("F2", inv)} G (1280x720 output)");
            return 0;
        }));
        return cmd;
    }

    public static string FormatG(long macs) => (macs / 1e9).ToString("F2", CultureInfo.InvariantCulture) + " G";
}
