using SharpSR.Core;
using SharpSR.Core.Serialization;
using SharpSR.Interop.Archs;
using SharpSR.Interop.Tests.Torch;
using SharpSR.Models;
using SharpSR.Models.Archs;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Archs;

/// <summary>Recognising a checkpoint's architecture and options from its keys and shapes alone (no --arch).</summary>
public class ArchDetectorTests
{
    public static TheoryData<string, string, int?, int, int, long> OfficialCheckpoints => new()
    {
        // file, architecture, scale to ask (only where the file does not store it), scale, features, parameters
        { "slwsr32_x4_epoch1.pt", "s-lwsr", null, 4, 32, 571_131 },
        { "imdn_x2.pth", "imdn", null, 2, 64, 694_404 },
        { "imdn_x3.pth", "imdn", null, 3, 64, 703_059 },
        { "imdn_x4.pth", "imdn", null, 4, 64, 715_176 },
        { "erfdn_x4.pth", "e-rfdn", null, 4, 50, 433_448 },
        { "pan_x2.pth", "pan", 2, 2, 40, 261_403 },   // x2 and x3 share every shape: the scale must be given
        { "pan_x3.pth", "pan", 3, 3, 40, 261_403 },
        { "pan_x4.pth", "pan", null, 4, 40, 272_419 },
        { "carn_m.pth", "carn-m", 3, 3, 64, 414_811 },  // multi-scale: the scale picks a head
        { "urnet_x2.pt", "urnet", null, 2, 64, 611_905 },
        { "urnet_x3.pt", "urnet", null, 3, 64, 620_560 },
        { "urnet_x4.pt", "urnet", null, 4, 64, 632_677 },
        { "span_ch28_x4.pth", "span", null, 4, 28, 150_688 },
        { "rlfn_ntire_x4.pth", "rlfn", null, 4, 46, 317_218 },
    };

    [Theory]
    [MemberData(nameof(OfficialCheckpoints))]
    public void OfficialCheckpoint_WithoutArch_DetectsArchScaleAndOptions(string file, string arch, int? askedScale, int scale, int features, long parameters)
    {
        string path = TestData.RequireCheckpoint(file);

        var net = TorchModelImport.Load(path, arch: null, askedScale);

        Assert.Equal((arch, scale), (net.Arch, net.Scale));
        Assert.Contains($"\"features\":{features}", net.OptionsJson());
        Assert.Equal(parameters, net.ParameterCount());
        Assert.Equal(net.OptionsJson(), TorchModelImport.Load(path, arch, askedScale).OptionsJson());
    }

    [Fact]
    public void PanSingleStageCheckpoint_WithoutScale_NamesPanAndAsksForTheScale()
    {
        string path = TestData.RequireCheckpoint("pan_x2.pth");

        var e = Assert.Throws<InvalidDataException>(() => TorchModelImport.Load(path));

        Assert.Contains("pass the scale", e.Message);
    }

    public static TheoryData<string, int, string?> OwnNetworks()
    {
        var data = new TheoryData<string, int, string?>();
        foreach (var arch in ArchRegistry.Archs)
            foreach (int scale in new[] { 2, 3, 4 })
                foreach (string? options in new[] { null, """{"features":32}""" })
                    data.Add(arch.Name, scale, options);
        // G-IDRN's switches that change its keys: head, groups, block kind and groups, shortcuts, CFPB, ANRB, reconstruction.
        data.Add("g-idrn", 4, """{"features":24,"groups":3,"blockGroups":4,"cfpb":true,"head":"conv","anrb":"off","reconstruction":"c"}""");
        data.Add("g-idrn", 2, """{"block":"rfdb","shortcuts":"off","blocksPerGroup":2,"reconstruction":"single"}""");
        return data;
    }

    [Theory]
    [MemberData(nameof(OwnNetworks))]
    public void OwnStateDict_RoundTripsThroughDetection(string arch, int scale, string? options)
    {
        var source = ArchRegistry.Create(arch, scale, options);

        var detected = TorchModelImport.FromStateDict(source.StateDict(), arch: null, ScaleIfNotStored(source));

        // Same keys and shapes in order: every option the weights record was read back (options without
        // weights, such as URNet's pyramid-block name left to the scale, may be spelled differently).
        Assert.Equal((source.Arch, source.Scale), (detected.Arch, detected.Scale));
        Assert.Equal(Layout(source), Layout(detected));
    }

    [Theory]
    [InlineData("span", "params_ema")]
    [InlineData("rlfn", "state_dict")]
    [InlineData("g-idrn", "model")]
    [InlineData("imdn", "net")]
    [InlineData("s-lwsr", "params")]
    public void WrappedPrefixedTorchFile_IsUnwrappedAndDetected(string arch, string wrapper)
    {
        var source = ArchRegistry.Create(arch, 3);
        string path = Path.Combine(TestData.NewTempDir(), "wrapped.pth");
        File.WriteAllBytes(path, TorchZip(Prefixed(source.StateDict(), "netG.module."), "state_dict", wrapper));

        var detected = TorchModelImport.Load(path);

        Assert.Equal((source.Arch, source.Scale, source.OptionsJson()), (detected.Arch, detected.Scale, detected.OptionsJson()));
        var loaded = detected.StateDict();
        foreach (var (key, tensor) in source.StateDict()) Assert.Equal(tensor.Data, loaded[key].Data);
    }

