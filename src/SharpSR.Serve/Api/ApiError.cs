using System.IO;
using SharpSR.Imaging;

namespace SharpSR.Serve.Api;

/// <summary>The JSON body of every error: what went wrong, in one sentence, and the HTTP status again.</summary>
public sealed record ApiError(string Error, int Status);

/// <summary>A request the server refuses, with the status that says why.</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiException BadOption(string message) => new(StatusCodes.Status422UnprocessableEntity, message);

    /// <summary>
    /// The status for a failure of decoding or upscaling: too many pixels is 413, a format we cannot read 415,
    /// a damaged file 400, an image the network cannot take (too small) 422.
    /// </summary>
    public static ApiException FromImageError(Exception e) => e switch
    {
        InvalidDataException when RgbImage.IsTooLarge(e) => new(StatusCodes.Status413PayloadTooLarge, e.Message),
        NotSupportedException => new(StatusCodes.Status415UnsupportedMediaType, e.Message),
        InvalidDataException => new(StatusCodes.Status400BadRequest, "the image is damaged: " + e.Message),
        ArgumentException => new(StatusCodes.Status422UnprocessableEntity, e.Message.StartsWith("Upscale: ", StringComparison.Ordinal) ? e.Message["Upscale: ".Length..] : e.Message),
        _ => new(StatusCodes.Status500InternalServerError, "upscaling failed: " + e.Message),
    };
}
