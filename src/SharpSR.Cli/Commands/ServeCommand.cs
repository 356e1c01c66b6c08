using System.CommandLine;
using System.Runtime.CompilerServices;
using SharpSR.Serve;

namespace SharpSR.Cli.Commands;

/// <summary>`sharpsr serve`: the upscaling page and HTTP API (SharpSR.Serve), until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create(CliOutput output)
    {
        var port = new Option<int>("--port") { Description = "TCP port (0 picks a free one)", DefaultValueFactory = _ => 5080 };
        var host = new Option<string>("--host") { Description = "address to listen on; anything but loopback needs --token", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = "secret every API call must carry (Authorization: Bearer T)" };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "largest upload in MB", DefaultValueFactory = _ => 50 };
        var maxPixels = new Option<long>("--max-pixels") { Description = "largest image in decoded pixels, checked on the header before decoding", DefaultValueFactory = _ => 2048L * 1024 };
        var workers = new Option<int>("--workers") { Description = "jobs that run at once (the cores are shared between them)", DefaultValueFactory = _ => 1 };
        var queue = new Option<int>("--queue") { Description = "requests that may wait for a worker before the server answers 503", DefaultValueFactory = _ => 16 };
        var timeout = new Option<int>("--timeout") { Description = "seconds one request may take, waiting included", DefaultValueFactory = _ => 300 };
        var cmd = new Command("serve", "A local web page and HTTP API for upscaling") { port, host, token, maxUpload, maxPixels, workers, queue, timeout };
        var planChoice = new PlanChoiceOptions();
        planChoice.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            if (r.GetValue(maxUpload) is < 1 or > 4096) throw new ArgumentException($"--max-upload-mb {r.GetValue(maxUpload)} is out of range: 1 to 4096");
            if (r.GetValue(timeout) < 1) throw new ArgumentException($"--timeout {r.GetValue(timeout)} must be at least 1 second");
            var plan = planChoice.Read(r, output);
            return Run(output, r.GetValue(host)!, r.GetValue(port), r.GetValue(token), r.GetValue(maxUpload), r.GetValue(maxPixels), r.GetValue(workers), r.GetValue(queue), r.GetValue(timeout), plan);
        }));
        return cmd;
    }

    // Kept out of Create so that ASP.NET's assemblies load only when a server really starts.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Run(CliOutput output, string host, int port, string? token, int maxUploadMb, long maxPixels, int workers, int queue, int timeoutSeconds,
        SharpSR.Core.Lowering.PlanOptions planOptions)
    {
        var settings = new ServeSettings
        {
            Host = host, Port = port, Token = string.IsNullOrEmpty(token) ? null : token,
            MaxUploadBytes = maxUploadMb * 1024L * 1024, MaxPixels = maxPixels, Workers = workers, QueueLength = queue,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds), PlanOptions = planOptions,
        };
        settings.Validate();
        ServeHost.Run(settings, typeof(ServeCommand).Assembly,
            address => output.Out.WriteLine($"SharpSR serving on {address} ({settings.Workers} worker(s) x {settings.ThreadsPerJob} thread(s), queue {settings.QueueLength}, "
                                            + $"uploads up to {maxUploadMb} MB and {settings.MaxPixels:N0} pixels{(settings.Token is null ? "" : ", token required")}); Ctrl+C stops"),
            line => output.Error.WriteLine(line));
        return 0;
    }
}
