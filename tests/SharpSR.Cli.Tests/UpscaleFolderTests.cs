using System.Diagnostics;
using SharpSR.Imaging;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>Folder runs that never lose work (issue 18): every refusal happens before any output is written.</summary>
public class UpscaleFolderTests
{
    private static (string In, string Out, string Model) Setup(params string[] names)
    {
        string root = TestData.NewTempDir();
        string input = Directory.CreateDirectory(Path.Combine(root, "in")).FullName;
        for (int i = 0; i < names.Length; i++) CliFiles.Image(Path.Combine(input, names[i]), 20 + i, 14, seed: i);
        return (input, Path.Combine(root, "out"), CliFiles.TinyModel(Path.Combine(root, "tiny.safetensors")));
    }

    private static (int Exit, string Out, string Err) Upscale(string model, params string[] args) =>
        CliRunner.Run(["upscale", .. args, "--model", model]);

    [Fact]
    public void BareFileNames_InTheCurrentFolder_GoIntoTheOutputFolder()
    {
        // `sharpsr upscale a.png b.png -o out` run where the images are: names with no folder part.
        string name = $"bare-{Guid.NewGuid():N}.png";
        string output = Path.Combine(TestData.NewTempDir(), "out");
        File.WriteAllText(name, "");
        try
        {
            var jobs = Commands.UpscalePlan.Create([name, TestData.RequireFixture("photos/rgba.png")], output, "x4");
            Assert.Equal(Path.Combine(output, name), jobs[0].Destination);
            Assert.Equal(Path.Combine(output, "rgba.png"), jobs[1].Destination);
        }
        finally
        {
            File.Delete(name);
        }
    }

