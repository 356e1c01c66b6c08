using System.ComponentModel;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using SharpSR.Serve.Api;
using SharpSR.Serve.Jobs;
using SharpSR.Serve.Page;

namespace SharpSR.Serve;

/// <summary>The server's services, middleware and routes: the same for Kestrel and for the in-process test host.</summary>
public static class ServeApp
{
    public static void AddServices(IServiceCollection services, ServeSettings settings, Assembly? weights, Action<string>? log)
    {
        var menu = new ModelMenu(weights, settings.PlanOptions);
        services.AddSingleton(settings);
        services.AddSingleton(menu);
        services.AddSingleton(new ServerLog(log));
        services.AddSingleton(_ => new JobQueue(settings.Workers, settings.QueueLength, settings.ThreadsPerJob, menu));
        services.AddSingleton<ProgressHub>();
        services.AddSingleton<UpscaleJobs>();
        services.AddSingleton<PageAssets>();
        services.AddRouting();
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "SharpSR";
            doc.Info.Description = "Upscale photos with lightweight super-resolution networks. Errors are JSON: {\"error\": \"...\", \"status\": N}. "
                                   + "When the server runs with a token, every /api call carries `Authorization: Bearer <token>`.";
            return Task.CompletedTask;
        }));
    }

    public static void Configure(IApplicationBuilder app)
    {
        app.Use(Errors);
        app.Use(Authorize);
        app.UseRouting();
        app.UseEndpoints(MapRoutes);
    }

    private static void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", (JobQueue queue, ProgressHub hub) => TypedResults.Ok(new Health("ok", queue.Workers, queue.Running, queue.Waiting, queue.Capacity)))
            .WithSummary("Liveness and load: workers, jobs running and waiting, queue capacity.");

        routes.MapGet("/api/models", (ModelMenu menu, ServeSettings settings) =>
                TypedResults.Ok(new ModelList(menu.Default, menu.Choices, new Limits(settings.MaxUploadBytes, settings.MaxPixels, (int)settings.Timeout.TotalSeconds))))
            .WithSummary("The models a request may name, their scales, and the server's limits.");

        routes.MapPost("/api/upscale", Upscale)
            .WithSummary("Upscale one image. Send it as the raw body (image/png, image/jpeg, application/octet-stream) or as a multipart file; options go in the query string.")
            // The body is read by hand (raw or multipart, never past the limit), so it is described here rather than bound.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "the image: PNG, JPEG, BMP or PPM/PGM",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["image/png"] = new() { Schema = binary },
                        ["image/jpeg"] = new() { Schema = binary },
                        ["application/octet-stream"] = new() { Schema = binary },
                        ["multipart/form-data"] = new()
                        {
                            Schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema> { ["image"] = binary } },
                        },
                    },
                };
                return Task.CompletedTask;
            })
            .Produces(StatusCodes.Status200OK, contentType: "image/png", additionalContentTypes: ["image/jpeg"])
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ApiError>(StatusCodes.Status422UnprocessableEntity)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();

        routes.MapGet("/api/progress/{ticket}", Progress)
            .WithSummary("Server-sent events for the upscale request sent with the same ticket: queued, decoding, upscaling (tiles done of total), encoding, done or failed.")
            .Produces<ApiError>(StatusCodes.Status422UnprocessableEntity)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);

        routes.MapOpenApi("/openapi/v1.json");

        routes.MapGet("/", (PageAssets page, HttpContext http) => Asset(page, "index.html", http)).ExcludeFromDescription();
        routes.MapGet("/{name:regex(^[a-z0-9-]+\\.(js|css|svg)$)}", (string name, PageAssets page, HttpContext http) => Asset(page, name, http)).ExcludeFromDescription();
    }

    public sealed record Health(string Status, int Workers, int Running, int Waiting, int Capacity);
    public sealed record Limits(long MaxUploadBytes, long MaxPixels, int TimeoutSeconds);
    public sealed record ModelList(string Default, IReadOnlyList<ModelChoice> Models, Limits Limits);

    private static async Task<IResult> Upscale(
        HttpContext http, ServeSettings settings, ModelMenu menu, JobQueue queue, UpscaleJobs jobs,
        [Description("bicubic or a shipped network (GET /api/models); default: the first listed")] string? model,
        [Description("upscaling factor among the model's scales; default 4")] string? scale,
        [Description("true for the x8 self-ensemble: 8 passes, a little sharper")] string? ensemble,
        [Description("png (default) or jpeg")] string? format,
        [Description("JPEG quality 1..100 (default 92)")] string? quality,
        [Description("progress ticket (8..64 of A-Z a-z 0-9 - _) watched at /api/progress/{ticket}")] string? ticket)
    {
        var options = UpscaleOptions.Parse(menu, model, scale, ensemble, format, quality, ticket);
        using var admission = queue.TryAdmit()
            ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, $"the queue is full ({queue.Capacity} jobs); try again shortly");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var upload = await UploadReader.ReadAsync(http.Request, settings.MaxUploadBytes, timeout.Token);
            var result = await jobs.RunAsync(upload, options, timeout.Token);
            http.Response.Headers["X-SharpSR-Model"] = result.Model;
            http.Response.Headers["X-SharpSR-Scale"] = result.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["X-SharpSR-Size"] = $"{result.Width}x{result.Height}";
            return TypedResults.File(result.Bytes, result.MediaType, DownloadName(upload.FileName, result.Scale, options.Extension));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, $"the request took longer than the server's {settings.Timeout.TotalSeconds:0} s limit");
        }
    }

    private static IResult Progress(string ticket, ProgressHub hub, HttpContext http)
    {
        if (!ProgressHub.IsValidTicket(ticket)) throw ApiException.BadOption("ticket must be 8 to 64 letters, digits, '-' or '_'");
        if (!hub.CanWatch(ticket)) throw new ApiException(StatusCodes.Status503ServiceUnavailable, "too many progress streams are open; try again shortly");
        return TypedResults.ServerSentEvents(hub.Watch(ticket, http.RequestAborted));
    }

    /// <summary>A safe name for the download: the upload's base name (letters, digits, . - _ only) with the scale.</summary>
    internal static string DownloadName(string? uploaded, int scale, string extension)
    {
        string stem = Path.GetFileNameWithoutExtension(Path.GetFileName(uploaded ?? "") ?? "");
        stem = new string(stem.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').Take(80).ToArray()).Trim('.');
        return (stem.Length == 0 ? "image" : stem) + $"_x{scale}{extension}";
    }

    private static IResult Asset(PageAssets page, string name, HttpContext http)
    {
        if (page.Find(name) is not { } asset) return Error(StatusCodes.Status404NotFound, "no such page");
        var headers = http.Response.Headers;
        // The page talks to this server alone: no CDN, no inline script, nothing from elsewhere.
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch == asset.ETag) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(asset.Bytes, asset.MediaType);
    }

    private static JsonHttpResult<ApiError> Error(int status, string message) => TypedResults.Json(new ApiError(message, status), statusCode: status);

    /// <summary>Every failure becomes a JSON error with its status; the client going away ends the request quietly.</summary>
    private static async Task Errors(HttpContext http, Func<Task> next)
    {
        try
        {
            await next();
            // Unknown routes and wrong methods answer in JSON too.
            if (http.Response is { StatusCode: >= 400, HasStarted: false, ContentLength: null, ContentType: null })
                await Write(http, http.Response.StatusCode, http.Response.StatusCode switch
                {
                    404 => $"no route {http.Request.Path}",
                    405 => $"{http.Request.Method} is not allowed on {http.Request.Path}",
                    _ => $"the request was refused ({http.Response.StatusCode})",
                });
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client left: its job was cancelled, and no one is listening for an answer.
        }
        catch (ApiException e)
        {
            await Write(http, e.Status, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            int status = e.StatusCode;
            await Write(http, status, status == StatusCodes.Status413PayloadTooLarge
                ? $"the upload is larger than the server's {UploadReader.FormatBytes(http.RequestServices.GetRequiredService<ServeSettings>().MaxUploadBytes)} limit"
                : "the request could not be read: " + e.Message);
        }
        catch (Exception e)
        {
            http.RequestServices.GetRequiredService<ServerLog>().Write($"error: {http.Request.Method} {http.Request.Path}: {e.GetType().Name}: {e.Message}");
            await Write(http, StatusCodes.Status500InternalServerError, "internal error: " + e.Message);
        }
    }

    private static async Task Write(HttpContext http, int status, string message)
    {
        if (http.Response.HasStarted) return;
        http.Response.Clear();
        http.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable) http.Response.Headers.RetryAfter = "5";
        if (status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Bearer";
        await http.Response.WriteAsJsonAsync(new ApiError(message, status));
    }

    /// <summary>With a token, the API and its description answer only to requests that carry it; the page and /healthz stay open.</summary>
    private static Task Authorize(HttpContext http, Func<Task> next)
    {
        var settings = http.RequestServices.GetRequiredService<ServeSettings>();
        var path = http.Request.Path;
        bool guarded = path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi");
        if (settings.Token is not { Length: > 0 } token || !guarded) return next();
        string? given = null;
        var auth = http.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) given = auth["Bearer ".Length..].Trim();
        // EventSource cannot send headers: the progress stream may carry the token in the query.
        else if (http.Request.Query.TryGetValue("token", out var q)) given = q.ToString();
        if (given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token))) return next();
        throw new ApiException(StatusCodes.Status401Unauthorized,
            given is null ? "this server needs a token: send Authorization: Bearer <token>" : "the token is wrong");
    }
}

/// <summary>Where the server reports what the client cannot be told (unexpected failures).</summary>
public sealed class ServerLog(Action<string>? sink)
{
    public void Write(string line) => sink?.Invoke(line);
}
