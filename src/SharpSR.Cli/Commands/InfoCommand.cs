using System.CommandLine;
using System.Globalization;
using SharpSR.Models;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>`sharpsr info --model NAME --scale S`: parameters and Multi-Adds (1280x720 output) with a per-part breakdown.</summary>
public static class InfoCommand
{
    public static Command Create(CliOutput output)
    {
        var model = new Option<string>("--model", "-m") { Description = "architecture, preset or model file", DefaultValueFactory = _ => "s-lwsr16" };
        var scale = new Option<int>("--scale", "-s") { Description = "upscaling factor", DefaultValueFactory = _ => 4 };
        var cmd = new Command("info", "Parameters and Multi-Adds (for a 1280x720 output) of a network, part by part") { model, scale };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            var net = ArchRegistry.Create(r.GetValue(model)!, r.GetValue(scale));
            var profile = ModelProfile.Measure(net);
            var inv = CultureInfo.InvariantCulture;
            var table = new Table().Title($"{r.GetValue(model)} x{net.Scale} (LR input {profile.LrWidth}x{profile.LrHeight})")
                .AddColumn("part").AddColumn(new TableColumn("parameters").RightAligned()).AddColumn(new TableColumn("Multi-Adds").RightAligned());
            foreach (var (part, p, m) in profile.Parts)
                table.AddRow(part, p.ToString("N0", inv), FormatG(m));
            table.AddRow("[bold]total[/]", $"[bold]{profile.Parameters.ToString("N0", inv)}[/]", $"[bold]{FormatG(profile.MultiAdds)}[/]");
            output.Console.Write(table);
            output.Out.WriteLine($"parameters: {profile.Parameters.ToString("N0", inv)}");
            output.Out.WriteLine($"multi-adds: {(profile.MultiAdds / 1e9).ToString("F2", inv)} G (1280x720 output)");
            return 0;
        }));
        return cmd;
    }

    public static string FormatG(long macs) => (macs / 1e9).ToString("F2", CultureInfo.InvariantCulture) + " G";
}
