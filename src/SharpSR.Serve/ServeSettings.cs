using System.Net;

namespace SharpSR.Serve;

/// <summary>What `sharpsr serve` is told on its command line; <see cref="Validate"/> refuses unsafe or meaningless values.</summary>
public sealed record ServeSettings
{
    public const int DefaultPort = 5080;

    /// <summary>Default ceiling on an upload's decoded pixels: a 1920x1080 photo fits, a larger one is refused.</summary>
    public const long DefaultMaxPixels = 2048L * 1024;

    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = DefaultPort;

    /// <summary>Required on every API call when set (Authorization: Bearer, or ?token= for the page's progress stream).</summary>
    public string? Token { get; init; }

    public long MaxUploadBytes { get; init; } = 50L * 1024 * 1024;
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Jobs that run at once; the cores are shared out between them.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Requests that may wait for a worker; beyond that the server answers 503 at once.</summary>
    public int QueueLength { get; init; } = 16;

    /// <summary>Longest a request may take, waiting included; it is cancelled after that.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How the networks' plans compute their 3x3 convolutions (<c>--conv</c>, <c>--precision</c>; default Winograd F(4x4), fp32).</summary>
    public SharpSR.Core.Lowering.PlanOptions PlanOptions { get; init; } = SharpSR.Core.Lowering.PlanOptions.Default;

    /// <summary>Engine threads of one job: every core for one worker, an equal share for several.</summary>
    public int ThreadsPerJob => Math.Max(1, Environment.ProcessorCount / Workers);

    public bool IsLoopback => Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                              || IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip);

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line reason for settings the server must not start with.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port {Port} is out of range: 0 to 65535");
        if (!Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(Host, out _))
            throw new ArgumentException($"--host '{Host}' is not an IP address (use 127.0.0.1, 0.0.0.0, ::1, an interface's address, or localhost)");
        if (!IsLoopback && string.IsNullOrEmpty(Token))
            throw new ArgumentException($"--host {Host} is reachable from other machines: pass --token T, which every API call must then carry");
        if (Token is { Length: > 0 and < 8 }) throw new ArgumentException("--token must be at least 8 characters");
        if (Token is not null && Token.Any(c => c <= ' ' || c > '~')) throw new ArgumentException("--token may hold printable ASCII characters only, no spaces");
        if (MaxUploadBytes < 1024) throw new ArgumentException("--max-upload-mb must be positive");
        if (MaxPixels < 64 * 64) throw new ArgumentException($"--max-pixels {MaxPixels} is too small: at least {64 * 64}");
        if (Workers is < 1 or > 64) throw new ArgumentException($"--workers {Workers} is out of range: 1 to 64");
        if (QueueLength is < 0 or > 10000) throw new ArgumentException($"--queue {QueueLength} is out of range: 0 to 10000");
        if (Timeout <= TimeSpan.Zero) throw new ArgumentException("--timeout must be positive");
    }
}
