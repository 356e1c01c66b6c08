using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace SharpSR.Serve.Api;

/// <summary>An uploaded image: its bytes and the name the client gave it (only ever used to name the download).</summary>
public sealed record Upload(byte[] Bytes, string? FileName);

/// <summary>
/// Reads the image of a request into memory, never past the upload limit: a raw body (image/* or
/// application/octet-stream) or the first file of a multipart form. Nothing touches the disk.
/// </summary>
public static class UploadReader
{
    public static async Task<Upload> ReadAsync(HttpRequest request, long limit, CancellationToken cancel)
    {
        if (request.ContentLength > limit) throw TooLarge(limit);
        var type = request.ContentType is { } ct && MediaTypeHeaderValue.TryParse(ct, out var parsed) ? parsed : null;
        string media = type?.MediaType.Value?.ToLowerInvariant() ?? "";
        if (media == "multipart/form-data")
        {
            var boundary = HeaderUtilities.RemoveQuotes(type!.Boundary).Value;
            if (string.IsNullOrEmpty(boundary)) throw new ApiException(StatusCodes.Status400BadRequest, "the multipart form has no boundary");
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = limit + 64 * 1024 };
            try
            {
                while (await reader.ReadNextSectionAsync(cancel).ConfigureAwait(false) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()) continue;
                    string? name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    return new Upload(await ReadLimited(section.Body, limit, cancel).ConfigureAwait(false), name);
                }
            }
            catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
            {
                throw TooLarge(limit);
            }
            catch (Exception e) when (e is InvalidDataException or IOException and not BadHttpRequestException)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "the multipart form could not be read: " + e.Message);
            }
            throw new ApiException(StatusCodes.Status400BadRequest, "the multipart form holds no file: send the image as a file field (e.g. image=@photo.png)");
        }
        if (media.StartsWith("image/", StringComparison.Ordinal) || media is "application/octet-stream" or "")
        {
            var bytes = await ReadLimited(request.Body, limit, cancel).ConfigureAwait(false);
            if (bytes.Length == 0) throw new ApiException(StatusCodes.Status400BadRequest, "the request has no body: send the image as the body or as a multipart file");
            return new Upload(bytes, null);
        }
        throw new ApiException(StatusCodes.Status415UnsupportedMediaType, $"content type '{UpscaleOptions.Shorten(media)}' is not an image: send image/png, image/jpeg, application/octet-stream or multipart/form-data");
    }

    private static async Task<byte[]> ReadLimited(Stream body, long limit, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = await body.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit) throw TooLarge(limit);
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static ApiException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"the upload is larger than the server's {FormatBytes(limit)} limit");

    internal static string FormatBytes(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MB" : $"{bytes / 1024.0:0.#} KB";
}
