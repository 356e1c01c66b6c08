using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Core.Serialization;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Core.Tests.Nn;

public class ModuleTests
{
    private sealed class Block : Module
    {
        public Block(int c)
        {
            Register("body", new Sequential(new Conv2d(c, c, 3), new Identity(), new Conv2d(c, c, 1, bias: false)));
        }

        public override Tensor Forward(Tensor x) => x;
    }

    private sealed class Net : Module
    {
        public Net()
        {
            Register("head", new Conv2d(3, 4, 3));
            Register("feat2_1", new Block(4));
            Scale = RegisterParameter("scale", new Parameter([1f], 1));
        }

        public Parameter Scale { get; }

        public override Tensor Forward(Tensor x) => x;
    }

    [Fact]
    public void NamedParameters_NestedModules_GiveDottedPyTorchKeys()
    {
        var keys = new Net().NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(["scale", "head.weight", "head.bias", "feat2_1.body.0.weight", "feat2_1.body.0.bias", "feat2_1.body.2.weight"], keys);
    }

    [Fact]
    public void LoadStateDict_NonStrict_ReportsMissingAndUnexpected()
    {
        var net = new Net();
        var dict = net.StateDict().Where(kv => kv.Key != "head.bias").ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value.Clone());
        dict["tail.weight"] = Tensor.Zeros(1);
        var result = net.LoadStateDict(dict, strict: false);
        Assert.Equal(["head.bias"], result.Missing);
        Assert.Equal(["tail.weight"], result.Unexpected);
    }

    [Fact]
    public void LoadStateDict_Strict_ThrowsListingKeys()
    {
        var net = new Net();
        var dict = net.StateDict().Where(kv => kv.Key != "head.bias").ToDictionary(kv => kv.Key, kv => kv.Value);
        var ex = Assert.Throws<InvalidDataException>(() => net.LoadStateDict(dict));
        Assert.Contains("head.bias", ex.Message);
    }

    [Fact]
    public void LoadStateDict_ShapeMismatch_ThrowsNamingKeyAndShapes()
    {
        var net = new Net();
        var dict = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        dict["head.weight"] = Tensor.Zeros(4, 3, 1, 1);
        var ex = Assert.Throws<InvalidDataException>(() => net.LoadStateDict(dict));
        Assert.Contains("head.weight", ex.Message);
        Assert.Contains("[4, 3, 1, 1]", ex.Message);
        Assert.Contains("[4, 3, 3, 3]", ex.Message);
    }

    [Fact]
    public void StateDict_SafeTensorsRoundTrip_RestoresEveryValue()
    {
        Init.DefaultRng = new Random(3);
        var a = new Net();
        var b = new Net();
        string dir = TestData.NewTempDir();
        string path = Path.Combine(dir, "w.safetensors");
        SafeTensorsFile.Write(path, a.StateDict(), new Dictionary<string, string> { ["arch"] = "test" });
        var content = SafeTensorsFile.Read(path);
        Assert.Equal("test", content.Metadata["arch"]);
        b.LoadStateDict(content.Tensors);
        foreach (var ((ka, pa), (kb, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
        {
            Assert.Equal(ka, kb);
            Assert.Equal(pa.Data, pb.Data);
        }
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void Conv2d_DefaultInit_FollowsPyTorchBounds()
    {
        // nn.Conv2d: weight and bias uniform in ±1/√fan_in; fan_in = 16·3·3 = 144 -> bound 1/12.
        var conv = new Conv2d(16, 64, 3, rng: new Random(7));
        float bound = 1f / 12;
        Assert.All(conv.Weight.Data, v => Assert.InRange(v, -bound, bound));
        Assert.All(conv.Bias!.Data, v => Assert.InRange(v, -bound, bound));
        double variance = conv.Weight.Data.Select(v => (double)v * v).Average();
        Assert.InRange(variance, bound * bound / 3 * 0.9, bound * bound / 3 * 1.1);   // uniform: b²/3
    }

    [Fact]
    public void Conv2d_Groups_NotDividingChannels_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Conv2d(6, 4, 3, groups: 4));
        Assert.Contains("groups", ex.Message);
    }

    [Fact]
    public void SafeTensors_CorruptHeader_IsRejected()
    {
        var bytes = SafeTensorsFile.Serialize([new("w", Tensor.Full(1f, 2, 2))]);
        var shortData = bytes[..^4];
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(shortData));
        var hugeHeader = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(hugeHeader.AsSpan(0, 8), ulong.MaxValue / 2);
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(hugeHeader));
        Assert.Equal(4, SafeTensorsFile.Parse(bytes).Tensors["w"].Length);
    }
}
