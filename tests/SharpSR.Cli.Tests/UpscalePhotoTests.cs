using System.Diagnostics;
using SharpSR.Imaging;
using SharpSR.Imaging.Metadata;
using SharpSR.Imaging.Png;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Cli.Tests;

/// <summary>
/// `sharpsr upscale` on real photo files (tests/fixtures/photos, written by Pillow): alpha, 16-bit, EXIF and ICC,
/// WebP/GIF through the optional Skia codecs, sizes that are not a native factor.
/// </summary>
public class UpscalePhotoTests
{
    private static string Photo(string name) => TestData.RequireFixture("photos/" + name);

    private static (string Dir, string Model) Setup()
    {
        string dir = TestData.NewTempDir();
        return (dir, CliFiles.TinyModel(Path.Combine(dir, "tiny.safetensors")));
    }

    private static string Upscale(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(["upscale", .. args]);
        Assert.True(exit == 0, err);
        return err;
    }

    [Theory]
    [InlineData("rgba.png", 4)]
    [InlineData("la.png", 2)]
    public void AlphaImages_KeepTheirChannels(string name, int channels)
    {
        string output = Path.Combine(TestData.NewTempDir(), "out.png");
        Upscale(Photo(name), "-o", output);   // the shipped s-lwsr16: a trained network keeps the shapes
        var lr = ImageIO.Load(Photo(name));
        var hr = ImageIO.Load(output);
        Assert.Equal((lr.Width * 4, lr.Height * 4, channels), (hr.Width, hr.Height, hr.Channels));
        // The transparent hole is still there, and so is the opaque left edge.
        Assert.Contains(Enumerable.Range(0, hr.Width * hr.Height), i => hr.Pixels[i * channels + channels - 1] < 64);
        Assert.Contains(Enumerable.Range(0, hr.Width * hr.Height), i => hr.Pixels[i * channels + channels - 1] > 192);
    }

    [Fact]
    public void SixteenBitPng_ComesOutSixteenBit()
    {
        var (dir, model) = Setup();
        string output = Path.Combine(dir, "out.png");
        Upscale(Photo("deep16.png"), "-o", output, "--model", model);
        var raw = PngDecoder.DecodeRaw(File.ReadAllBytes(output));
        Assert.Equal((16, 80, 56), (raw.BitDepth, raw.Width, raw.Height));
        Assert.Contains(raw.Samples, v => v % 257 != 0);   // not 8-bit values widened
    }

    [Fact]
    public void ExifRotatedJpeg_ComesOutUpright_WithItsMetadata_UnlessStripped()
    {
        var (dir, model) = Setup();
        string kept = Path.Combine(dir, "kept.jpg"), png = Path.Combine(dir, "kept.png"), stripped = Path.Combine(dir, "stripped.jpg");
        Upscale(Photo("exif_rot6.jpg"), "-o", kept, "--model", model);
        Upscale(Photo("exif_rot6.jpg"), "-o", png, "--model", model);
        Upscale(Photo("exif_rot6.jpg"), "-o", stripped, "--model", model, "--strip-metadata");
        var icc = File.ReadAllBytes(Photo("srgb.icc"));
        foreach (var path in new[] { kept, png })
        {
            var hr = ImageIO.Load(path);
            Assert.Equal((64, 128), (hr.Width, hr.Height));   // stored 32x16, upright 16x32, x4
            Assert.Equal(icc, hr.Metadata.Icc);
            Assert.Equal(1, ExifOrientation.ParseTiff(hr.Metadata.Exif));
            Assert.Contains("SharpSR fixture camera", System.Text.Encoding.ASCII.GetString(hr.Metadata.Exif!));
        }
        var bare = ImageIO.Load(stripped);
        Assert.Equal((64, 128), (bare.Width, bare.Height));
        Assert.True(bare.Metadata.IsEmpty);
    }

    [Fact]
    public void IccTaggedPng_KeepsItsProfile()
    {
        var (dir, model) = Setup();
        string output = Path.Combine(dir, "out.png");
        Upscale(Photo("icc.png"), "-o", output, "--model", model);
        Assert.Equal(File.ReadAllBytes(Photo("srgb.icc")), ImageIO.Load(output).Metadata.Icc);
    }

