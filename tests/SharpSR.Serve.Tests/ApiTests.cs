using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SharpSR.Imaging;
using SharpSR.Imaging.Resize;
using SharpSR.Serve.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace SharpSR.Serve.Tests;

/// <summary>Every route and every error status of the API, against the library's own results.</summary>
public sealed class ApiTests : IClassFixture<ServeFactory>
{
    private readonly ServeFactory _factory;
    private readonly HttpClient _client;

    public ApiTests(ServeFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
    }

    private static ByteArrayContent Png(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    private static async Task<(HttpStatusCode Status, string Error)> ErrorOf(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True("application/json" == response.Content.Headers.ContentType?.MediaType, $"{(int)response.StatusCode} {response.Content.Headers.ContentType}: {body}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)response.StatusCode, json.RootElement.GetProperty("status").GetInt32());
        return (response.StatusCode, json.RootElement.GetProperty("error").GetString()!);
    }

    [Fact]
    public async Task Healthz_reports_workers_and_queue()
    {
        var response = await _client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("workers").GetInt32());
        Assert.Equal(1 + _factory.Settings.QueueLength, json.RootElement.GetProperty("capacity").GetInt32());
    }

    [Fact]
    public async Task Models_lists_the_shipped_weights_and_bicubic_with_the_limits()
    {
        using var json = JsonDocument.Parse(await _client.GetStringAsync("/api/models"));
        Assert.Equal("s-lwsr16", json.RootElement.GetProperty("default").GetString());
        var models = json.RootElement.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal([2, 3, 4], models["s-lwsr16"].GetProperty("scales").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([4], models["s-lwsr32"].GetProperty("scales").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(models["s-lwsr16"].GetProperty("parameters").GetInt64() > 100_000);
        Assert.Contains("s-lwsr32", models.Keys);
        Assert.Equal([2, 3, 4], models["bicubic"].GetProperty("scales").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(_factory.Settings.MaxPixels, json.RootElement.GetProperty("limits").GetProperty("maxPixels").GetInt64());
    }

    [Fact]
    public async Task OpenApi_document_describes_the_routes_and_their_errors()
    {
        using var json = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json"));
        var paths = json.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/upscale", "/api/models", "/healthz", "/api/progress/{ticket}" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        var upscale = paths.GetProperty("/api/upscale").GetProperty("post");
        var responses = upscale.GetProperty("responses").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "200", "400", "401", "413", "415", "422", "503" }, responses);
        var parameters = upscale.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "model", "scale", "ensemble", "format", "quality", "ticket" }, parameters);
        var body = upscale.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "image/png", "image/jpeg", "application/octet-stream", "multipart/form-data" }, body);
    }

    [Fact]
    public async Task Page_and_its_assets_are_served_from_the_assembly_with_a_strict_policy()
    {
        var page = await _client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"app.js\"", html);
        Assert.DoesNotContain("http", html.Replace("http-equiv", ""), StringComparison.OrdinalIgnoreCase);   // nothing from elsewhere
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        foreach (var (asset, type) in new[] { ("app.js", "text/javascript"), ("app.css", "text/css"), ("icon.svg", "image/svg+xml") })
        {
            var r = await _client.GetAsync("/" + asset);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(type, r.Content.Headers.ContentType?.MediaType);
        }
        var again = new HttpRequestMessage(HttpMethod.Get, "/app.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", (await _client.GetAsync("/app.js")).Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(again)).StatusCode);
    }

    [Theory]
    [InlineData("/missing.js")]
    [InlineData("/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/api/nothing")]
    [InlineData("/SharpSR.Serve.dll")]
    public async Task Unknown_paths_are_404_in_json_and_never_reach_the_disk(string path)
    {
        var (status, error) = await ErrorOf(await _client.GetAsync(path));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Wrong_method_is_405_in_json()
    {
        var (status, _) = await ErrorOf(await _client.GetAsync("/api/upscale"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
    }

    [Fact]
    public async Task Raw_png_upscaled_by_s_lwsr16_equals_the_library_output()
    {
        var response = await _client.PostAsync("/api/upscale?model=s-lwsr16&scale=4", Png(Samples.Astronaut));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("512x512", response.Headers.GetValues("X-SharpSR-Size").Single());
        var got = ImageIO.Decode(await response.Content.ReadAsByteArrayAsync());
        var expected = Samples.Expected(ImageIO.Decode(Samples.Astronaut), "s-lwsr16", 4);
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (got.Width, got.Height, got.Channels));
        Assert.Equal(expected.Pixels, got.Pixels);
    }

    /// <summary>`serve --conv direct`: the server's plans take the settings' options (the default is Winograd, as above).</summary>
    [Fact]
    public async Task Server_with_direct_convolutions_equals_the_library_direct_path()
    {
        var direct = new SharpSR.Core.Lowering.PlanOptions(SharpSR.Core.Lowering.ConvAlgorithm.Direct);
        using var factory = new ServeFactory(new ServeSettings { PlanOptions = direct });
        var response = await factory.CreateClient().PostAsync("/api/upscale?model=s-lwsr16&scale=4", Png(Samples.Astronaut));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var got = ImageIO.Decode(await response.Content.ReadAsByteArrayAsync());
        var lr = ImageIO.Decode(Samples.Astronaut);
        Assert.Equal(Samples.Expected(lr, "s-lwsr16", 4, planOptions: direct).Pixels, got.Pixels);
        Assert.NotEqual(Samples.Expected(lr, "s-lwsr16", 4).Pixels, got.Pixels);   // Winograd's rounding moves a few pixels by one level
    }

    [Fact]
    public async Task Multipart_upload_with_bicubic_x2_equals_matlab_bicubic_and_names_the_download()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("ignored"), "note");
        form.Add(Png(Samples.Astronaut), "image", "../../secret dir/astronaut_lr.png");
        var response = await _client.PostAsync("/api/upscale?model=bicubic&scale=2", form);
        Assert.True(HttpStatusCode.OK == response.StatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("astronaut_lr_x2.png", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var got = ImageIO.Decode(await response.Content.ReadAsByteArrayAsync());
        var expected = MatlabBicubic.Upscale(ImageIO.Decode(Samples.Astronaut), 2);
        Assert.Equal((256, 256), (got.Width, got.Height));
        Assert.Equal(expected.Pixels, got.Pixels);
    }

    [Fact]
    public async Task Jpeg_output_is_a_jpeg_of_the_upscaled_size()
    {
        var response = await _client.PostAsync("/api/upscale?model=bicubic&scale=3&format=jpeg&quality=80", Png(Samples.Astronaut));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xFF, 0xD8], bytes[..2]);
        var got = ImageIO.Decode(bytes);
        Assert.Equal((384, 384), (got.Width, got.Height));
    }

    [Theory]
    [InlineData("model=waifu2x", "unknown model")]
    [InlineData("model=..%2F..%2Fetc%2Fpasswd.safetensors", "unknown model")]
    [InlineData("model=%2Ftmp%2Fx.pth", "unknown model")]
    [InlineData("model=s-lwsr32&scale=3", "not available for s-lwsr32")]
    [InlineData("model=s-lwsr16&scale=four", "not available")]
    [InlineData("model=bicubic&ensemble=true", "ensemble")]
    [InlineData("ensemble=maybe", "true or false")]
    [InlineData("format=gif", "png or jpeg")]
    [InlineData("format=jpeg&quality=0", "1 to 100")]
    [InlineData("ticket=../x", "ticket")]
    public async Task Bad_options_are_422_with_the_reason(string query, string reason)
    {
        var (status, error) = await ErrorOf(await _client.PostAsync("/api/upscale?" + query, Png(Samples.Astronaut)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains(reason, error);
    }

    [Fact]
    public async Task A_damaged_png_is_400()
    {
        var truncated = Samples.Astronaut[..(Samples.Astronaut.Length / 2)];
        var (status, error) = await ErrorOf(await _client.PostAsync("/api/upscale?model=bicubic", Png(truncated)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("damaged", error);
    }

    [Fact]
    public async Task An_empty_body_or_a_form_without_a_file_is_400()
    {
        var (status, _) = await ErrorOf(await _client.PostAsync("/api/upscale", Png([])));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        using var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        (status, var error) = await ErrorOf(await _client.PostAsync("/api/upscale", form));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no file", error);
    }

    [Fact]
    public async Task Random_bytes_and_non_image_content_types_are_415()
    {
        var noise = new byte[4096];
        new Random(7).NextBytes(noise);
        var (status, error) = await ErrorOf(await _client.PostAsync("/api/upscale", Png(noise)));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("not an image", error);
        (status, _) = await ErrorOf(await _client.PostAsync("/api/upscale", new StringContent("{\"image\": 1}", System.Text.Encoding.UTF8, "application/json")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    [Fact]
    public async Task A_decompression_bomb_header_is_413_before_any_decoding()
    {
        var bomb = Samples.PngHeaderOnly(100_000, 100_000);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var (status, error) = await ErrorOf(await _client.PostAsync("/api/upscale?model=bicubic", Png(bomb)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("100000x100000", error);
        // 10^10 pixels were never allocated: the header alone decided.
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64L * 1024 * 1024);
    }

    [Fact]
    public async Task Progress_events_follow_a_ticketed_job_to_done()
    {
        string ticket = "test-" + Guid.NewGuid().ToString("N");
        using var events = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/progress/{ticket}"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        var upscale = _client.PostAsync($"/api/upscale?model=s-lwsr16&ensemble=true&ticket={ticket}", Png(Samples.Astronaut));
        var stages = new List<JsonElement>();
        using (var reader = new StreamReader(await events.Content.ReadAsStreamAsync()))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                var e = JsonDocument.Parse(line["data: ".Length..]).RootElement;
                stages.Add(e);
                if (e.GetProperty("stage").GetString() is "done" or "failed") break;
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await upscale).StatusCode);
        var names = stages.Select(s => s.GetProperty("stage").GetString()).ToList();
        Assert.Equal("done", names[^1]);
        // The x8 ensemble reports each of its 8 passes.
        var tiles = stages.Where(s => s.GetProperty("stage").GetString() == "upscaling").ToList();
        Assert.NotEmpty(tiles);
        Assert.All(tiles, t => Assert.Equal(8, t.GetProperty("total").GetInt32()));
        Assert.True(tiles.Select(t => t.GetProperty("done").GetInt32()).SequenceEqual(tiles.Select(t => t.GetProperty("done").GetInt32()).Order()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ErrorOf(await _client.GetAsync("/api/progress/bad!ticket"))).Status);
    }
}
