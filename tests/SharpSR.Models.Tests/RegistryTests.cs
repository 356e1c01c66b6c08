using SharpSR.Models.Archs;
using Xunit;

namespace SharpSR.Models.Tests;

public class RegistryTests
{
    [Fact]
    public void Create_UnknownName_ListsKnownNames()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => ArchRegistry.Create("no-such-net", 4));
        Assert.Contains("s-lwsr16", ex.Message);
    }

    [Fact]
    public void Create_UnsupportedScale_Throws() =>
        Assert.Throws<ArgumentException>(() => ArchRegistry.Create("s-lwsr", 5));

    [Fact]
    public void OptionsJson_RoundTrip_RebuildsSameNetwork()
    {
        var net = (SLwsr)ArchRegistry.Create("s-lwsr", 3, """{"features":8,"pool":"off","activations":"one-third"}""");
        var again = (SLwsr)ArchRegistry.Create(net.Arch, net.Scale, net.OptionsJson());
        Assert.Equal(net.Settings.Features, again.Settings.Features);
        Assert.Equal(InformationPool.Off, again.Settings.Pool);
        Assert.Equal(ActivationPreset.OneThird, again.Settings.Activations);
        Assert.Equal(net.ParameterCount(), again.ParameterCount());
        Assert.Equal(net.StateDict().Keys, again.StateDict().Keys);
    }

    [Fact]
    public void Create_BadOptionsJson_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => ArchRegistry.Create("s-lwsr", 4, "{\"features\": \"many\"}"));
}
