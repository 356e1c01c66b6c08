using SharpSR.Core.Serialization;
using SharpSR.Interop.Archs;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Archs;

/// <summary>The NTIRE efficient-SR winners from the challenge repository's checkpoints (Amazingren/NTIRE2024_ESR model_zoo).</summary>
public class SpanRlfnImportTests(ITestOutputHelper log)
{
    [Fact]
    public void Span_ChallengeCheckpoint_InfersFoldedFormAndMatchesPyTorch()
    {
        string path = TestData.RequireCheckpoint("span_ch28_x4.pth");
        var net = (Span)TorchModelImport.Load(path, "span", 4);
        Assert.Equal((28, 6, 4, true), (net.Settings.Features, net.Settings.Blocks, net.Scale, net.Settings.Folded));
        Assert.Equal(150_688, net.ParameterCount());

        // tests/fixtures/gen/make_span_rlfn_goldens.py: the same file through our PyTorch reference on a Set5 crop.
        var golden = SafeTensorsFile.Read(TestData.RequireFixture("checkpoints/span_x4.safetensors"));
        log.WriteLine($"span: max relative difference to PyTorch {Parity.AssertForward(net.Forward, golden):E2}");
    }

    [Fact]
    public void Rlfn_ChallengeCheckpoint_InfersOptionsAndMatchesPyTorch()
    {
        string path = TestData.RequireCheckpoint("rlfn_ntire_x4.pth");
        var net = (Rlfn)TorchModelImport.Load(path, "rlfn");
        Assert.Equal((46, 48, 16, 4, 4), (net.Settings.Features, net.Settings.MidFeatures, net.Settings.EsaChannels, net.Settings.Blocks, net.Scale));
        Assert.Equal(317_218, net.ParameterCount());

        var golden = SafeTensorsFile.Read(TestData.RequireFixture("checkpoints/rlfn_x4.safetensors"));
        log.WriteLine($"rlfn: max relative difference to PyTorch {Parity.AssertForward(net.Forward, golden):E2}");
    }

    [Fact]
    public void Span_TrainingFormStateDict_ImportsUnfolded()
    {
        var trained = new Span(new SpanOptions { Features = 6, Blocks = 2, Scale = 2, Folded = false, Gain = 3 });
        var net = (Span)new SpanDescriptor().FromStateDict(trained.StateDict(), null);
        Assert.Equal((6, 2, 2, false, 3), (net.Settings.Features, net.Settings.Blocks, net.Scale, net.Settings.Folded, net.Settings.Gain));
        Assert.True(net.LoadStateDict(trained.StateDict(), strict: false).IsExact);
    }

    [Theory]
    [InlineData("span_ch28_x4.pth", "span")]
    [InlineData("rlfn_ntire_x4.pth", "rlfn")]
    public void WrongScaleRequested_Throws(string file, string arch)
    {
        string path = TestData.RequireCheckpoint(file);
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, arch, 2));
        Assert.Contains("x2 was asked for", ex.Message);
    }

    [Theory]
    [InlineData("rlfn_ntire_x4.pth", "span", "conv_1.sk.weight")]
    [InlineData("span_ch28_x4.pth", "rlfn", "conv_1.weight")]
    [InlineData("erfdn_x4.pth", "rlfn", "conv_1.weight")]
    public void OtherArchitectureCheckpoint_IsRefusedClearly(string file, string arch, string missingKey)
    {
        string path = TestData.RequireCheckpoint(file);
        var ex = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path, arch));
        Assert.Contains(arch == "span" ? "not a SPAN checkpoint" : "not an RLFN checkpoint", ex.Message);
        Assert.Contains(missingKey, ex.Message);
    }
}
