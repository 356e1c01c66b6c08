using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SharpSR.Serve.Jobs;
using Xunit;

namespace SharpSR.Serve.Tests;

/// <summary>The limits that keep the server up: token, upload size, queue, timeout, clients that leave, and settings refused at start.</summary>
public sealed class LimitTests
{
    private static ByteArrayContent Png(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString()!;
    }

    [Fact]
    public async Task With_a_token_the_api_needs_it_and_the_page_and_healthz_do_not()
    {
        using var factory = new ServeFactory(new ServeSettings { Token = "s3cret-token" });
        var client = factory.CreateClient();
        var response = await client.GetAsync("/api/models");
        Assert.Contains("Bearer", await ErrorOf(response, HttpStatusCode.Unauthorized));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        await ErrorOf(await client.PostAsync("/api/upscale?model=bicubic", Png(Samples.Astronaut)), HttpStatusCode.Unauthorized);
        await ErrorOf(await client.GetAsync("/openapi/v1.json"), HttpStatusCode.Unauthorized);

        var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-tokeN");
        Assert.Contains("wrong", await ErrorOf(await client.SendAsync(wrong), HttpStatusCode.Unauthorized));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/upscale?model=bicubic&scale=2", Png(Samples.Astronaut))).StatusCode);
        // The page's progress stream cannot send headers: the query carries the token there.
        var bare = factory.CreateClient();
        using var events = await bare.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/progress/abcdefgh123?token=s3cret-token"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
    }

    [Fact]
    public async Task Uploads_over_the_limit_are_413_raw_or_multipart()
    {
        using var factory = new ServeFactory(new ServeSettings { MaxUploadBytes = 16 * 1024 });
        var client = factory.CreateClient();
        Assert.True(Samples.Astronaut.Length > 16 * 1024);
        Assert.Contains("16 KB", await ErrorOf(await client.PostAsync("/api/upscale?model=bicubic", Png(Samples.Astronaut)), HttpStatusCode.RequestEntityTooLarge));
        using var form = new MultipartFormDataContent { { Png(Samples.Astronaut), "image", "a.png" } };
        await ErrorOf(await client.PostAsync("/api/upscale?model=bicubic", form), HttpStatusCode.RequestEntityTooLarge);
        // Without a declared length the body is counted as it arrives.
        var chunked = new StreamContent(new MemoryStream(Samples.Astronaut));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/upscale?model=bicubic") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await ErrorOf(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Images_over_the_pixel_limit_are_413()
    {
        using var factory = new ServeFactory(new ServeSettings { MaxPixels = 100 * 100 });
        var error = await ErrorOf(await factory.CreateClient().PostAsync("/api/upscale?model=bicubic", Png(Samples.Astronaut)), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("128x128", error);
    }

    [Fact]
    public async Task A_full_queue_is_503_with_retry_after_and_frees_when_jobs_end()
    {
        using var factory = new ServeFactory(new ServeSettings { Workers = 1, QueueLength = 0 });
        var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<JobQueue>();
        var held = queue.TryAdmit();
        Assert.NotNull(held);
        var response = await client.PostAsync("/api/upscale?model=bicubic", Png(Samples.Astronaut));
        Assert.Contains("queue is full", await ErrorOf(response, HttpStatusCode.ServiceUnavailable));
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        held!.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/upscale?model=bicubic&scale=2", Png(Samples.Astronaut))).StatusCode);
    }

    [Fact]
    public async Task A_request_waiting_past_the_timeout_is_503_and_leaves_the_queue()
    {
        using var factory = new ServeFactory(new ServeSettings { Workers = 1, Timeout = TimeSpan.FromMilliseconds(300) });
        var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<JobQueue>();
        using var gate = new ManualResetEventSlim();
        using var blockerSlot = queue.TryAdmit();
        var blocker = queue.RunAsync(_ => gate.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None);
        Assert.Contains("longer than", await ErrorOf(await client.PostAsync("/api/upscale?model=bicubic", Png(Samples.Astronaut)), HttpStatusCode.ServiceUnavailable));
        Assert.Equal(0, queue.Waiting);
        gate.Set();
        await blocker;
    }

    [Fact]
    public async Task A_client_that_goes_away_cancels_its_job()
    {
        using var factory = new ServeFactory(new ServeSettings { Workers = 1 });
        var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<JobQueue>();
        using var gate = new ManualResetEventSlim();
        using var blockerSlot = queue.TryAdmit();
        var blocker = queue.RunAsync(_ => gate.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None);
        using var leave = new CancellationTokenSource();
        var request = client.PostAsync("/api/upscale?model=bicubic", Png(Samples.Astronaut), leave.Token);
        await WaitFor(() => queue.Waiting == 1);
        leave.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await WaitFor(() => queue.Waiting == 0);   // its place in the queue is free again, before the worker is
        Assert.Equal(1, queue.Running);
        gate.Set();
        await blocker;
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting for the server");
            await Task.Delay(10);
        }
    }

    [Theory]
    [InlineData("0.0.0.0", null, "--token")]
    [InlineData("192.168.1.10", "", "--token")]
    [InlineData("example.com", "abcdefgh", "not an IP address")]
    [InlineData("127.0.0.1", "short", "at least 8")]
    public void Unsafe_settings_are_refused_before_listening(string host, string? token, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => new ServeSettings { Host = host, Token = token }.Validate());
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Loopback_needs_no_token_and_any_address_with_a_token_is_accepted()
    {
        new ServeSettings { Host = "127.0.0.1" }.Validate();
        new ServeSettings { Host = "::1" }.Validate();
        new ServeSettings { Host = "localhost" }.Validate();
        new ServeSettings { Host = "0.0.0.0", Token = "long-enough-token" }.Validate();
        Assert.Equal(Environment.ProcessorCount, new ServeSettings().ThreadsPerJob);
    }
}
