using SharpSR.Cli.Commands;
using SharpSR.Core.Optim;
using SharpSR.Training;
using SharpSR.Training.Data;

namespace SharpSR.Cli.Distributed;

/// <summary>
/// `mpirun -np N sharpsr train …`: data-parallel training over MPI ranks. Rank 0 opens the run (a new one or a
/// checkpoint) exactly as a single process would and broadcasts its whole training state, so every rank starts from
/// rank 0's weights, optimizer moments and counters; each rank loads the training images itself and draws its own
/// share of every global batch; the trainer averages gradients and loss over the ranks before each Adam step and
/// checks the weights' hash. Only rank 0 writes the run folder and prints.
/// </summary>
internal static class DistributedTraining
{
    /// <param name="open">opens the run on rank 0, refusing a batch that does not split over the given rank count</param>
    public static int Run(CliOutput output, Func<int, OpenedRun> open, CancellationToken cancel)
    {
        using var group = MpiLaunch.Join();
        Trainer trainer;
        PatchSampler sampler;
        IValidator? validator = null;
        string? runDir = null;
        IReadOnlyList<TrainingPair> images;
        byte[]? replicaState = null;
        if (group.Rank == 0)
        {
            OpenedRun run;
            try
            {
                run = open(group.Replicas);
            }
            catch
            {
                group.BroadcastFromRoot([]);   // the other ranks stop quietly; this one reports why
                throw;
            }
            group.BroadcastFromRoot(run.Trainer.ExportState());
            (trainer, sampler, validator, runDir, images) = (run.Trainer, run.Sampler, run.Validator, run.RunDir, run.Images);
        }
        else
        {
            replicaState = group.BroadcastFromRoot(null);
            if (replicaState.Length == 0) return 1;   // rank 0 failed to open the run and says why
            trainer = null!;
            sampler = null!;
            images = [];
        }

        // From here on every rank waits for the others in collectives: a failure on one rank ends the job, except the
        // failures all ranks meet together (diverged loss, replicas disagreeing), after which they finish cleanly.
        try
        {
            if (replicaState is not null)
            {
                trainer = Trainer.Replica(replicaState);
                var c = trainer.Config;
                images = TrainingSet.Load(c.TrainDirs, c.Scale, c.PatchSize, c.SkipSmallImages);
                sampler = new PatchSampler(images, c.Scale, c.PatchSize, c.Seed);
            }
            if (!group.AllEqual(Fingerprint(images)))
                throw new JobWideException("the ranks loaded different training images (each rank reads --data on its own machine: give every machine the same files)");
            trainer.Reducer = group;
            if (group.Rank == 0)
            {
                output.Out.WriteLine($"{group.Replicas} ranks x {SharpSR.Core.Engine.Threads} thread(s), {trainer.Config.BatchSize / group.Replicas} images of each batch of {trainer.Config.BatchSize} per rank");
                TrainProgressView.Run(output, trainer, sampler, validator, cancel);
                output.Out.WriteLine(trainer.Iteration < trainer.Config.Iterations
                    ? $"stopped at iteration {trainer.Iteration}; checkpoint saved. Continue with the same mpirun and: sharpsr train --resume {runDir}"
                    : $"done: {Path.Combine(runDir!, Trainer.ModelFileName)}");
            }
            else trainer.Run(sampler, null, null, cancel);
            return 0;
        }
        catch (Exception e) when (e is TrainingDivergedException or JobWideException)
        {
            if (group.Rank == 0) throw;   // reported once, then every rank finalizes
            return 1;
        }
        catch (Exception e)
        {
            output.Error.WriteLine($"error: rank {group.Rank}: {(CliErrors.IsUserError(e) ? CliErrors.Describe(e) : e.ToString())}");
            output.Error.Flush();
            group.Abort(1);
            return 1;
        }
    }

    /// <summary>A hash of the training images (sizes and pixels) in load order: the ranks must draw from the same list.</summary>
    private static ulong Fingerprint(IReadOnlyList<TrainingPair> images)
    {
        ulong h = 14695981039346656037UL;
        void Add(ulong v) { h ^= v; h *= 1099511628211UL; }
        foreach (var pair in images)
        {
            Add((ulong)pair.Hr.Width << 32 | (uint)pair.Hr.Height);
            var px = pair.Hr.Pixels;
            for (int i = 0; i < px.Length; i += 61) Add(px[i]);   // a sample of the pixels keeps it cheap on large sets
        }
        return h;
    }

    /// <summary>A failure every rank meets at the same point of the run.</summary>
    private sealed class JobWideException(string message) : InvalidOperationException(message);
}
