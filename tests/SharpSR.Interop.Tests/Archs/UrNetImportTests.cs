using SharpSR.Core.Serialization;
using SharpSR.Interop.Archs;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Archs;

public class UrNetImportTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(2, "aspp", 611_905)]
    [InlineData(3, "cfpb", 620_560)]
    [InlineData(4, "aspp", 632_677)]
    public void AuthorsCheckpoint_InfersOptionsAndMatchesPyTorch(int scale, string cfpbName, long parameters)
    {
        string path = TestData.RequireCheckpoint($"urnet_x{scale}.pt");
        var net = (UrNet)TorchModelImport.Load(path, "urnet");
        Assert.Equal((64, scale, cfpbName), (net.Settings.Features, net.Scale, net.Settings.CfpbName));
        Assert.Equal(parameters, net.ParameterCount());

        // tests/fixtures/gen/make_rfdn_goldens.py: the same file through our PyTorch port (strict load).
        var golden = SafeTensorsFile.Read(TestData.RequireFixture($"checkpoints/urnet_x{scale}.safetensors"));
        double rel = Parity.AssertForward(net.Forward, golden);
        log.WriteLine($"max relative difference to PyTorch: {rel:E2}");
    }

    [Fact]
    public void WrongScaleRequested_Throws()
    {
        string path = TestData.RequireCheckpoint("urnet_x3.pt");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "urnet", 4));
        Assert.Contains("x3", ex.Message);
    }

    [Theory]
    [InlineData("erfdn_x4.pth")]
    [InlineData("imdn_x4.pth")]
    public void OtherArchitectureCheckpoint_IsRefusedClearly(string file)
    {
        string path = TestData.RequireCheckpoint(file);
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "urnet"));
        Assert.Contains("not a URNet checkpoint", ex.Message);
    }
}
