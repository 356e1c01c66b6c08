using SharpSR.Core.Serialization;
using SharpSR.Interop.Archs;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Archs;

public class CarnMImportTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void CarnM_AuthorsMultiScaleCheckpoint_LoadsStrictlyAndMatchesPyTorch(int scale)
    {
        string path = TestData.RequireCheckpoint("carn_m.pth");
        var net = (CarnM)TorchModelImport.Load(path, "carn-m", scale);
        Assert.Equal((64, 4, scale, true), (net.Settings.Features, net.Settings.Groups, net.Scale, net.Settings.MultiScale));
        Assert.Equal(414_811, net.ParameterCount());

        var golden = SafeTensorsFile.Read(TestData.RequireFixture($"checkpoints/carn_m_x{scale}.safetensors"));
        double rel = Parity.AssertForward(net.Forward, golden);
        log.WriteLine($"x{scale}: max relative difference to PyTorch {rel:E2}");
    }

    [Fact]
    public void CarnM_MultiScaleWithoutScale_AsksForIt()
    {
        string path = TestData.RequireCheckpoint("carn_m.pth");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "carn-m"));
        Assert.Contains("--scale", ex.Message);
        Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "carn-m", 8));
    }

    [Fact]
    public void CarnM_OtherArchitectureCheckpoint_IsRefusedClearly()
    {
        string path = TestData.RequireCheckpoint("imdn_x4.pth");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "carn-m", 4));
        Assert.Contains("not a CARN-M checkpoint", ex.Message);
    }

    [Fact]
    public void CarnM_FileGivenToAnotherImporter_IsRefused()
    {
        string path = TestData.RequireCheckpoint("carn_m.pth");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "s-lwsr"));
        Assert.Contains("not an s-LWSR checkpoint", ex.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void CarnM_SingleScaleStateDict_InfersWidthGroupsAndScale(int scale)
    {
        var source = new CarnM(new() { Features = 16, Groups = 2, Scale = scale, MultiScale = false });
        var net = (CarnM)new CarnMDescriptor().FromStateDict(source.StateDict(), null);
        Assert.Equal(source.Settings, net.Settings);
        int other = scale == 2 ? 3 : 2;
        var ex = Assert.Throws<InvalidDataException>(() => new CarnMDescriptor().FromStateDict(source.StateDict(), other));
        Assert.Contains($"x{scale}", ex.Message);
    }
}