    [Fact]
    public void WebP_InAndOut_GifFirstFrame()
    {
        var (dir, model) = Setup();
        SharpSR.Imaging.Skia.SkiaCodecs.Register();   // as a library user would (the CLI loads them on demand)
        // Skia reads Pillow's lossless WebP exactly (colour where alpha is not zero: WebP may drop invisible colour).
        var lr = ImageIO.Load(Photo("rgba_lossless.webp"));
        var pillow = File.ReadAllBytes(Photo("rgba_lossless.webp.rgba"));
        Assert.Equal((26, 20, 4), (lr.Width, lr.Height, lr.Channels));
        for (int i = 0; i < pillow.Length; i += 4)
            if (pillow[i + 3] != 0) Assert.Equal(pillow.AsSpan(i, 4).ToArray(), lr.Pixels.AsSpan(i, 4).ToArray());

        string input = Path.Combine(dir, "in");
        Directory.CreateDirectory(input);
        File.Copy(Photo("rgba_lossless.webp"), Path.Combine(input, "a.webp"));
        File.Copy(Photo("photo.webp"), Path.Combine(input, "b.webp"));
        File.Copy(Photo("two_frames.gif"), Path.Combine(input, "c.gif"));
        Upscale(input, "-o", Path.Combine(dir, "out"), "--model", model);

        var a = ImageIO.Load(Path.Combine(dir, "out", "a.webp"));
        Assert.Equal((104, 80, 4), (a.Width, a.Height, a.Channels));
        // Written lossless: the file holds exactly the upscaled pixels (where they are visible).
        var expected = new SharpSR.Inference.NetworkModel("tiny", SharpSR.Inference.ModelFile.Load(model)) { KeepGrey = true }.Upscale(lr);
        for (int i = 0; i < expected.Pixels.Length; i += 4)
            if (expected.Pixels[i + 3] != 0) Assert.Equal(expected.Pixels.AsSpan(i, 4).ToArray(), a.Pixels.AsSpan(i, 4).ToArray());
        Assert.Equal((120, 88), (ImageIO.Load(Path.Combine(dir, "out", "b.webp")).Width, ImageIO.Load(Path.Combine(dir, "out", "b.webp")).Height));

        var gif = ImageIO.Load(Photo("two_frames.gif"));
        Assert.Equal(File.ReadAllBytes(Photo("two_frames.gif.frame0.rgb")), gif.Pixels);
        Assert.Equal((64, 48), (ImageIO.Load(Path.Combine(dir, "out", "c.png")).Width, ImageIO.Load(Path.Combine(dir, "out", "c.png")).Height));
    }

    [Theory]
    [InlineData("--scale", "1.5", 27, 18, "x1.5")]
    [InlineData("--scale", "2", 36, 24, "x2")]
    [InlineData("--width", "50", 50, 33, "w50")]
    [InlineData("--height", "30", 45, 30, "h30")]
    public void NonNativeSizes_UseTheNextFactorAbove_ThenBicubic(string option, string value, int width, int height, string tag)
    {
        var (dir, model) = Setup();   // an x4 model file
        string input = Path.Combine(dir, "icc.png");
        File.Copy(Photo("icc.png"), input);   // 18x12
        var (exit, stdout, err) = CliRunner.Run("upscale", input, "--model", model, option, value);
        Assert.True(exit == 0, err);
        Assert.Contains("x4 network, then MATLAB bicubic", stdout);
        var hr = ImageIO.Load(Path.Combine(dir, $"icc_{tag}.png"));
        Assert.Equal((width, height), (hr.Width, hr.Height));
    }

