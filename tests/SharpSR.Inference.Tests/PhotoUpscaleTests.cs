using SharpSR.Core;
using SharpSR.Imaging;
using SharpSR.Imaging.Resize;
using SharpSR.Models;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Inference.Tests;

/// <summary>
/// Upscaling photos as they are: alpha upscaled by the network, 16-bit kept, metadata carried, sizes that are not
/// a native factor, shipped weights per scale. Inputs are Pillow-written files (tests/fixtures/photos).
/// </summary>
public class PhotoUpscaleTests
{
    private static SrNetwork TinyNet(int scale = 4)
    {
        SharpSR.Core.Nn.Init.DefaultRng = new Random(7);
        return ArchRegistry.Create("s-lwsr", scale, """{"features":4}""");
    }

    private static RgbImage Photo(string name) => ImageIO.Load(TestData.RequireFixture("photos/" + name));

    private static RgbImage Channel(RgbImage image, int channel)
    {
        var grey = new RgbImage(image.Width, image.Height, 1);
        for (int i = 0; i < grey.Pixels.Length; i++) grey.Pixels[i] = image.Pixels[i * image.Channels + channel];
        return grey;
    }

    private static RgbImage Colour(RgbImage image)
    {
        int c = image.Channels - 1;
        var rgb = new RgbImage(image.Width, image.Height, c);
        for (int i = 0; i < image.Width * image.Height; i++)
            for (int k = 0; k < c; k++) rgb.Pixels[i * c + k] = image.Pixels[i * image.Channels + k];
        return rgb;
    }

    [Theory]
    [InlineData("rgba.png", 4)]
    [InlineData("la.png", 2)]
    public void Alpha_IsUpscaledByTheNetworkAsAGreyImage(string name, int channels)
    {
        var lr = Photo(name);
        Assert.Equal(channels, lr.Channels);
        var model = new NetworkModel("tiny", TinyNet()) { KeepGrey = true };
        var hr = model.Upscale(lr);
        Assert.Equal((lr.Width * 4, lr.Height * 4, channels), (hr.Width, hr.Height, hr.Channels));

        // The alpha channel is exactly what the network makes of the alpha as a grey picture; the colour is
        // exactly what it makes of the colour alone.
        var alphaAsGrey = model.Upscale(Channel(lr, channels - 1));
        Assert.Equal(alphaAsGrey.Pixels, Channel(hr, channels - 1).Pixels);
        Assert.Equal(model.Upscale(Colour(lr)).Pixels, Colour(hr).Pixels);
        // ... and not a bicubic stretch of it.
        Assert.NotEqual(MatlabBicubic.Upscale(Channel(lr, channels - 1), 4).Pixels, Channel(hr, channels - 1).Pixels);
    }

    [Fact]
    public void OpaqueAlpha_CostsNoSecondPass_AndStaysOpaque()
    {
        var steps = new List<UpscaleProgress>();
        var model = new NetworkModel("tiny", TinyNet());
        var hr = model.Upscale(Photo("rgba_opaque.png"), new SyncProgress(steps.Add));
        Assert.Equal(4, hr.Channels);
        Assert.All(Channel(hr, 3).Pixels, a => Assert.Equal(255, a));
        Assert.Equal(new UpscaleProgress(1, 1), steps[^1]);   // one pass: the colour only

        steps.Clear();
        model.Upscale(Photo("rgba.png"), new SyncProgress(steps.Add));
        Assert.Equal(new UpscaleProgress(2, 2), steps[^1]);   // colour and alpha
    }

    [Fact]
    public void SixteenBit_StaysSixteenBit_WithoutAnEightBitStep()
    {
        var lr = Photo("deep16.png");
        var net = TinyNet();
        var hr = new NetworkModel("tiny", net).Upscale(lr);
        Assert.Equal(16, hr.BitDepth);

        // The network sees the 16-bit samples as floats (v / 257) and its output is rounded once, to 16 bits.
        var expected = ImageTensor.ToImage(new Upscaler(net).Upscale(ImageTensor.ToTensor(lr)), null, 16);
        Assert.Equal(expected.Samples16, hr.Samples16);

        // An 8-bit detour (the high bytes only) would give another picture.
        var eightBit = new NetworkModel("tiny", net).Upscale(new RgbImage(lr.Width, lr.Height, 3, lr.Pixels));
        var deep = hr.Samples16!;
        int differ = deep.Zip(eightBit.Pixels, (a, b) => a != b * 257).Count(d => d);
        Assert.True(differ > deep.Length / 2, $"only {differ} of {deep.Length} samples differ from the 8-bit detour");

        var bicubic = new BicubicModel(2).Upscale(lr);
        Assert.Equal(16, bicubic.BitDepth);
    }

