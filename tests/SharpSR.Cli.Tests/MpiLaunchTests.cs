using SharpSR.Testing;
using SharpSR.Training.Tests;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>A plain `sharpsr train` or `upscale` (not started by mpirun) never loads SharpSR.Distributed nor libmpi.</summary>
public class MpiLaunchTests
{
    [Fact]
    public void TrainAndUpscale_OutsideMpirun_NeverLoadMpi()
    {
        Assert.False(Distributed.MpiLaunch.Detected, "this test must run outside mpirun");
        string data = SyntheticImages.WriteFolder(2, 32);
        string run = Path.Combine(TestData.NewTempDir(), "run");
        var (exit, _, err) = CliRunner.Run("train", "--data", data, "--run", run, "--model", "s-lwsr", "--model-options", """{"features":4}""",
                                           "--scale", "2", "--patch", "12", "--batch", "4", "--iterations", "2");
        Assert.True(exit == 0, err);
        (exit, _, err) = CliRunner.Run("upscale", Path.Combine(data, "img0.png"), "-o", Path.Combine(TestData.NewTempDir(), "x.png"));
        Assert.True(exit == 0, err);

        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "SharpSR.Distributed");
        if (File.Exists("/proc/self/maps")) Assert.DoesNotContain("libmpi", File.ReadAllText("/proc/self/maps"));
    }
}