    [Fact]
    public void PresetScale_WithoutShippedWeights_ComesFromTheNextShippedFactorAbove()
    {
        // s-lwsr32 ships x4 only (s-lwsr16 ships x2, x3 and x4), so its x2 is the x4 network, then MATLAB bicubic.
        var (preset, k) = new[] { "s-lwsr32", "s-lwsr16" }
            .SelectMany(p => new[] { 2, 3 }.Select(k => (p, k)))
            .First(c => !SharpSR.Inference.ModelCatalog.NativeScales(c.p).Contains(c.k));
        var shipped = SharpSR.Inference.ModelCatalog.NativeScales(preset);
        Assert.Contains(shipped, s => s > k);
        string dir = TestData.NewTempDir();
        string input = Path.Combine(dir, "icc.png");
        File.Copy(Photo("icc.png"), input);
        var (exit, stdout, err) = CliRunner.Run("upscale", input, "--model", preset, "--scale", k.ToString());
        Assert.True(exit == 0, err);
        Assert.Contains($"model {preset}, output x{k} (x{string.Join("/x", shipped)} network, then MATLAB bicubic)", stdout);
        var hr = ImageIO.Load(Path.Combine(dir, $"icc_x{k}.png"));
        Assert.Equal((18 * k, 12 * k), (hr.Width, hr.Height));
    }

    [Fact]
    public void NonNativeSizes_BeyondTheModel_OrContradictory_OneLineError()
    {
        var (dir, model) = Setup();
        string output = Path.Combine(dir, "o.png");
        foreach (var args in new[] { new[] { "--width", "100" }, ["--scale", "1.5", "--width", "40"], ["--scale", "abc"], ["--scale", "0.5"] })
        {
            var (exit, _, err) = CliRunner.Run(["upscale", Photo("icc.png"), "-o", output, "--model", model, .. args]);
            Assert.Equal(1, exit);
            Assert.StartsWith("error: ", err);
            Assert.Single(CliFiles.Lines(err));
            Assert.False(File.Exists(output));
        }
    }

    [Fact]
    public void BicubicModel_AnyFactor()
    {
        string dir = TestData.NewTempDir();
        string output = Path.Combine(dir, "o.png");
        Upscale(Photo("deep16.png"), "-o", output, "--model", "bicubic", "--scale", "2.5");
        var raw = PngDecoder.DecodeRaw(File.ReadAllBytes(output));
        Assert.Equal((50, 35, 16), (raw.Width, raw.Height, raw.BitDepth));
    }

    /// <summary>
    /// The CLI copied without SkiaSharp and SharpSR.Imaging.Skia (and without its dependency manifest, so the
    /// host loads what is beside it): PNG still upscales, which shows that path never loads them; WebP then
    /// says in one line what is missing.
    /// </summary>
    [Fact]
    public void PngRun_NeverLoadsSkia()
    {
        string bin = AppContext.BaseDirectory;
        if (!File.Exists(Path.Combine(bin, "sharpsr.dll")) || !File.Exists(Path.Combine(bin, "sharpsr.runtimeconfig.json")))
            Assert.Skip("the sharpsr executable is not beside the tests");
        string dir = TestData.NewTempDir();
        string app = Path.Combine(dir, "app");
        Directory.CreateDirectory(app);
        foreach (var file in Directory.GetFiles(bin))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith("SkiaSharp", StringComparison.Ordinal) || name.StartsWith("SharpSR.Imaging.Skia", StringComparison.Ordinal)
                || name == "sharpsr.deps.json" || name.StartsWith("libSkiaSharp", StringComparison.Ordinal)) continue;
            File.Copy(file, Path.Combine(app, name));
        }
        string model = CliFiles.TinyModel(Path.Combine(dir, "tiny.safetensors"));

        var (exit, _, err) = Run(app, "upscale", Photo("rgba.png"), "-o", Path.Combine(dir, "out.png"), "--model", model);
        Assert.True(exit == 0, err);
        Assert.Equal(96, ImageIO.Load(Path.Combine(dir, "out.png")).Width);

        (exit, _, err) = Run(app, "upscale", Photo("photo.webp"), "-o", Path.Combine(dir, "out2.png"), "--model", model);
        Assert.Equal(1, exit);
        Assert.Single(CliFiles.Lines(err));
        Assert.Contains("WebP files need the optional SharpSR.Imaging.Skia assembly", err);
        Assert.DoesNotContain("   at ", err);
    }

    private static (int Exit, string Out, string Err) Run(string app, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(app, "sharpsr.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("sharpsr did not finish in 2 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
