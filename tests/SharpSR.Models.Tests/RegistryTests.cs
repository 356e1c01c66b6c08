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

    public static TheoryData<string> ArchNames() => [.. ArchRegistry.Archs.Select(a => a.Name)];

    /// <summary>
    /// A descriptor explains every key its options record serialises (the scale aside, which --scale gives) and no
    /// other, so --model-options help and `sharpsr models ARCH` cannot drift from the record.
    /// </summary>
    [Theory]
    [MemberData(nameof(ArchNames))]
    public void Descriptor_HelpCoversExactlyTheOptionsKeys(string name)
    {
        var arch = ArchRegistry.InfoOf(name)!;
        var keys = System.Text.Json.JsonDocument.Parse(arch.DefaultOptionsJson).RootElement.EnumerateObject().Select(p => p.Name).Where(k => k != "scale");
        Assert.Equal(keys.Order(), arch.Options.Select(o => o.Name).Order());
        Assert.All(arch.Options, o => Assert.False(string.IsNullOrWhiteSpace(o.Help), o.Name));
    }

    /// <summary>The descriptor, its signature, the network it builds and its presets agree on the name, and every listed scale builds.</summary>
    [Theory]
    [MemberData(nameof(ArchNames))]
    public void Descriptor_NamesAndScales_AgreeWithTheNetwork(string name)
    {
        var arch = ArchRegistry.InfoOf(name)!;
        Assert.Equal(name, arch.Signature.Arch);
        Assert.StartsWith(arch.DisplayName + ": ", arch.Description);
        foreach (int scale in arch.Scales)
        {
            var net = arch.Build(scale, null);
            Assert.Equal((name, scale), (net.Arch, net.Scale));
            Assert.Equal(arch.OptionsType, net.Options.GetType());
            Assert.Equal(arch.DefaultOptionsJson.Replace("\"scale\":4", $"\"scale\":{scale}"), net.OptionsJson());
        }
        foreach (var preset in arch.Presets)
            Assert.Equal(preset.Name, ArchRegistry.NameOf(ArchRegistry.Create(preset.Name, arch.Scales[^1])));
    }

    /// <summary>
    /// Every declared receptive field covers the one derived from the traced forward pass (where no path is global),
    /// and equals it for the networks whose tiles are exact by construction.
    /// </summary>
    [Theory]
    [MemberData(nameof(ArchNames))]
    public void ReceptiveFieldRadius_CoversTheDerivedOne(string name)
    {
        foreach (int scale in ArchRegistry.InfoOf(name)!.Scales)
        {
            var net = ArchRegistry.Create(name, scale);
            if (ReceptiveField.Derive(net) is not { } derived) continue;   // global attention: the declared margin is a choice
            Assert.True(net.ReceptiveFieldRadius >= derived, $"{name} x{scale}: declared {net.ReceptiveFieldRadius} < derived {derived}");
            if (name is "s-lwsr" or "span" or "carn-m" or "carn") Assert.Equal(net.ReceptiveFieldRadius, derived);
        }
    }

    /// <summary>The derivation against a NaN traced through the network, nearest upsampling (PAN) and pixel shuffles (CARN) included.</summary>
    [Theory]
    [InlineData("pan", 4, """{"features":8,"upsampleFeatures":6,"blocks":2}""")]
    [InlineData("pan", 3, """{"features":8,"upsampleFeatures":6,"blocks":2}""")]
    [InlineData("carn", 4, """{"features":8}""")]
    [InlineData("s-lwsr", 3, """{"features":4}""")]
    public void Derive_EqualsTheMeasuredDependencyReach(string name, int scale, string options)
    {
        var net = ArchRegistry.Create(name, scale, options);
        Assert.Equal(Archs.DependencyReach.Measure(net, size: 2 * ReceptiveField.Derive(net)!.Value + 9), ReceptiveField.Derive(net));
    }
}
