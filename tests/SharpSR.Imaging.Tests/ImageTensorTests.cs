using SharpSR.Core;
using Xunit;

namespace SharpSR.Imaging.Tests;

public class ImageTensorTests
{
    [Fact]
    public void ToTensor_Rgb_IsPlanarNchwIn0To255()
    {
        var img = new RgbImage(2, 1, 3, [1, 2, 3, 4, 5, 6]);
        var t = ImageTensor.ToTensor(img);
        Assert.Equal([1, 3, 1, 2], t.ShapeArray);
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], t.Data);
    }

    [Fact]
    public void ToTensor_GreyAlpha_ReplicatesGreyAndSplitsAlpha()
    {
        var img = new RgbImage(2, 1, 2, [10, 200, 20, 100]);
        var t = ImageTensor.ToTensor(img);
        Assert.Equal([10f, 20f, 10f, 20f, 10f, 20f], t.Data);
        var alpha = ImageTensor.AlphaToTensor(img)!;
        Assert.Equal([1, 1, 1, 2], alpha.ShapeArray);
        Assert.Equal([200f, 100f], alpha.Data);
        Assert.Null(ImageTensor.AlphaToTensor(new RgbImage(1, 1, 3)));
    }

    [Fact]
    public void ToImage_ClampsAndRoundsHalfToEven()
    {
        var t = new Tensor([-3f, 0.5f, 1.5f, 2.5f, 254.5f, 300f, float.NaN, 127.49f], 1, 1, 2, 4);
        var img = ImageTensor.ToImage(t);
        Assert.Equal(1, img.Channels);
        Assert.Equal([0, 0, 2, 2, 254, 255, 0, 127], img.Pixels);
    }

    [Fact]
    public void ToImage_WithAlpha_AppendsAlphaChannel()
    {
        var rgb = new Tensor([1f, 2f, 3f], 1, 3, 1, 1);
        var alpha = new Tensor([128.5f], 1, 1, 1, 1);
        var img = ImageTensor.ToImage(rgb, alpha);
        Assert.Equal(4, img.Channels);
        Assert.Equal([1, 2, 3, 128], img.Pixels);
        Assert.Throws<ArgumentException>(() => ImageTensor.ToImage(rgb, new Tensor(new float[2], 1, 1, 1, 2)));
    }

    [Fact]
    public void RoundTrip_RgbaImage_IsExact()
    {
        var img = new RgbImage(5, 4, 4);
        new Random(2).NextBytes(img.Pixels);
        var back = ImageTensor.ToImage(ImageTensor.ToTensor(img), ImageTensor.AlphaToTensor(img));
        Assert.Equal(img.Pixels, back.Pixels);
    }

    [Fact]
    public void Canvas_RegionWrite_PlacesOnlyThatRegionInItsChannels()
    {
        // A 4x4 two-plane source; its centre 2x2 goes to (1, 0) of a 3x2 canvas, channels 1 and 2 of three.
        var src = new Tensor(Enumerable.Range(0, 32).Select(i => i * 10f - 0.5f).ToArray(), 1, 2, 4, 4);
        var canvas = new ImageCanvas(3, 2, 3);
        canvas.Fill(0, 7.5f);
        canvas.Write(src, 1, 1, 0, 1, 2, 2, firstChannel: 1);
        var img = canvas.ToImage();
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
            {
                Assert.Equal(8, img[x, y, 0]);   // 7.5 rounds half to even
                for (int k = 0; k < 2; k++)
                {
                    byte expected = x == 0 ? (byte)0 : ImageTensor.ToByte(src.Data[(k * 4 + 1 + y) * 4 + x]);
                    Assert.Equal(expected, img[x, y, 1 + k]);
                }
            }
        Assert.Throws<ArgumentException>(() => canvas.Write(src, 1, 1, 1, 2, 2, 2, firstChannel: 1));   // past the right edge
        Assert.Throws<ArgumentException>(() => canvas.Write(src, 0, 0, 0, 0, 1, 1, firstChannel: 2));   // two planes from channel 2 of 3
    }
}
