using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Tracing;
using Xunit;

namespace SharpSR.Models.Tests;

public class TracingTests
{
    public static TheoryData<string, int, string?> Networks => new()
    {
        { "s-lwsr", 4, """{"features":8}""" },
        { "s-lwsr", 3, """{"features":8,"pool":"all-former","activations":"half","compressionExpansion":2}""" },
        { "imdn", 2, """{"features":16,"blocks":2}""" },
        { "pan", 4, """{"features":8,"upsampleFeatures":8,"blocks":2}""" },
        { "e-rfdn", 4, """{"features":8,"blocks":2}""" },
        { "urnet", 2, """{"features":32}""" },
        { "carn-m", 3, null },
        { "span", 4, null },
        { "span", 2, """{"folded":false}""" },
        { "rlfn", 4, null },
        { "g-idrn", 4, """{"features":8}""" },
        { "g-idrn", 2, """{"features":8,"channelShuffle":true,"cfpb":true,"anrb":"inf","reconstruction":"b","shortcuts":"fixed"}""" },
    };

    // The trace holds every op with what it needs: replayed on the graph kernels it gives the forward's output
    // bit for bit, and it reads every parameter of the network by its state-dict key.
    [Theory]
    [MemberData(nameof(Networks))]
    public void Trace_ReplayedByTheInterpreter_EqualsTheForward(string arch, int scale, string? options)
    {
        var net = ArchRegistry.Create(arch, scale, options);
        var rng = new Random(7);
        foreach (var p in net.Parameters())   // random weights, so zero-initialised parts (ANRB's output conv) matter
            for (int i = 0; i < p.Length; i++) p.Data[i] += (float)(rng.NextDouble() * 0.02 - 0.01);
        var x = Tensor.Uniform(new Random(1), 0, 255, 1, 3, 17, 19);
        Tensor expected;
        using (NoGradScope.Enter()) expected = net.Forward(x);

        var graph = GraphTracer.Trace(net, x);
        Tensor replayed;
        using (NoGradScope.Enter()) replayed = GraphInterpreter.Run(graph, x);

        Assert.Equal(expected.ShapeArray, replayed.ShapeArray);
        Assert.Equal(expected.Data, replayed.Data);
        var traced = graph.Parameters.Select(v => v.Name!).ToHashSet();
        // CARN-M's released layout keeps the x2, x3 and x4 upsampler heads; one of them runs.
        foreach (var (name, _) in net.NamedParameters().Where(np => !(arch == "carn-m" && np.Name.StartsWith("upsample.up", StringComparison.Ordinal) && !np.Name.StartsWith($"upsample.up{scale}", StringComparison.Ordinal))))
            Assert.Contains(name, traced);
        Assert.DoesNotContain(graph.Values, v => v.Kind == TracedValueKind.Constant && v.Shape.Length > 1 && v.Shape.Aggregate(1, (a, b) => a * b) > 64);
    }

    [Fact]
    public void Trace_GIdrn_HasTheExpectedOps()
    {
        var net = ArchRegistry.Create("g-idrn", 4, """{"features":8}""");
        var ops = GraphTracer.Trace(net, Tensor.Uniform(new Random(2), 0, 255, 1, 3, 16, 16)).OpCounts();
        Assert.Equal(1, ops["ScalarAttention"]);
        Assert.Equal(4 * 2, ops["AdaptiveAvgPool2d"]);            // key and value pyramids of sizes 1, 3, 6, 8
        Assert.Equal(6, ops["MaxPool2d"]);                       // one ESA per block
        Assert.Equal(2 * 3 + 2, ops["PixelShuffle"] + 6);        // the two reconstruction paths
    }

    [Fact]
    public void Interpreter_OtherInputSize_RefusedWithAClearMessage()
    {
        var net = ArchRegistry.Create("g-idrn", 2, """{"features":8}""");
        var graph = GraphTracer.Trace(net, Tensor.Uniform(new Random(2), 0, 255, 1, 3, 16, 16));
        var e = Assert.Throws<ArgumentException>(() => GraphInterpreter.Run(graph, Tensor.Zeros(1, 3, 20, 16)));
        Assert.Contains("trace again", e.Message);
    }
}
