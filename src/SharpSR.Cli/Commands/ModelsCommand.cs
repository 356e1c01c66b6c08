using System.CommandLine;
using System.Globalization;
using SharpSR.Models;
using SharpSR.Inference;
using Spectre.Console;

namespace SharpSR.Cli.Commands;

/// <summary>`sharpsr models`: every architecture and preset with parameters, Multi-Adds and shipped weights.</summary>
public static class ModelsCommand
{
    public static Command Create(CliOutput output)
    {
        var scale = new Option<int>("--scale", "-s") { Description = "scale for the counts", DefaultValueFactory = _ => 4 };
        var cmd = new Command("models", "List architectures, presets and shipped weights") { scale };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            int s = r.GetValue(scale);
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
            return 0;
        }));
        return cmd;
    }
}
