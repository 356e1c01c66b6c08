using SharpSR.Cli;
using SharpSR.Imaging;
using SharpSR.Testing;
using SharpSR.Training.Tests;
using Xunit;

namespace SharpSR.Distributed.Tests;

/// <summary>`mpirun -np 2 sharpsr upscale DIR -o OUT`: the files split over the ranks, every good one written, one summary.</summary>
[Collection("mpirun")]
public class DistributedUpscaleTests(ITestOutputHelper log)
{
    [Fact]
    public void TwoRanks_Folder_SameFilesAsOneProcess_BadFileReportedOthersWritten()
    {
        Mpirun.Require();
        string input = TestData.NewTempDir("sharpsr-mpi-up");
        int[][] sizes = [[40, 30], [24, 24], [56, 36], [20, 28], [32, 32]];
        for (int i = 0; i < sizes.Length; i++) ImageIO.Save(SyntheticImages.Make(sizes[i][0], sizes[i][1], i + 1), Path.Combine(input, $"i{i}.png"));
        File.WriteAllBytes(Path.Combine(input, "bad.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 1, 2, 3]);

        string single = Path.Combine(TestData.NewTempDir(), "out"), ranks = Path.Combine(TestData.NewTempDir(), "out");
        var stderr = new StringWriter();
        Assert.Equal(1, Program.Run(["upscale", input, "-o", single], new StringWriter(), stderr));

        var (exit, output, err) = Mpirun.Run(2, TimeSpan.FromMinutes(4), "upscale", input, "-o", ranks);
        log.WriteLine(output + err);
        Assert.NotEqual(0, exit);
        Assert.Matches(@"2 ranks x \d+ thread\(s\); images per rank, balanced by pixel count: \d, \d", output);
        Assert.Single(err.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal) && l.Contains("bad.png"));
        Assert.Single(err.Split('\n'), l => l.StartsWith("error: 1 of 6 images failed", StringComparison.Ordinal));
        var written = Directory.GetFiles(ranks).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Enumerable.Range(0, sizes.Length).Select(i => $"i{i}.png"), written);
        foreach (var name in written)
            Assert.True(File.ReadAllBytes(Path.Combine(single, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(ranks, name!))), $"{name} differs from one process's");
    }
}
