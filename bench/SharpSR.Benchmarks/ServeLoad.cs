using System.Diagnostics;
using System.Net.Http.Headers;
using SharpSR.Imaging;
using SharpSR.Inference;

namespace SharpSR.Benchmarks;

/// <summary>
/// Load on a running `sharpsr serve` (loopback only): N requests at concurrency C, a third of them hostile.
/// Every valid answer must be the library's own output, pixel for pixel; every hostile one its exact error
/// status. Prints latency percentiles per kind; the script around it measures the server's peak memory.
/// </summary>
public static class ServeLoad
{
    private sealed record Case(string Name, string Query, byte[] Body, string ContentType, int Status, RgbImage? Expected);

    public static int Run(string[] args)
    {
        string url = Arg(args, "--url") ?? "http://127.0.0.1:5080";
        int requests = int.Parse(Arg(args, "--requests") ?? "200"), concurrency = int.Parse(Arg(args, "--concurrency") ?? "8");
        int uploadLimitMb = int.Parse(Arg(args, "--max-upload-mb") ?? "50");
        string weights = Arg(args, "--weights") ?? "models/s-lwsr16_x4.safetensors";
        var uri = new Uri(url);
        if (!uri.IsLoopback) { Console.Error.WriteLine("error: the load run talks to loopback servers only"); return 2; }

        var sample = File.ReadAllBytes("samples/astronaut_lr.png");
        var lr = ImageIO.Decode(sample);
        var small = Crop(lr, 64, 48);
        var smallPng = Png(small);
        var large = File.ReadAllBytes("samples/astronaut.png");
        var network = ModelCatalog.Load(weights, 4);
        var valid = new[]
        {
            new Case("s-lwsr16 x4 128x128", "model=s-lwsr16&scale=4", sample, "image/png", 200, AsServed(network, lr)),
            new Case("s-lwsr16 x4 64x48", "model=s-lwsr16&scale=4", smallPng, "image/png", 200, AsServed(network, small)),
            new Case("s-lwsr16 x4 512x512 (tiled)", "model=s-lwsr16&scale=4", large, "image/png", 200, AsServed(network, ImageIO.Decode(large))),
            new Case("bicubic x2 128x128", "model=bicubic&scale=2", sample, "image/png", 200, ModelCatalog.Load("bicubic", 2).Upscale(lr)),
            new Case("bicubic x3 64x48", "model=bicubic&scale=3", smallPng, "application/octet-stream", 200, ModelCatalog.Load("bicubic", 3).Upscale(small)),
        };
        var noise = new byte[64 * 1024];
        new Random(1).NextBytes(noise);
        var hostile = new[]
        {
            new Case("truncated PNG", "model=bicubic", sample[..(sample.Length / 3)], "image/png", 400, null),
            new Case("100000x100000 header", "model=s-lwsr16", BombHeader(100_000, 100_000), "image/png", 413, null),
            new Case("random bytes", "model=s-lwsr16", noise, "image/png", 415, null),
            new Case("oversized upload", "model=bicubic", new byte[(uploadLimitMb + 1) * 1024 * 1024], "image/png", 413, null),
            new Case("bad options", "model=s-lwsr16&scale=7&format=gif", sample, "image/png", 422, null),
            new Case("model named as a path", "model=..%2F..%2Fetc%2Fpasswd", sample, "image/png", 422, null),
        };
        // Request i: every third hostile, cycling through the kinds; the rest valid, cycling too.
        var plan = Enumerable.Range(0, requests).Select(i => i % 3 == 2 ? hostile[i / 3 % hostile.Length] : valid[(i - i / 3) % valid.Length]).ToList();

        using var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(120) };
        var latencies = new List<(Case Case, double Ms)>();
        var failures = new List<string>();
        int next = -1;
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < plan.Count && total.Elapsed < TimeSpan.FromMinutes(10))
            {
                var c = plan[i];
                var content = new ByteArrayContent(c.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue(c.ContentType);
                var watch = Stopwatch.StartNew();
                string? problem = null;
                try
                {
                    using var response = await http.PostAsync("/api/upscale?" + c.Query, content);
                    var bytes = await response.Content.ReadAsByteArrayAsync();
                    watch.Stop();
                    if ((int)response.StatusCode != c.Status) problem = $"{c.Name}: status {(int)response.StatusCode}, expected {c.Status}";
                    else if (c.Expected is { } expected && !ImageIO.Decode(bytes).Pixels.AsSpan().SequenceEqual(expected.Pixels)) problem = $"{c.Name}: pixels differ from the library's";
                    else if (c.Expected is null && response.Content.Headers.ContentType?.MediaType != "application/json") problem = $"{c.Name}: error is not JSON";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    problem = $"{c.Name}: {e.GetType().Name}: {e.Message}";
                }
                lock (latencies)
                {
                    latencies.Add((c, watch.Elapsed.TotalMilliseconds));
                    if (problem is not null) failures.Add(problem);
                }
            }
        })).ToArray();
        Task.WaitAll(workers);
        total.Stop();

        Console.WriteLine($"{latencies.Count} requests at concurrency {concurrency} in {total.Elapsed.TotalSeconds:0.0} s; {failures.Count} wrong");
        Report("valid (200, pixels = library)", latencies.Where(l => l.Case.Expected is not null).Select(l => l.Ms));
        Report("hostile (exact error status)", latencies.Where(l => l.Case.Expected is null).Select(l => l.Ms));
        foreach (var group in latencies.GroupBy(l => l.Case.Name)) Report("  " + group.Key, group.Select(l => l.Ms));
        foreach (var f in failures.Distinct().Take(20)) Console.WriteLine("WRONG " + f);
        return failures.Count == 0 && latencies.Count == requests ? 0 : 1;
    }

    /// <summary>The library's output with the tiling the server chooses for this size.</summary>
    private static RgbImage AsServed(ISrModel model, RgbImage lr) =>
        new NetworkModel(model.Name, model.Network!) { Tile = TilePolicy.For(model, lr.Width, lr.Height) }.Upscale(lr);

    private static void Report(string label, IEnumerable<double> ms)
    {
        var sorted = ms.Order().ToArray();
        if (sorted.Length == 0) return;
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"{label}: n={sorted.Length} p50 {P(0.5):0} ms, p95 {P(0.95):0} ms, max {sorted[^1]:0} ms");
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static RgbImage Crop(RgbImage image, int w, int h)
    {
        var crop = new RgbImage(w, h, image.Channels);
        for (int y = 0; y < h; y++)
            image.Pixels.AsSpan(y * image.Width * image.Channels, w * image.Channels).CopyTo(crop.Pixels.AsSpan(y * w * image.Channels));
        return crop;
    }

    private static byte[] Png(RgbImage image)
    {
        using var ms = new MemoryStream();
        SharpSR.Imaging.Png.PngEncoder.Encode(image, ms);
        return ms.ToArray();
    }

    /// <summary>A PNG signature and an IHDR chunk declaring w x h RGB pixels, nothing else.</summary>
    private static byte[] BombHeader(uint w, uint h)
    {
        var chunk = new byte[17];
        "IHDR"u8.CopyTo(chunk);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(4), w);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8), h);
        chunk[12] = 8; chunk[13] = 2;
        uint c = 0xFFFFFFFF;
        foreach (byte b in chunk) { c ^= b; for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1; }
        var file = new byte[8 + 4 + 17 + 4];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(file, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(8), 13);
        chunk.CopyTo(file, 12);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(29), ~c);
        return file;
    }
}