    [Theory]
    [InlineData("icc.png")]       // 8-bit RGB
    [InlineData("deep16.png")]    // 16-bit
    public void Tiles_WrittenStraightIntoPixels_EqualTheFullFloatImageRounded(string name)
    {
        // The photo path never gathers the float output: each tile is rounded into the result as it comes.
        var lr = Photo(name);
        var net = TinyNet();
        var hr = new NetworkModel("tiny", net, tile: 5).Upscale(lr);
        var expected = ImageTensor.ToImage(new Upscaler(net).Upscale(ImageTensor.ToTensor(lr), tile: 5), null, lr.BitDepth);
        Assert.True(lr.Width > 10 && lr.Height > 10, "the test needs several tiles each way");
        Assert.Equal(expected.Pixels, hr.Pixels);
        Assert.Equal(expected.Samples16, hr.Samples16);
    }

    [Fact]
    public void Metadata_TravelsWithTheResult()
    {
        var lr = Photo("exif_rot6.jpg");
        var hr = new NetworkModel("tiny", TinyNet()).Upscale(lr);
        Assert.Same(lr.Metadata, hr.Metadata);
        Assert.Same(lr.Metadata, new BicubicModel(2).Upscale(lr).Metadata);
    }

    [Fact]
    public void NonNativeSize_IsTheNativeOutputResizedBeforeRounding()
    {
        var lr = Photo("icc.png");   // 18x12
        var net = TinyNet();
        var size = OutputSize.ByFactor(1.5);
        Assert.Equal((27, 18), size.For(lr.Width, lr.Height));
        Assert.Equal(4, size.NativeFactor(lr.Width, lr.Height, [4], "tiny"));
        Assert.Equal(2, size.NativeFactor(lr.Width, lr.Height, [2, 3, 4], "tiny"));

        var hr = new NetworkModel("tiny", net).UpscaleTo(lr, 27, 18);
        var x4 = new Upscaler(net).Upscale(ImageTensor.ToTensor(lr));
        Assert.Equal(ImageTensor.ToImage(MatlabBicubic.Resize(x4, 18, 27)).Pixels, hr.Pixels);

        var byWidth = OutputSize.Exact(50, null);
        Assert.Equal((50, 33), byWidth.For(18, 12));
        Assert.Equal(3, byWidth.NativeFactor(18, 12, [2, 3, 4], "tiny"));
        var tooBig = Assert.Throws<ArgumentException>(() => OutputSize.Exact(100, null).NativeFactor(18, 12, [2, 4], "tiny"));
        Assert.Contains("18x12 -> 100x67 needs x5.58", tooBig.Message);
        Assert.Throws<ArgumentException>(() => OutputSize.ByFactor(0.5));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ShippedWeights_AreChosenByScale(int scale)
    {
        var assembly = typeof(PhotoUpscaleTests).Assembly;   // carries models/s-lwsr_x2 and _x3 stand-ins
        Assert.Equal([2, 3], ModelCatalog.NativeScales("s-lwsr", assembly));
        var model = ModelCatalog.Load("s-lwsr", scale, assembly: assembly);
        Assert.Equal(scale, model.Scale);
        var lr = Photo("rgba_opaque.png");
        Assert.Equal(lr.Width * scale, model.Upscale(lr).Width);
        var missing = Assert.Throws<ArgumentException>(() => ModelCatalog.Load("s-lwsr", 4, assembly: assembly));
        Assert.Contains("shipped: x2, x3", missing.Message);
    }

    [Fact]
    public void ShippedWeights_OfTheLibraryItself_NeedNoEntryAssembly()
    {
        // The library carries its weights: an app that references it (not the CLI) finds them.
        Assert.Contains(ModelCatalog.Shipped(), m => m.Name == ModelCatalog.DefaultModel && m.Scale == 4);
    }

    private sealed class SyncProgress(Action<UpscaleProgress> report) : IProgress<UpscaleProgress>
    {
        public void Report(UpscaleProgress value) => report(value);
    }
}
