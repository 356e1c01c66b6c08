using SharpSR.Inference;
using Spectre.Console;

namespace SharpSR.Cli;

/// <summary>Progress bars for long work; plain output when not on a terminal.</summary>
public static class Progress
{
    public static T Run<T>(CliOutput output, string label, Func<IProgress<UpscaleProgress>, T> work)
    {
        if (!output.IsInteractive) return work(new Progress<UpscaleProgress>(_ => { }));
        T result = default!;
        output.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: 1);
                result = work(new SharpSR.Training.SyncProgress<UpscaleProgress>(p => { task.MaxValue = p.Total; task.Value = p.Done; }));
            });
        return result;
    }
}
