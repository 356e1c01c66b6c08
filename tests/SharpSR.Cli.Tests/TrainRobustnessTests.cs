using System.Globalization;
using System.Text.RegularExpressions;
using SharpSR.Core.Serialization;
using SharpSR.Testing;
using SharpSR.Training;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>`train` on imperfect data and settings: bad files skipped by name, typos refused, divergence stopped.</summary>
public class TrainRobustnessTests
{
    // x2 with 12-pixel LR patches: one HR patch is 24 pixels.
    private static string[] Args(string data, string run, params string[] overrides)
    {
        var options = new Dictionary<string, string>
        {
            ["--data"] = data, ["--run"] = run, ["--model"] = "s-lwsr", ["--model-options"] = """{"features":4}""", ["--scale"] = "2",
            ["--patch"] = "12", ["--batch"] = "2", ["--iterations"] = "2", ["--checkpoint-every"] = "1", ["--seed"] = "5",
        };
        for (int i = 0; i < overrides.Length; i += 2) options[overrides[i]] = overrides[i + 1];
        return ["train", .. options.SelectMany(o => new[] { o.Key, o.Value })];
    }

    private static string Folder(int good, bool corrupt, bool small)
    {
        string dir = TestData.NewTempDir("sharpsr-data");
        for (int i = 0; i < good; i++) CliFiles.Image(Path.Combine(dir, $"good{i}.png"), 40 + 4 * i, 36, seed: i);
        if (corrupt) CliFiles.CorruptPng(Path.Combine(dir, "broken.png"));
        if (small) CliFiles.Image(Path.Combine(dir, "tiny.png"), 20, 30);
        return dir;
    }

    private static string NewRun() => Path.Combine(TestData.NewTempDir(), "run");

    [Fact]
    public void Train_CorruptAndTooSmallImages_AreSkippedByNameAndCounted()
    {
        var (exit, stdout, err) = CliRunner.Run(Args(Folder(good: 2, corrupt: true, small: true), NewRun()));
        Assert.True(exit == 0, err);
        Assert.Contains("broken.png", err);
        Assert.StartsWith("skipped ", err);
        Assert.Contains("2 training images (1 smaller than one 24-pixel HR patch skipped, 1 unreadable skipped)", stdout);
    }

    [Fact]
    public void Train_NothingUsable_OneCleanLine()
    {
        string run = NewRun();
        var (exit, _, err) = CliRunner.Run(Args(Folder(good: 0, corrupt: true, small: true), run));
        Assert.Equal(1, exit);
        var lines = CliFiles.Lines(err);
        Assert.Equal("error: no usable training images", lines[^1][..32]);
        Assert.Contains("1 unreadable, 1 smaller than one 24-pixel HR patch", lines[^1]);
        Assert.DoesNotContain("Exception", err);
        Assert.False(Directory.Exists(run) && Directory.EnumerateFileSystemEntries(run).Any(), "the failed run left files behind");
    }

    [Theory]
    [InlineData("config")]
    [InlineData("model-options")]
    public void Train_UnknownJsonKey_IsRefusedByName(string where)
    {
        string run = NewRun();
        string[] args = where == "config"
            ? ["train", "--data", Folder(1, false, false), "--run", run, "--config", Config("""{"iterations":2,"patch":12,"scale":2,"model":"s-lwsr16"}""")]
            : Args(Folder(1, false, false), run, "--model-options", """{"featurs":4}""");
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(1, exit);
        Assert.Single(CliFiles.Lines(err));
        Assert.Contains(where == "config" ? "unknown key 'patch'" : "unknown key 'featurs'", err);
        Assert.DoesNotContain("System.", err);
        Assert.False(File.Exists(Path.Combine(run, Trainer.StateFile)));
    }

    private static string Config(string json)
    {
        string path = Path.Combine(TestData.NewTempDir(), "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Train_ConsoleLossIsTheLoggedMean()
    {
        string run = NewRun();
        string config = Config("""{"logEvery":3}""");
        var (exit, stdout, err) = CliRunner.Run(Args(Folder(2, false, false), run, "--config", config, "--iterations", "9", "--checkpoint-every", "9"));
        Assert.True(exit == 0, err);
        var printed = Regex.Matches(stdout, @"it (\d+)/9  loss (\d+\.\d+) \(mean of 3 it\)")
            .ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        var logged = Trainer.ReadLog(run);
        Assert.Equal([3, 6, 9], logged.Select(r => r.Iteration));
        Assert.Equal(logged.Select(r => r.Iteration), printed.Keys);
        foreach (var row in logged) Assert.Equal(Math.Round(row.Loss, 4), printed[row.Iteration], 6);
        // Three different means: the figures really come from the log, not from one step.
        Assert.Equal(3, printed.Values.Distinct().Count());
    }

    [Fact]
    public void Train_NonFiniteLoss_StopsWithOneLineAndKeepsTheLastGoodCheckpoint()
    {
        string run = NewRun();
        // A rate of 1e30 sends the weights to ~1e30 after one step; the next forward pass overflows.
        var (exit, _, err) = CliRunner.Run(Args(Folder(2, false, false), run, "--lr", "1e30", "--iterations", "20"));
        Assert.Equal(1, exit);
        Assert.Single(CliFiles.Lines(err));
        Assert.Matches(@"^error: training diverged: the (loss is (NaN|infinite)|weights are no longer finite) at iteration \d+", err);
        var state = SafeTensorsFile.Read(Path.Combine(run, Trainer.StateFile));
        int kept = int.Parse(state.Metadata["iteration"], CultureInfo.InvariantCulture);
        Assert.Contains($"the checkpoint of iteration {kept}", err);
        Assert.InRange(kept, 1, 19);
        foreach (var (name, t) in state.Tensors) Assert.True(t.Data.All(float.IsFinite), $"{name} holds a non-finite value");
        foreach (var (name, t) in SafeTensorsFile.Read(Path.Combine(run, Trainer.ModelFileName)).Tensors)
            Assert.True(t.Data.All(float.IsFinite), $"model.safetensors: {name} holds a non-finite value");
    }
}
