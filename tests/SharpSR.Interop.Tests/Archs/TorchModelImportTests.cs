using SharpSR.Core.Autograd;
using SharpSR.Core.Serialization;
using SharpSR.Interop.Archs;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Archs;

public class TorchModelImportTests
{
    [Fact]
    public void SLwsr_AuthorsCheckpoint_InfersOptionsAndMatchesPyTorch()
    {
        string path = TestData.RequireCheckpoint("slwsr32_x4_epoch1.pt");
        var net = (SLwsr)TorchModelImport.Load(path, "s-lwsr");
        Assert.Equal((32, 4, InformationPool.On), (net.Settings.Features, net.Scale, net.Settings.Pool));
        Assert.Equal(571_131, net.ParameterCount());

        Parity.AssertForward(net.Forward, SafeTensorsFile.Read(TestData.RequireFixture("checkpoints/slwsr32_x4_epoch1.safetensors")));
    }

    [Fact]
    public void SLwsr_WrongScaleRequested_Throws()
    {
        string path = TestData.RequireCheckpoint("slwsr32_x4_epoch1.pt");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "s-lwsr", 2));
        Assert.Contains("x4", ex.Message);
    }

    [Fact]
    public void SLwsr_OtherArchitectureCheckpoint_IsRefusedClearly()
    {
        string path = TestData.RequireCheckpoint("imdn_x4.pth");
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, "s-lwsr"));
        Assert.Contains("not an s-LWSR checkpoint", ex.Message);
    }

    [Fact]
    public void UnknownArchitecture_IsRefused() =>
        Assert.Throws<NotSupportedException>(() => TorchModelImport.Load("x.pth", "no-such-arch"));
}
