using System.IO.Compression;
using SharpSR.Imaging;
using SharpSR.Imaging.Jpeg;
using SharpSR.Imaging.Png;
using SharpSR.Inference;
using SharpSR.Serve.Api;

namespace SharpSR.Serve.Jobs;

/// <summary>An upscaled image, encoded, with what produced it.</summary>
public sealed record UpscaleResult(byte[] Bytes, string MediaType, int Width, int Height, string Model, int Scale);

/// <summary>
/// One request's way through the server: decode (the pixel limit is checked on the header, before any
/// pixel memory), wait for a worker, upscale in tiles with progress and cancellation, encode.
/// </summary>
public sealed class UpscaleJobs(ServeSettings settings, JobQueue queue, ProgressHub hub)
{
    public async Task<UpscaleResult> RunAsync(Upload upload, UpscaleOptions options, CancellationToken cancel)
    {
        string? ticket = options.Ticket;
        try
        {
            hub.Report(ticket, new JobProgress("decoding"));
            var lr = Decode(upload.Bytes, settings.MaxPixels);
            hub.Report(ticket, new JobProgress("queued", Ahead: queue.Waiting));
            var result = await queue.RunAsync(worker => Upscale(worker, lr, options, cancel), cancel).ConfigureAwait(false);
            hub.Report(ticket, new JobProgress("done", 1, 1));
            return result;
        }
        catch (Exception e)
        {
            hub.Report(ticket, new JobProgress("failed", Error: e is OperationCanceledException ? "cancelled" : e.Message));
            throw;
        }
    }

    /// <summary>Decodes an upload; <see cref="ApiException"/> with 415, 413 or 400 when it cannot.</summary>
    public static RgbImage Decode(byte[] file, long maxPixels)
    {
        if (ImageIO.Detect(file) is null)
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType,
                $"the upload is not an image SharpSR reads (supported: {string.Join(", ", ImageIO.Codecs.Select(c => c.Name))})");
        try
        {
            return ImageIO.Decode(file, maxPixels);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw ApiException.FromImageError(e);
        }
    }

    private UpscaleResult Upscale(JobQueue.Worker worker, RgbImage lr, UpscaleOptions options, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var loaded = worker.Model(options.Model, options.Scale);
        // Tiles keep a job's memory bounded whatever the image, and give progress and cancellation points.
        ISrModel model = loaded is NetworkModel { Network: { } net } nm
            ? new NetworkModel(loaded.Name, net) { Tile = TilePolicy.For(loaded, lr.Width, lr.Height), Ensemble = options.Ensemble, PlanOptions = nm.PlanOptions }
            : loaded;
        var progress = new Progress(options.Ticket, hub);
        RgbImage hr;
        try
        {
            hr = model.Upscale(lr, progress, cancel);
        }
        catch (ArgumentException e)
        {
            throw ApiException.FromImageError(e);
        }
        cancel.ThrowIfCancellationRequested();
        hub.Report(options.Ticket, new JobProgress("encoding", 1, 1));
        using var encoded = new MemoryStream();
        try
        {
            if (options.Format == "jpeg") JpegEncoder.Encode(hr, encoded, options.Quality);
            else PngEncoder.Encode(hr, encoded, CompressionLevel.Fastest);
        }
        catch (ArgumentException e)
        {
            throw ApiException.BadOption($"the result cannot be written as {options.Format}: {e.Message}");
        }
        return new UpscaleResult(encoded.ToArray(), options.MediaType, hr.Width, hr.Height, model.Name, model.Scale);
    }

    /// <summary>Relays tile progress to the ticket, synchronously (System.Progress would post to the thread pool out of order).</summary>
    private sealed class Progress(string? ticket, ProgressHub hub) : IProgress<UpscaleProgress>
    {
        public void Report(UpscaleProgress value) => hub.Report(ticket, new JobProgress("upscaling", value.Done, value.Total));
    }
}
