using System.Diagnostics;
using System.Globalization;

namespace SharpSR.Core.Serialization;

/// <summary>
/// Writes that never leave a half-written file: a temporary sibling, flushed, then renamed over the target.
/// The sibling is named <c>.NAME.sharpsr-PID-GUID.tmp</c>, so a later run can tell a temp file of a writer
/// that died (its process is gone) from one still being written, and remove it (<see cref="RemoveOrphans"/>).
/// </summary>
public static class AtomicFile
{
    private const string TempMarker = ".sharpsr-";
    private const string TempSuffix = ".tmp";

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var buffer = bytes.ToArray();
        Write(path, s => s.Write(buffer));
    }

    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"output folder '{dir}' does not exist");
        if (Directory.Exists(full)) throw new IOException($"'{path}' is a folder; give a file name");
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}{TempMarker}{Environment.ProcessId}-{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            // The temp file is an implementation detail: errors name the file the caller asked for.
            if (e is UnauthorizedAccessException) throw new IOException($"cannot write '{path}': permission denied", e);
            if (e is IOException && e is not FileNotFoundException and not DirectoryNotFoundException)
                throw new IOException($"cannot write '{path}': {e.Message.Replace($" : '{tmp}'", "").Replace(tmp, full)}", e);
            throw;
        }
    }

    /// <summary>True for a temp file this class names (whatever process wrote it).</summary>
    public static bool IsTempFile(string path) => TempWriter(path) is not null;

    /// <summary>
    /// Deletes the temp files in <paramref name="dir"/> (not its subfolders) left by writers whose process has
    /// ended, e.g. a run that was killed mid-write; temp files of running processes are left alone. Returns the
    /// paths removed.
    /// </summary>
    public static IReadOnlyList<string> RemoveOrphans(string dir)
    {
        var removed = new List<string>();
        if (!Directory.Exists(dir)) return removed;
        foreach (var file in Directory.EnumerateFiles(dir, "." + "*" + TempSuffix))
        {
            if (TempWriter(file) is not { } pid || IsRunning(pid)) continue;
            try
            {
                File.Delete(file);
                removed.Add(file);
            }
            catch (IOException) { /* another run removed it first */ }
        }
        return removed;
    }

    /// <summary>The writer's process id from a temp file name, or null when the name is not one of ours.</summary>
    private static int? TempWriter(string path)
    {
        string name = Path.GetFileName(path);
        if (!name.StartsWith('.') || !name.EndsWith(TempSuffix, StringComparison.Ordinal)) return null;
        int marker = name.LastIndexOf(TempMarker, StringComparison.Ordinal);
        if (marker <= 0) return null;
        var tail = name.AsSpan(marker + TempMarker.Length, name.Length - marker - TempMarker.Length - TempSuffix.Length);
        int dash = tail.IndexOf('-');
        return dash > 0 && int.TryParse(tail[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }   // no such process
        catch (InvalidOperationException) { return false; }
    }
}
