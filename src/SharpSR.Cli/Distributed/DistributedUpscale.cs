using System.Text;
using SharpSR.Cli.Commands;
using SharpSR.Distributed;
using SharpSR.Imaging;
using SharpSR.Inference;

namespace SharpSR.Cli.Distributed;

/// <summary>
/// `mpirun -np N sharpsr upscale IN… -o OUT`: rank 0 plans the run as a single process would (every check before
/// any image is touched), weighs each file by the pixel count its header states and deals the files out so every
/// rank gets about the same number of pixels; each rank upscales its files (a bad one is reported and the rest go
/// on), and rank 0 prints one summary. Ranks share the input and output folders (one machine, or a shared file system).
/// </summary>
internal static class DistributedUpscale
{
    public static int Run(CliOutput output, Func<(UpscaleScale, IReadOnlyList<UpscaleJob>)> plan, Func<UpscaleScale> loadModel, UpscaleSettings settings)
    {
        using var group = MpiLaunch.Join();
        UpscaleScale sr;
        IReadOnlyList<(int Rank, UpscaleJob Job)> shares;
        if (group.Rank == 0)
        {
            try
            {
                var (model, jobs) = plan();
                var owners = WorkShares.Balance(jobs.Select(j => Weight(j.Source)).ToArray(), group.Replicas);
                shares = jobs.Select((j, i) => (owners[i], j)).ToList();
                sr = model;
            }
            catch
            {
                group.BroadcastFromRoot([]);   // the other ranks stop quietly; this one reports why
                throw;
            }
            group.BroadcastFromRoot(Encode(shares));
            output.Out.WriteLine($"{group.Replicas} ranks x {SharpSR.Core.Engine.Threads} thread(s); images per rank, balanced by pixel count: " +
                                 string.Join(", ", Enumerable.Range(0, group.Replicas).Select(k => shares.Count(s => s.Rank == k))));
        }
        else
        {
            byte[] payload = group.BroadcastFromRoot(null);
            if (payload.Length == 0) return 1;   // rank 0 could not plan the run and says why
            shares = Decode(payload);
            try
            {
                sr = loadModel();
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                output.Error.WriteLine($"error: rank {group.Rank}: {CliErrors.Describe(e)}");
                output.Error.Flush();
                group.Abort(1);   // the others would wait for this rank's summary
                return 1;
            }
        }

        var mine = shares.Where(s => s.Rank == group.Rank).Select(s => s.Job).ToList();
        int failed = UpscaleCommand.UpscaleEach(output, sr, mine, settings, keepGoing: true);
        long[] failures = group.Gather(failed);
        if (group.Rank > 0) return 0;   // rank 0 reports for the job, and its exit code is the job's
        long total = failures.Sum();
        if (total == 0)
        {
            output.Out.WriteLine($"{shares.Count} image(s) written by {group.Replicas} ranks");
            return 0;
        }
        output.Error.WriteLine($"error: {total} of {shares.Count} images failed (listed above, on ranks {string.Join(", ", failures.Select((f, k) => (f, k)).Where(x => x.f > 0).Select(x => x.k))}); the other {shares.Count - total} were written");
        return 1;
    }

    /// <summary>
    /// The pixel count the file's header states (no more than an image may have: a larger one fails at once); a file
    /// whose header says nothing weighs by its size.
    /// </summary>
    private static long Weight(string path)
    {
        try
        {
            return ImageHeader.ReadSize(path) is var (w, h) ? Math.Min((long)w * h, RgbImage.DefaultMaxPixels) : new FileInfo(path).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;   // unreadable now: it will fail on whichever rank gets it, and be reported there
        }
    }

    // Rank, source and destination of each job, NUL-separated (no path holds a NUL).
    private static byte[] Encode(IEnumerable<(int Rank, UpscaleJob Job)> shares) =>
        Encoding.UTF8.GetBytes(string.Concat(shares.Select(s => $"{s.Rank}\0{s.Job.Source}\0{s.Job.Destination}\0")));

    private static List<(int, UpscaleJob)> Decode(byte[] payload)
    {
        var f = Encoding.UTF8.GetString(payload).Split('\0');
        var shares = new List<(int, UpscaleJob)>();
        for (int i = 0; i + 2 < f.Length; i += 3) shares.Add((int.Parse(f[i], System.Globalization.CultureInfo.InvariantCulture), new UpscaleJob(f[i + 1], f[i + 2])));
        return shares;
    }
}
