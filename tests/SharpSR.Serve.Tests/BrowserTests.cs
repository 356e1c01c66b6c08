using System.IO.Compression;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using SharpSR.Imaging;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Serve.Tests;

/// <summary>
/// The page end to end in a real headless Chromium (Debian's, through Playwright, which cannot download its
/// own browsers here) against the real Kestrel server on a free loopback port.
/// </summary>
public sealed class BrowserTests
{
    private static string ChromiumPath => Environment.GetEnvironmentVariable("SHARPSR_CHROMIUM") is { Length: > 0 } env ? env : "/usr/bin/chromium";

    [Fact]
    public async Task The_page_upscales_the_sample_shows_before_and_after_and_downloads_everything()
    {
        Assert.SkipUnless(File.Exists(ChromiumPath),
            $"browser test skipped: no Chromium at {ChromiumPath} (apt-get install -y chromium, or set SHARPSR_CHROMIUM)");
        var (host, address) = await ServeHost.StartAsync(new ServeSettings { Port = 0 }, typeof(ServeFactory).Assembly);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
            var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, AcceptDownloads = true });
            var page = await context.NewPageAsync();
            var problems = new List<string>();
            page.PageError += (_, e) => problems.Add(e);
            page.Console += (_, m) => { if (m.Type == "error") problems.Add(m.Text); };

            await page.GotoAsync(address.ToString());
            await page.WaitForFunctionAsync("document.querySelectorAll('#model option').length > 0");
            Assert.Equal("s-lwsr16", await page.InputValueAsync("#model"));
            Assert.Equal("4", await page.InputValueAsync("#scale"));

            await page.SetInputFilesAsync("#file-input", Samples.AstronautPath);
            await page.WaitForSelectorAsync(".item[data-state=done]", new() { Timeout = 120_000 });
            await page.WaitForFunctionAsync("document.getElementById('after').complete && document.getElementById('after').naturalWidth > 0");
            var size = await page.EvalOnSelectorAsync<int[]>("#after", "img => [img.naturalWidth, img.naturalHeight]");
            Assert.Equal([512, 512], size);

            // The image the page shows (and offers for download) is the library's output, pixel for pixel.
            Assert.Equal(await page.GetAttributeAsync("#after", "src"), await page.GetAttributeAsync("#download-one", "href"));
            var single = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-one"));
            Assert.Equal("astronaut_lr_x4.png", single.SuggestedFilename);
            string singlePath = Path.Combine(TestData.NewTempDir("sharpsr-serve"), single.SuggestedFilename);
            await single.SaveAsAsync(singlePath);
            var expected = Samples.Expected(ImageIO.Decode(Samples.Astronaut), "s-lwsr16", 4);
            Assert.Equal(expected.Pixels, ImageIO.Load(singlePath).Pixels);

            // The slider moves the divide: a click a quarter of the way across, then the keyboard.
            Assert.Equal("inset(0px 0px 0px 50%)", await ClipOf(page));
            var box = (await page.Locator("#viewer").BoundingBoxAsync())!;
            await page.Mouse.ClickAsync(box.X + box.Width * 0.25f, box.Y + box.Height / 2);
            double value = double.Parse(await page.InputValueAsync("#compare"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(value, 20, 30);
            Assert.StartsWith("inset(0px 0px 0px 2", await ClipOf(page));
            await page.FocusAsync("#compare");
            for (int i = 0; i < 10; i++) await page.Keyboard.PressAsync("ArrowRight");
            Assert.True(double.Parse(await page.InputValueAsync("#compare"), System.Globalization.CultureInfo.InvariantCulture) > value);

            // Download all: a ZIP holding the result under the upload's name.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-all"));
            string zipPath = Path.Combine(TestData.NewTempDir("sharpsr-serve"), "all.zip");
            await download.SaveAsAsync(zipPath);
            using (var zip = ZipFile.OpenRead(zipPath))
            {
                var entry = Assert.Single(zip.Entries);
                Assert.Equal("astronaut_lr_x4.png", entry.FullName);
                using var ms = new MemoryStream();
                await using (var s = entry.Open()) await s.CopyToAsync(ms);
                Assert.Equal(expected.Pixels, ImageIO.Decode(ms.ToArray()).Pixels);
            }

            // The screenshot for the README, with the divide in the middle.
            await page.Locator("#compare").FillAsync("50");
            await page.Mouse.MoveAsync(0, 0);
            string shot = Environment.GetEnvironmentVariable("SHARPSR_UPDATE_DOCS") == "1"
                ? Path.Combine(TestData.RepoRoot, "docs", "serve.png")
                : Path.Combine(TestData.NewTempDir("sharpsr-serve"), "serve.png");
            await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
            Assert.Equal(1280, ImageIO.Load(shot).Width);

            // A file that is not an image fails in the queue with the server's reason, and the page carries on.
            string noise = Path.Combine(TestData.NewTempDir("sharpsr-serve"), "noise.png");
            var bytes = new byte[2048];
            new Random(3).NextBytes(bytes);
            await File.WriteAllBytesAsync(noise, bytes);
            await page.SetInputFilesAsync("#file-input", noise);
            var failed = await page.WaitForSelectorAsync(".item[data-state=failed] .detail");
            Assert.Contains("not an image", await failed!.TextContentAsync());

            Assert.DoesNotContain(problems, p => !p.Contains("415", StringComparison.Ordinal));   // the refused upload logs its 415, nothing else may fail
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static Task<string> ClipOf(IPage page) => page.EvalOnSelectorAsync<string>("#after", "img => getComputedStyle(img).clipPath");
}
