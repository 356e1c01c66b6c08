using System.Diagnostics;
using SharpSR.Core.Serialization;
using SharpSR.Imaging;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

public class TrainKillResumeTests(ITestOutputHelper log)
{
    private static string MakeData()
    {
        string dir = TestData.NewTempDir("sharpsr-data");
        var rng = new Random(4);
        for (int i = 0; i < 3; i++)
        {
            var img = new RgbImage(40 + 4 * i, 36, 3);
            for (int p = 0; p < img.Pixels.Length; p++) img.Pixels[p] = (byte)(128 + 100 * Math.Sin(p * 0.013 * (i + 1)) + rng.Next(8));
            ImageIO.Save(img, Path.Combine(dir, $"t{i}.png"));
        }
        return dir;
    }

    private static string[] TrainArgs(string data, string run) =>
        ["train", "--data", data, "--run", run, "--model", "s-lwsr", "--model-options", """{"features":4}""", "--scale", "2",
         "--patch", "12", "--batch", "4", "--iterations", "300", "--checkpoint-every", "10", "--lr", "0.002", "--seed", "5"];

    [Fact]
    public void Train_SigkillThenResume_SameWeightsAsUninterruptedRun()
    {
        string data = MakeData();
        string straight = Path.Combine(TestData.NewTempDir(), "run");
        var (exit, _, err) = CliRunner.Run(TrainArgs(data, straight));
        Assert.True(exit == 0, err);

        // Start the same run as a separate process and SIGKILL it once it has written a checkpoint.
        string killed = Path.Combine(TestData.NewTempDir(), "run");
        string cli = Path.Combine(AppContext.BaseDirectory, "sharpsr.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(cli);
        foreach (var a in TrainArgs(data, killed)) psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            string state = Path.Combine(killed, "state.safetensors");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(state) && !p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
            Assert.False(p.HasExited, "the training process ended before it could be killed");
            p.Kill(entireProcessTree: true);   // SIGKILL
            p.WaitForExit();
        }
        int at = int.Parse(SafeTensorsFile.Read(Path.Combine(killed, "state.safetensors")).Metadata["iteration"]);
        log.WriteLine($"killed after the checkpoint at iteration {at}");
        Assert.InRange(at, 10, 299);   // killed mid-run, well before the end

        (exit, _, err) = CliRunner.Run("train", "--resume", killed);
        Assert.True(exit == 0, err);
        var a1 = SafeTensorsFile.Read(Path.Combine(straight, "model.safetensors")).Tensors;
        var b1 = SafeTensorsFile.Read(Path.Combine(killed, "model.safetensors")).Tensors;
        Assert.Equal(a1.Keys, b1.Keys);
        foreach (var (key, t) in a1) Assert.True(t.Data.AsSpan().SequenceEqual(b1[key].Data), $"{key} differs after kill + resume");
    }
}
