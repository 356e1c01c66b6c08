using SharpSR.Core.Serialization;
using SharpSR.Interop.Archs;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Archs;

public class ImdnImportTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(2, 694_404)]
    [InlineData(3, 703_059)]
    [InlineData(4, 715_176)]
    public void AuthorsCheckpoint_InfersOptionsAndMatchesPyTorch(int scale, long parameters)
    {
        string path = TestData.RequireCheckpoint($"imdn_x{scale}.pth");
        var net = (Imdn)TorchModelImport.Load(path, "imdn");
        Assert.Equal((64, 6, scale), (net.Settings.Features, net.Settings.Blocks, net.Scale));
        Assert.Equal(parameters, net.ParameterCount());

        var golden = SafeTensorsFile.Read(TestData.RequireFixture($"checkpoints/imdn_x{scale}.safetensors"));
        double rel = Parity.AssertForward(net.Forward, golden);
        log.WriteLine($"imdn x{scale}: max relative difference {rel:E2}");
    }

    [Fact]
    public void WrongScaleRequested_Throws()
    {
        string path = TestData.RequireCheckpoint("imdn_x3.pth");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "imdn", 4));
        Assert.Contains("x3", ex.Message);
    }

    [Fact]
    public void OtherArchitectureCheckpoint_IsRefusedClearly()
    {
        string path = TestData.RequireCheckpoint("pan_x4.pth");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "imdn"));
        Assert.Contains("not an IMDN checkpoint", ex.Message);
    }
}