    [Fact]
    public void Folder_NameCollision_RefusedBeforeAnythingRuns()
    {
        var (input, output, model) = Setup("one.bmp", "one.png", "two.png");
        var (exit, _, err) = Upscale(model, input, "-o", output);
        Assert.Equal(1, exit);
        Assert.Single(CliFiles.Lines(err));
        Assert.Contains("one.bmp", err);
        Assert.Contains("one.png", err);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output).Any(), "nothing may be written when names collide");
    }

    [Fact]
    public void Folder_ExistingOutputs_NeedOverwriteOrSkipExisting()
    {
        var (input, output, model) = Setup("a.png", "b.png");
        Directory.CreateDirectory(output);
        string kept = Path.Combine(output, "a.png");
        File.WriteAllText(kept, "earlier result");

        var (exit, _, err) = Upscale(model, input, "-o", output);
        Assert.Equal(1, exit);
        Assert.Contains("--overwrite", err);
        Assert.Equal("earlier result", File.ReadAllText(kept));
        Assert.False(File.Exists(Path.Combine(output, "b.png")), "a refused run writes nothing");

        (exit, var stdout, err) = Upscale(model, input, "-o", output, "--skip-existing");
        Assert.True(exit == 0, err);
        Assert.Equal("earlier result", File.ReadAllText(kept));
        Assert.Equal((84, 56), Size(Path.Combine(output, "b.png")));
        Assert.Contains("1 skipped", stdout);

        (exit, _, err) = Upscale(model, input, "-o", output, "--overwrite");
        Assert.True(exit == 0, err);
        Assert.Equal((80, 56), Size(kept));
    }

    [Fact]
    public void SingleImage_ExistingOutput_NotOverwrittenWithoutFlag()
    {
        var (input, output, model) = Setup("a.png");
        string dst = Path.Combine(Path.GetDirectoryName(input)!, "done.png");
        File.WriteAllText(dst, "keep me");
        var (exit, _, err) = Upscale(model, Path.Combine(input, "a.png"), "-o", dst);
        Assert.Equal(1, exit);
        Assert.Single(CliFiles.Lines(err));
        Assert.Equal("keep me", File.ReadAllText(dst));
    }

    [Theory]
    [InlineData("same file")]
    [InlineData("same folder")]
    public void InputIsNeverTheOutput(string kind)
    {
        var (input, _, model) = Setup("a.png", "b.png");
        string a = Path.Combine(input, "a.png");
        byte[] before = File.ReadAllBytes(a);
        var (exit, _, err) = kind == "same file"
            ? Upscale(model, a, "-o", a, "--overwrite")
            : Upscale(model, input, "-o", input, "--overwrite");
        Assert.Equal(1, exit);
        Assert.Contains("would overwrite an input", err);
        Assert.Equal(before, File.ReadAllBytes(a));
    }

    [Fact]
    public void SeveralInputs_OutputMustBeAFolder()
    {
        var (input, _, model) = Setup("a.png", "b.png");
        string file = Path.Combine(Path.GetDirectoryName(input)!, "result.png");
        var (exit, _, err) = Upscale(model, Path.Combine(input, "a.png"), Path.Combine(input, "b.png"), "-o", file);
        Assert.Equal(1, exit);
        Assert.Contains("give a folder", err);
        Assert.False(Directory.Exists(file) || File.Exists(file));
    }

    [Fact]
    public void Folder_BadImage_ReportedAndTheRestWritten()
    {
        var (input, output, model) = Setup("a.png", "c.png");
        CliFiles.CorruptPng(Path.Combine(input, "b.png"));
        var (exit, _, err) = Upscale(model, input, "-o", output);
        Assert.Equal(1, exit);
        var lines = CliFiles.Lines(err);
        Assert.Equal(2, lines.Length);
        Assert.Contains("b.png", lines[0]);
        Assert.Contains("1 of 3 images failed", lines[1]);
        Assert.True(File.Exists(Path.Combine(output, "a.png")));
        Assert.True(File.Exists(Path.Combine(output, "c.png")));
        Assert.False(File.Exists(Path.Combine(output, "b.png")));
    }

    [Fact]
    public void Folder_OrphanedTempFilesOfADeadRun_AreRemoved_OthersKept()
    {
        var (input, output, model) = Setup("a.png");
        Directory.CreateDirectory(output);
        int deadPid = DeadProcessId();
        string orphan = Path.Combine(output, $".a.png.sharpsr-{deadPid}-0123456789abcdef.tmp");
        string live = Path.Combine(output, $".b.png.sharpsr-{Environment.ProcessId}-0123456789abcdef.tmp");
        string foreign = Path.Combine(output, ".someone-else.tmp");
        foreach (var f in new[] { orphan, live, foreign }) File.WriteAllText(f, "partial");

        var (exit, stdout, err) = Upscale(model, input, "-o", output);
        Assert.True(exit == 0, err);
        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(live), "a temp file of a running writer is not an orphan");
        Assert.True(File.Exists(foreign), "only SharpSR's own temp files are removed");
        Assert.Contains("removed 1 unfinished temp file", stdout);
    }

    [Fact]
    public void NotATerminal_PrintsOneLineProgress()
    {
        var (input, output, model) = Setup("a.png", "b.png", "c.png");
        var interval = Progress.PlainInterval;
        Progress.PlainInterval = TimeSpan.Zero;   // every report, so the test need not wait
        try
        {
            var (exit, stdout, err) = Upscale(model, input, "-o", output);
            Assert.True(exit == 0, err);
            Assert.Contains("progress: 3/3 images (", stdout);
            Assert.Contains("a.png 20x14: 100% (1/1 tiles)", stdout);
        }
        finally
        {
            Progress.PlainInterval = interval;
        }
    }

    [Fact]
    public void Folder_OutputFolderInsideInput_IsNotReadBackAsInput()
    {
        var (input, _, model) = Setup("a.png");
        string output = Path.Combine(input, "x4");
        Assert.Equal(0, Upscale(model, input, "-o", output).Exit);
        var (exit, stdout, err) = Upscale(model, input, "-o", output, "--skip-existing");
        Assert.True(exit == 0, err);
        Assert.Contains("0 image(s) (1 skipped", stdout);
        Assert.False(Directory.Exists(Path.Combine(output, "x4")));
    }

    private static (int, int) Size(string path)
    {
        var img = ImageIO.Load(path);
        return (img.Width, img.Height);
    }

    private static int DeadProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }
}
