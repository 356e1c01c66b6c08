using System.CommandLine;
using System.Globalization;
using SharpSR.Models;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>
/// `sharpsr info --model NAME --scale S [--multi-adds s-lwsr|g-idrn]`: parameters and Multi-Adds (1280x720 output)
/// with a per-part breakdown, and optionally a paper's count beside ours.
/// </summary>
public static class InfoCommand
{
    public static Command Create(CliOutput output)
    {
        var model = new Option<string>("--model", "-m") { Description = "architecture, preset or model file", DefaultValueFactory = _ => "s-lwsr16" };
        var scale = new Option<int>("--scale", "-s") { Description = "upscaling factor", DefaultValueFactory = _ => 4 };
        var paper = MultiAddsOption();
        var cmd = new Command("info", "Parameters and Multi-Adds (for a 1280x720 output) of a network, part by part") { model, scale, paper };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            var convention = MultiAddsConvention.Parse(r.GetValue(paper)!);
            var net = ArchRegistry.Create(r.GetValue(model)!, r.GetValue(scale));
            var profile = ModelProfile.Measure(net);
            var other = convention == MultiAddsConvention.SharpSR ? null : ModelProfile.Measure(net, convention);
            var inv = CultureInfo.InvariantCulture;
            var table = new Table().Title($"{r.GetValue(model)} x{net.Scale} (LR input {profile.LrWidth}x{profile.LrHeight})")
                .AddColumn("part").AddColumn(new TableColumn("parameters").RightAligned()).AddColumn(new TableColumn("Multi-Adds").RightAligned());
            if (other is not null) table.AddColumn(new TableColumn(MultiAddsColumn(convention)).RightAligned());
            for (int i = 0; i < profile.Parts.Count; i++)
            {
                var (part, p, m) = profile.Parts[i];
                table.AddRow([part, p.ToString("N0", inv), FormatG(m), .. other is null ? Array.Empty<string>() : [FormatG(other.Parts[i].MultiAdds)]]);
            }
            table.AddRow(["[bold]total[/]", $"[bold]{profile.Parameters.ToString("N0", inv)}[/]", $"[bold]{FormatG(profile.MultiAdds)}[/]",
                          .. other is null ? Array.Empty<string>() : [$"[bold]{FormatG(other.MultiAdds)}[/]"]]);
            output.Console.Write(table);
            output.Out.WriteLine($"parameters: {profile.Parameters.ToString("N0", inv)}");
            output.Out.WriteLine($"multi-adds: {(profile.MultiAdds / 1e9).ToString("F2", inv)} G (1280x720 output)");
            if (other is not null)
                output.Out.WriteLine($"multi-adds ({convention.Name}): {(other.MultiAdds / 1e9).ToString("F2", inv)} G ({convention.Description}; LR {other.LrWidth}x{other.LrHeight})");
            return 0;
        }));
        return cmd;
    }

    /// <summary>`--multi-adds`: a paper's way of counting, shown beside SharpSR's.</summary>
    public static Option<string> MultiAddsOption() => new("--multi-adds")
    {
        Description = "also show Multi-Adds as a paper counts them: s-lwsr (params x LR pixels of a 1280x720 output), " +
                      "g-idrn (conv MACs with bias, 256x256 LR input; closest found), sharpsr (ours only, default)",
        DefaultValueFactory = _ => MultiAddsConvention.SharpSR.Name,
    };

    public static string MultiAddsColumn(MultiAddsConvention convention) => $"Multi-Adds ({convention.Name} paper)";

    public static string FormatG(long macs) => (macs / 1e9).ToString("F2", CultureInfo.InvariantCulture) + " G";
}
