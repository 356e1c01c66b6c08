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
                result = work(new SyncProgress(p => { task.MaxValue = p.Total; task.Value = p.Done; }));
            });
        return result;
    }

    /// <summary>Training progress reported on the calling thread.</summary>
    public sealed class SyncTrain(Action<SharpSR.Training.TrainProgress> report) : IProgress<SharpSR.Training.TrainProgress>
    {
        public void Report(SharpSR.Training.TrainProgress value) => report(value);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    public sealed class SyncProgress(Action<UpscaleProgress> report) : IProgress<UpscaleProgress>
    {
        public void Report(UpscaleProgress value) => report(value);
    }
}
