using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SharpSR.Models;
using SharpSR.Inference;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>
/// `sharpsr models`: every architecture and preset with parameters, Multi-Adds and shipped weights;
/// `sharpsr models ARCH`: one architecture's scales, presets and options. Both read the registry's descriptors.
/// </summary>
public static class ModelsCommand
{
    public static Command Create(CliOutput output)
    {
        var arch = new Argument<string?>("arch") { Description = "an architecture or preset: show its options", Arity = ArgumentArity.ZeroOrOne };
        var scale = new Option<int>("--scale", "-s") { Description = "scale for the counts", DefaultValueFactory = _ => 4 };
        var cmd = new Command("models", "List architectures, presets and shipped weights, or one architecture's options") { arch, scale };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            if (r.GetValue(arch) is { } name)
            {
                var descriptor = ArchRegistry.InfoOf(name) ?? throw new KeyNotFoundException(
                    $"unknown architecture '{name}' (known: {string.Join(", ", ArchRegistry.Archs.Select(a => a.Name).Concat(ArchRegistry.Presets.Select(p => p.Name)))})");
                WriteOptions(output, descriptor);
                return 0;
            }
            WriteList(output, r.GetValue(scale));
            return 0;
        }));
        return cmd;
    }

    private static void WriteList(CliOutput output, int s)
    {
        var inv = CultureInfo.InvariantCulture;
        var shipped = ModelCatalog.Shipped();
        var table = new Table().Title($"models (counts at x{s}, Multi-Adds for a 1280x720 output)")
            .AddColumn("name").AddColumn("description").AddColumn(new TableColumn("params").RightAligned())
            .AddColumn(new TableColumn("Multi-Adds").RightAligned()).AddColumn("shipped weights");
        table.AddRow("bicubic", "MATLAB imresize bicubic (the papers' baseline)", "0", "-", "(built in)");
        var names = ArchRegistry.Presets.Select(p => (p.Name, p.Description)).Concat(ArchRegistry.Archs.Select(a => (a.Name, a.Description)));
        foreach (var (name, description) in names)
        {
            string p = "-", m = "-";
            try
            {
                var net = ArchRegistry.Create(name, s);
                p = net.ParameterCount().ToString("N0", inv);
                m = InfoCommand.FormatG(ModelProfile.Measure(net).MultiAdds);
            }
            catch (ArgumentException) { /* the architecture has no x{s} variant */ }
            var weights = shipped.Where(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase)).Select(w => "x" + w.Scale);
            table.AddRow(Markup.Escape(name), Markup.Escape(description), p, m, string.Join(" ", weights));
        }
        output.Console.Write(table);
        output.Out.WriteLine("`sharpsr models ARCH` lists an architecture's --model-options.");
    }

    private static void WriteOptions(CliOutput output, ArchDescriptor a)
    {
        output.Out.WriteLine(a.Description);
        output.Out.WriteLine($"scales: {ScaleRules.List(a.Scales)}");
        foreach (var preset in a.Presets)
            output.Out.WriteLine($"preset {preset.Name}: {preset.OptionsJson} ({preset.Description})");
        using var defaults = JsonDocument.Parse(a.DefaultOptionsJson);
        var table = new Table().Title($"--model-options for {a.Name} (JSON; the scale comes from --scale)")
            .AddColumn("key").AddColumn("default").AddColumn("what it changes");
        foreach (var option in a.Options)
        {
            string value = defaults.RootElement.TryGetProperty(option.Name, out var v) ? v.GetRawText() : "-";
            table.AddRow(Markup.Escape(option.Name), Markup.Escape(value), Markup.Escape(option.Help));
        }
        output.Console.Write(table);
    }
}
