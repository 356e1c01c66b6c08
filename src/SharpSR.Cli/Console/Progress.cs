using SharpSR.Inference;
using Spectre.Console;

namespace SharpSR.Cli;

/// <summary>Progress bars for long work; when not on a terminal, a plain line every <see cref="PlainInterval"/>.</summary>
public static class Progress
{
    /// <summary>How often a plain progress line may be printed when output goes to a file or pipe (a log stays short).</summary>
    public static TimeSpan PlainInterval { get; set; } = TimeSpan.FromSeconds(5);

    public static T Run<T>(CliOutput output, string label, Func<IProgress<UpscaleProgress>, T> work)
    {
        if (!output.IsInteractive)
        {
            var line = new ProgressLine(output);
            return work(new SharpSR.Training.SyncProgress<UpscaleProgress>(p => line.Maybe(() => $"{label}: {100L * p.Done / Math.Max(1, p.Total)}% ({p.Done}/{p.Total} tiles)")));
        }
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

/// <summary>A one-line progress message for logs and pipes: printed only when the interval since the last has passed.</summary>
public sealed class ProgressLine(CliOutput output)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.Zero;

    public void Maybe(Func<string> message)
    {
        if (output.IsInteractive || _clock.Elapsed - _last < Progress.PlainInterval) return;
        _last = _clock.Elapsed;
        output.Out.WriteLine($"{message()} ({_clock.Elapsed:hh\\:mm\\:ss} elapsed)");
    }
}
