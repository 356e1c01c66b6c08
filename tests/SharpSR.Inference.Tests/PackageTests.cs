using System.Diagnostics;
using System.Text.RegularExpressions;
using SharpSR.Imaging;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Inference.Tests;

/// <summary>
/// The `SharpSR` NuGet package as a user meets it: packed from this build, restored from a local folder into a
/// fresh console app whose Program.cs is the README's library sample, built and run on a real RGBA photo.
/// Bounded: each dotnet command gets 5 minutes; nothing is fetched from the network.
/// </summary>
public class PackageTests(ITestOutputHelper log)
{
    private static readonly string[] s_libraryProjects = ["SharpSR.Core", "SharpSR.Models", "SharpSR.Imaging", "SharpSR.Inference"];

    [Fact]
    public void ReadmeLibrarySample_BuildsAgainstThePackage_AndUpscales()
    {
        string config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string src = Path.Combine(TestData.RepoRoot, "src");
        foreach (var p in s_libraryProjects)
            if (!File.Exists(Path.Combine(src, p, "bin", config, "net10.0", p + ".dll")) || !File.Exists(Path.Combine(src, p, "obj", "project.assets.json")))
                Assert.Skip($"cannot pack without building: {p} has no {config} build (run `dotnet build -c {config}` first)");

        string dir = TestData.NewTempDir("sharpsr-pack");
        string feed = Directory.CreateDirectory(Path.Combine(dir, "feed")).FullName;
        string solution = Path.Combine(dir, "library.slnx");
        File.WriteAllText(solution, "<Solution>\n" + string.Concat(s_libraryProjects.Select(p => $"  <Project Path=\"{Path.Combine(src, p, p + ".csproj")}\" />\n")) + "</Solution>\n");
        Dotnet(dir, "pack", solution, "-c", config, "--no-build", "-o", feed);
        Assert.True(File.Exists(Path.Combine(feed, "SharpSR.0.1.0.nupkg")), "no SharpSR package was written");

        // The app: the README's sample as Program.cs, the package from the folder, other packages from the local cache.
        string app = Directory.CreateDirectory(Path.Combine(dir, "app")).FullName;
        File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeSample());
        File.WriteAllText(Path.Combine(app, "app.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SharpSR" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="cache" value="{cache}" />
              </packageSources>
            </configuration>
            """);
        // A packages folder of its own, so a stale copy of this version never comes from the user's cache.
        var env2 = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(dir, "packages") };
        Dotnet(app, env2, "build", "-c", "Release", "-o", Path.Combine(app, "out"));

        string output = Path.Combine(dir, "photo_x4.png");
        Dotnet(app, env2, Path.Combine(app, "out", "app.dll"), TestData.RequireFixture("photos/rgba.png"), output);
        var hr = ImageIO.Load(output);
        Assert.Equal((96, 72, 4), (hr.Width, hr.Height, hr.Channels));

        // The package is the inference library: no training code, no native codec came with it.
        var shipped = Directory.GetFiles(Path.Combine(app, "out")).Select(Path.GetFileName).ToList();
        Assert.Contains("SharpSR.Inference.dll", shipped);
        Assert.DoesNotContain("SharpSR.Training.dll", shipped);
        Assert.DoesNotContain(shipped, f => f!.Contains("Skia", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The first C# block under the README's "## Library" heading.</summary>
    private static string ReadmeSample()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"));
        int section = readme.IndexOf("\n## Library", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Library' section");
        var block = Regex.Match(readme[section..], "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the Library section has no C# block");
        return block.Groups[1].Value;
    }

    private void Dotnet(string workDir, params string[] args) => Dotnet(workDir, new Dictionary<string, string>(), args);

    private void Dotnet(string workDir, Dictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in env) start.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"`dotnet {string.Join(' ', args)}` did not finish in 5 minutes");
        }
        log.WriteLine($"dotnet {args[0]}: {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(p.ExitCode == 0, $"`dotnet {string.Join(' ', args)}` failed:\n{stdout.Result}\n{stderr.Result}");
    }
}
