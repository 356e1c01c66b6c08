using System.Diagnostics;
using SharpSR.Core.Serialization;
using Xunit;

namespace SharpSR.Core.Tests.Serialization;

public class AtomicFileTests
{
    private static string NewDir() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "sharpsr-atomic-" + Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public void FailedWrite_NamesTheTarget_NotTheHiddenTempFile_AndLeavesNothing()
    {
        string dir = NewDir();
        string target = Path.Combine(dir, "out.png");
        File.WriteAllText(target, "previous");
        // What the OS reports when the disk fills: the message names the file being written, i.e. the temp file.
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(target, s => throw new IOException($"No space left on device : '{((FileStream)s).Name}'")));
        Assert.Contains(target, e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
        Assert.Equal("previous", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(dir));
    }

    [Fact]
    public void FolderAsTarget_SaysSo()
    {
        string dir = NewDir();
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(dir, [1, 2, 3]));
        Assert.Contains("is a folder", e.Message);
    }

    [Fact]
    public void RemoveOrphans_RemovesOnlyOurTempFilesOfEndedProcesses()
    {
        string dir = NewDir();
        int dead;
        using (var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            p.WaitForExit();
            dead = p.Id;
        }
        string orphan = Path.Combine(dir, $".a.png.sharpsr-{dead}-00ff.tmp");
        string live = Path.Combine(dir, $".b.png.sharpsr-{Environment.ProcessId}-00ff.tmp");
        string foreign = Path.Combine(dir, ".c.png.tmp");
        string result = Path.Combine(dir, "d.png");
        foreach (var f in new[] { orphan, live, foreign, result }) File.WriteAllText(f, "x");

        Assert.Equal([orphan], AtomicFile.RemoveOrphans(dir));
        Assert.Equal(new[] { foreign, live, result }.Order(), Directory.GetFiles(dir).Order());
    }

    [Fact]
    public void TempFiles_AreRecognisable()
    {
        string dir = NewDir();
        string? seen = null;
        AtomicFile.Write(Path.Combine(dir, "x.bin"), s => seen = ((FileStream)s).Name);
        Assert.True(AtomicFile.IsTempFile(seen!));
        Assert.False(AtomicFile.IsTempFile(Path.Combine(dir, "x.bin")));
    }
}
