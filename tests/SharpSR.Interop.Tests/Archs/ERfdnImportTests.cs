using SharpSR.Core.Serialization;
using SharpSR.Interop.Archs;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Archs;

public class ERfdnImportTests(ITestOutputHelper log)
{
    [Fact]
    public void AuthorsCheckpoint_InfersOptionsAndMatchesPyTorch()
    {
        string path = TestData.RequireCheckpoint("erfdn_x4.pth");
        var net = (ERfdn)TorchModelImport.Load(path, "e-rfdn", 4);
        Assert.Equal((50, 4, 4), (net.Settings.Features, net.Settings.Blocks, net.Scale));
        Assert.Equal(433_448, net.ParameterCount());

        // tests/fixtures/gen/make_rfdn_goldens.py: the same file through our PyTorch port (strict load).
        var golden = SafeTensorsFile.Read(TestData.RequireFixture("checkpoints/erfdn_x4.safetensors"));
        double rel = Parity.AssertForward(net.Forward, golden);
        log.WriteLine($"max relative difference to PyTorch: {rel:E2}");
    }

    [Fact]
    public void WrongScaleRequested_Throws()
    {
        string path = TestData.RequireCheckpoint("erfdn_x4.pth");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "e-rfdn", 2));
        Assert.Contains("x4", ex.Message);
    }

    [Theory]
    [InlineData("urnet_x4.pt")]
    [InlineData("slwsr32_x4_epoch1.pt")]
    public void OtherArchitectureCheckpoint_IsRefusedClearly(string file)
    {
        string path = TestData.RequireCheckpoint(file);
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "e-rfdn"));
        Assert.Contains("not an E-RFDN checkpoint", ex.Message);
        Assert.Contains("fea_conv.weight", ex.Message);
    }
}
