using Xunit;

namespace SharpSR.Testing;

/// <summary>
/// Where tests find their data: committed fixtures under tests/fixtures, and the benchmark sets and
/// authors' checkpoints that live outside the repository ($SHARPSR_DATA, or ../shared beside the
/// checkout). Tests that need the outside data skip with a message saying what is missing.
/// </summary>
public static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string FixturesDir => Path.Combine(RepoRoot, "tests", "fixtures");

    public static string Fixture(string name) => Path.Combine(FixturesDir, name);

    public static string? DatasetsDir =>
        Environment.GetEnvironmentVariable("SHARPSR_DATA") is { Length: > 0 } env && Directory.Exists(env) ? env
        : ExistingDir(Path.Combine(RepoRoot, "..", "shared", "datasets"));

    public static string? CheckpointsDir =>
        Environment.GetEnvironmentVariable("SHARPSR_CHECKPOINTS") is { Length: > 0 } env && Directory.Exists(env) ? env
        : ExistingDir(Path.Combine(RepoRoot, "..", "shared", "checkpoints"));

    /// <summary>The benchmark-set folder, or a skip of the calling test when it is absent.</summary>
    public static string RequireDatasets()
    {
        var dir = DatasetsDir;
        Assert.SkipWhen(dir is null, "benchmark datasets not found: set SHARPSR_DATA or place them at ../shared/datasets");
        return dir!;
    }

    /// <summary>A file among the authors' checkpoints, or a skip of the calling test when absent.</summary>
    public static string RequireCheckpoint(string fileName)
    {
        var dir = CheckpointsDir;
        string? path = dir is null ? null : Path.Combine(dir, fileName);
        Assert.SkipWhen(path is null || !File.Exists(path), $"checkpoint {fileName} not found: place the authors' files at ../shared/checkpoints or set SHARPSR_CHECKPOINTS");
        return path!;
    }

    /// <summary>A committed fixture; missing fixtures are a failure, not a skip (they are part of the repo).</summary>
    public static string RequireFixture(string name)
    {
        string path = Fixture(name);
        Assert.True(File.Exists(path), $"fixture {name} is missing: run the generator in tests/fixtures/gen (see its README)");
        return path;
    }

    /// <summary>A fresh empty folder under the system temp directory, deleted when the process ends is not guaranteed.</summary>
    public static string NewTempDir(string prefix = "sharpsr-test")
    {
        string dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string? ExistingDir(string path) => Directory.Exists(path) ? Path.GetFullPath(path) : null;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SharpSR.slnx"))) return dir.FullName;
        throw new InvalidOperationException("SharpSR.slnx not found above " + AppContext.BaseDirectory);
    }
}