    [Fact]
    public void ForeignSafetensorsWithPrefixes_IsDetected()
    {
        var source = ArchRegistry.Create("e-rfdn", 2);
        string path = Path.Combine(TestData.NewTempDir(), "foreign.safetensors");
        SafeTensorsFile.Write(path, Prefixed(source.StateDict(), "module."));

        var detected = TorchModelImport.Load(path);

        Assert.Equal((source.Arch, source.Scale, source.OptionsJson()), (detected.Arch, detected.Scale, detected.OptionsJson()));
    }

    [Fact]
    public void UnknownStateDict_NamesClosestArchitecturesAndWhatDidNotMatch()
    {
        // RLFN's head and tail with SPAN-style blocks but no conv_cat: close to both, neither.
        var rlfn = ArchRegistry.Create("rlfn", 4).StateDict();
        var dict = rlfn.Where(p => !p.Key.Contains(".esa.", StringComparison.Ordinal)).ToDictionary();

        var e = Assert.Throws<InvalidDataException>(() => TorchModelImport.FromStateDict(dict, arch: null, scale: null, "odd.pth"));

        Assert.StartsWith("odd.pth: not a known architecture: closest rlfn (missing block_1.esa.conv1.weight)", e.Message);
        Assert.Contains("span (missing", e.Message);
    }

    [Fact]
    public void StateDictWithForeignModule_NamesTheUnexpectedModule()
    {
        var dict = ArchRegistry.Create("imdn", 4).StateDict().ToDictionary();
        dict["discriminator.0.weight"] = Tensor.Zeros(1);

        var e = Assert.Throws<InvalidDataException>(() => TorchModelImport.FromStateDict(dict, arch: null, scale: null));

        Assert.Contains("closest imdn (unexpected discriminator.*)", e.Message);
    }

    [Fact]
    public void StateDictMatchingTwoSignatures_IsRefusedWithTheCandidates()
    {
        // The shipped signatures exclude each other (the round trips above would throw otherwise), so a
        // hypothetical pruned-RLFN signature that fits the same keys stands in for a future overlap.
        var pruned = new RlfnDescriptor().Signature with { Arch = "rlfn-pruned" };
        var dict = ArchRegistry.Create("rlfn", 4).StateDict();

        var e = Assert.Throws<InvalidDataException>(() => ArchDetector.Detect(dict, "both.pth", [new RlfnDescriptor().Signature, pruned]));

        Assert.Equal("both.pth: ambiguous architecture: the keys match rlfn and rlfn-pruned; name it with --arch", e.Message);
    }

    [Fact]
    public void ArchGiven_OverridesDetection()
    {
        var dict = ArchRegistry.Create("span", 4).StateDict();

        var e = Assert.Throws<InvalidDataException>(() => TorchModelImport.FromStateDict(dict, arch: "rlfn", scale: null));

        Assert.Contains("not an RLFN checkpoint", e.Message);
    }

    [Fact]
    public void EveryRegisteredArchitecture_HasASignature()
    {
        Assert.Equal(ArchRegistry.Archs.Select(a => a.Name).Order(), ArchDetector.Signatures.Select(s => s.Arch).Order());
    }

    /// <summary>PAN below x4 has one upsampling stage whose factor no shape records; multi-scale CARN and CARN-M hold every head.</summary>
    private static int? ScaleIfNotStored(SrNetwork net) =>
        net is Pan { Scale: not 4 } or CarnM { Settings.MultiScale: true } or Carn { Settings.MultiScale: true } ? net.Scale : null;

    private static List<string> Layout(SrNetwork net) =>
        [.. net.StateDict().Select(p => $"{p.Key} {string.Join("x", p.Value.ShapeArray)}")];

    private static OrderedDictionary<string, Tensor> Prefixed(IReadOnlyDictionary<string, Tensor> dict, string prefix)
    {
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (key, value) in dict) result.Add(prefix + key, value);
        return result;
    }

    /// <summary>A torch.save zip of float32 tensors, nested in the given wrapper dicts.</summary>
    private static byte[] TorchZip(IReadOnlyDictionary<string, Tensor> dict, params string[] wrappers)
    {
        var fakes = new List<FakeTensor>();
        var storages = new List<(string, byte[])>();
        foreach (var (key, tensor) in dict)
        {
            string storage = fakes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            long[] size = [.. tensor.ShapeArray.Select(d => (long)d)];
            var stride = new long[size.Length];
            for (int i = size.Length - 1, step = 1; i >= 0; step *= (int)size[i], i--) stride[i] = step;
            fakes.Add(new FakeTensor(key, storage, 0, size, stride, tensor.Length));
            storages.Add((storage, FakeCheckpoint.Floats(tensor.Data)));
        }
        return FakeCheckpoint.Zip(FakeCheckpoint.StateDictPickle(fakes, wrappers), storages);
    }
}
