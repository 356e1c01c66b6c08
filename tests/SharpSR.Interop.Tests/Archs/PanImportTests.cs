using SharpSR.Core.Serialization;
using SharpSR.Interop.Archs;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Archs;

public class PanImportTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(2, 261_403)]
    [InlineData(3, 261_403)]
    [InlineData(4, 272_419)]
    public void AuthorsCheckpoint_InfersOptionsAndMatchesPyTorch(int scale, long parameters)
    {
        string path = TestData.RequireCheckpoint($"pan_x{scale}.pth");
        // x2 and x3 files have the same shapes, so their scale is given; x4 is inferred from the second stage.
        var net = (Pan)TorchModelImport.Load(path, "pan", scale == 4 ? null : scale);
        Assert.Equal((40, 24, 16, scale), (net.Settings.Features, net.Settings.UpsampleFeatures, net.Settings.Blocks, net.Scale));
        Assert.Equal(parameters, net.ParameterCount());

        var golden = SafeTensorsFile.Read(TestData.RequireFixture($"checkpoints/pan_x{scale}.safetensors"));
        double rel = Parity.AssertForward(net.Forward, golden);
        log.WriteLine($"pan x{scale}: max relative difference {rel:E2}");
    }

    [Fact]
    public void OneStageCheckpoint_WithoutScale_AsksForIt()
    {
        string path = TestData.RequireCheckpoint("pan_x2.pth");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "pan"));
        Assert.Contains("pass the scale", ex.Message);
    }

    [Theory]
    [InlineData("pan_x4.pth", 2)]
    [InlineData("pan_x3.pth", 4)]
    public void WrongScaleRequested_Throws(string file, int scale)
    {
        string path = TestData.RequireCheckpoint(file);
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "pan", scale));
        Assert.Contains($"x{scale} was asked for", ex.Message);
    }

    [Fact]
    public void OtherArchitectureCheckpoint_IsRefusedClearly()
    {
        string path = TestData.RequireCheckpoint("imdn_x2.pth");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "pan", 2));
        Assert.Contains("not a PAN checkpoint", ex.Message);
    }
}
