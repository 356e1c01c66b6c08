using System.Diagnostics;
using SharpSR.Cli;
using SharpSR.Core.Serialization;
using SharpSR.Testing;
using SharpSR.Training.Tests;
using Xunit;

namespace SharpSR.Distributed.Tests;

/// <summary>
/// `mpirun -np 2 sharpsr train` on loopback: two ranks of half a batch each train the model one process trains on the
/// whole batch, and a run killed mid-way resumes to the weights of an uninterrupted one.
/// </summary>
[Collection("mpirun")]   // one job at a time: each already uses every core
public class DistributedTrainingTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    /// <param name="model">s-lwsr16 for the equivalence; a 4-feature s-LWSR where only bit-exact repetition matters</param>
    private static string[] TrainArgs(string data, string run, int iterations, string model = "s-lwsr16") =>
        ["train", "--data", data, "--run", run, .. ModelArgs(model), "--scale", "2", "--patch", "12", "--batch", "16",
         "--iterations", iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), "--checkpoint-every", "5",
         "--lr", "0.001", "--seed", "7"];

    private static string[] ModelArgs(string model) =>
        model == "tiny" ? ["--model", "s-lwsr", "--model-options", """{"features":4}"""] : ["--model", model];

    private static float[] Weights(string run) =>
        [.. SafeTensorsFile.Read(Path.Combine(run, "model.safetensors")).Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Data)];

    [Fact]
    public void TwoRanksOfBatch8_EqualOneProcessOfBatch16()
    {
        Mpirun.Require();
        string data = SyntheticImages.WriteFolder(4, 32);
        string single = Path.Combine(TestData.NewTempDir(), "run"), ranks = Path.Combine(TestData.NewTempDir(), "run");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.True(Program.Run(TrainArgs(data, single, 20), stdout, stderr) == 0, stderr.ToString());

        var (exit, output, errors) = Mpirun.Run(2, Limit, TrainArgs(data, ranks, 20));
        log.WriteLine(output + errors);
        Assert.True(exit == 0, errors);
        Assert.Matches(@"2 ranks x \d+ thread\(s\), 8 images of each batch of 16 per rank", output);
        Assert.Single(output.Split('\n'), l => l.StartsWith("done:", StringComparison.Ordinal));   // only rank 0 speaks

        float[] a = Weights(single), b = Weights(ranks);
        double diff = a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max(), scale = a.Max(v => Math.Abs((double)v));
        log.WriteLine($"largest difference {diff / scale:E2} of the largest weight");
        Assert.True(diff / scale < 1e-5, $"2 ranks differ from one process by {diff / scale:E2} of the largest weight");
        Assert.Equal(File.ReadAllLines(Path.Combine(single, "log.csv")).Length, File.ReadAllLines(Path.Combine(ranks, "log.csv")).Length);
        Assert.Equal("20", SafeTensorsFile.Read(Path.Combine(ranks, "state.safetensors")).Metadata["iteration"]);
    }

    [Fact]
    public void TwoRanks_KilledThenResumedWithTwoRanks_SameWeightsAsUninterruptedRun()
    {
        Mpirun.Require();
        string data = SyntheticImages.WriteFolder(3, 32);
        string straight = Path.Combine(TestData.NewTempDir(), "run"), killed = Path.Combine(TestData.NewTempDir(), "run");
        var (exit, _, err) = Mpirun.Run(2, Limit, TrainArgs(data, straight, 40, "tiny"));
        Assert.True(exit == 0, err);

        // The same run, SIGKILLed (mpirun and both ranks) as soon as it has written a checkpoint.
        using (var p = Process.Start(Mpirun.StartInfo(2, TrainArgs(data, killed, 40, "tiny")))!)
        {
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            string state = Path.Combine(killed, "state.safetensors");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(state) && !p.HasExited && clock.Elapsed < Limit) Thread.Sleep(10);
            Assert.False(p.HasExited, "the 2-rank run ended before it could be killed");
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        int at = int.Parse(SafeTensorsFile.Read(Path.Combine(killed, "state.safetensors")).Metadata["iteration"], System.Globalization.CultureInfo.InvariantCulture);
        log.WriteLine($"killed after the checkpoint at iteration {at}");
        Assert.InRange(at, 5, 39);

        (exit, var output, err) = Mpirun.Run(2, Limit, "train", "--resume", killed);
        Assert.True(exit == 0, err);
        Assert.Contains($"resuming {killed} at iteration {at}", output);
        Assert.Equal(Weights(straight), Weights(killed));   // bit for bit: the same ranks redo the same steps
    }

    [Fact]
    public void BatchNotDivisibleByRanks_OneClearErrorAndNoRunFolder()
    {
        Mpirun.Require();
        string data = SyntheticImages.WriteFolder(2, 32);
        string run = Path.Combine(TestData.NewTempDir(), "run");
        var args = TrainArgs(data, run, 4, "tiny");
        args[Array.IndexOf(args, "--batch") + 1] = "5";
        var (exit, _, err) = Mpirun.Run(2, Limit, args);
        Assert.NotEqual(0, exit);
        Assert.Single(err.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal) && l.Contains("batch 5 does not split evenly over 2 ranks"));
        Assert.DoesNotContain("Unhandled", err);
        Assert.False(Directory.Exists(run), "a refused run left a folder behind");
    }
}
