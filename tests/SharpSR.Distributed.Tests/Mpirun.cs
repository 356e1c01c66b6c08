using System.Diagnostics;
using Xunit;

namespace SharpSR.Distributed.Tests;

/// <summary>Launches `mpirun -np N dotnet sharpsr.dll …` on this machine, or skips the test when Open MPI is not installed.</summary>
public static class Mpirun
{
    public static string Cli => Path.Combine(AppContext.BaseDirectory, "sharpsr.dll");

    /// <summary>mpirun from PATH; the test is skipped with a clear message when there is none.</summary>
    public static string Require()
    {
        string? found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);
        Assert.SkipWhen(found is null, "mpirun not found: install Open MPI (apt-get install openmpi-bin) to run the multi-rank tests");
        return found!;
    }

    public static ProcessStartInfo StartInfo(int ranks, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Require()) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        // Loopback on one machine, possibly as root (CI), possibly with fewer cores than ranks, in a container where
        // shared-memory single-copy (CMA) may be forbidden.
        psi.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        psi.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        psi.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        psi.Environment["OMPI_MCA_rmaps_base_oversubscribe"] = "1";
        foreach (var a in new[] { "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind-to", "none", "dotnet", Cli }.Concat(args))
            psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs to the end (at most <paramref name="timeout"/>) and returns the exit code and everything printed.</summary>
    public static (int Exit, string Out, string Err) Run(int ranks, TimeSpan timeout, params string[] args)
    {
        using var p = Process.Start(StartInfo(ranks, args))!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"mpirun -np {ranks} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds} s");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
