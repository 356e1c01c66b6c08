using SharpSR.Core;
using SharpSR.Core.Nn;
using SharpSR.Core.Tracing;
using SharpSR.Models;
using Xunit;

namespace SharpSR.Onnx.Tests;

public class SizeSymbolicTracerTests
{
    private static SymbolicGraph TraceDynamic(Module net, int minSide = 1) => SizeSymbolicTracer.TraceDynamic(net, net.Forward, 1, 3, minSide);

    private static SymbolicSize[][] SizesOf(SymbolicGraph g, string op) =>
        g.Graph.Nodes.Where(n => n.Op == op).Select(g.SizesOf).ToArray();

    // G-IDRN's ANRB flattens each one-channel map to [1, H·W] and folds the context back to [1, 1, H, W]; its ESA
    // blocks resize the pooled attention back to H×W.
    [Fact]
    public void TraceDynamic_GIdrn_ClassifiesAreaHeightAndWidth()
    {
        var net = ArchRegistry.Create("g-idrn", 4, """{"features":8}""");
        var g = TraceDynamic(net, net.MinInputSize);
        Assert.True(g.IsDynamic);
        var reshapes = SizesOf(g, "Reshape");
        Assert.Contains(reshapes, s => s.SequenceEqual([SymbolicSize.Constant(1), new SymbolicSize(SizeTerm.Area, 1)]));
        Assert.Contains(reshapes, s => s.SequenceEqual([SymbolicSize.Constant(1), SymbolicSize.Constant(1), new SymbolicSize(SizeTerm.Height, 1), new SymbolicSize(SizeTerm.Width, 1)]));
        Assert.Contains(reshapes, s => s.SequenceEqual([SymbolicSize.Constant(1), SymbolicSize.Constant(64)]));   // the 8x8 pool stays 64
        Assert.All(SizesOf(g, "ResizeBilinear"), s => Assert.Equal([new SymbolicSize(SizeTerm.Height, 1), new SymbolicSize(SizeTerm.Width, 1)], s));
    }

    // PAN's image skip is a bilinear resize to (4H, 4W).
    [Fact]
    public void TraceDynamic_Pan_ResizeTargetIsScaleTimesTheInput()
    {
        var g = TraceDynamic(ArchRegistry.Create("pan", 4, """{"features":8,"upsampleFeatures":8,"blocks":1}"""));
        var resize = Assert.Single(SizesOf(g, "ResizeBilinear"));
        Assert.Equal([new SymbolicSize(SizeTerm.Height, 4), new SymbolicSize(SizeTerm.Width, 4)], resize);
        Assert.Equal((40, 28), (resize[0].Evaluate(10, 7), resize[1].Evaluate(10, 7)));
    }

    [Fact]
    public void TraceDynamic_SizeThatIsNoMultiple_RefusedWithTheReason()
    {
        var net = new Lambda(x => Ops.ResizeBilinear(x, x.H + 1, x.W));
        var e = Assert.Throws<NotSupportedException>(() => TraceDynamic(net));
        Assert.Contains("not a multiple of the height, width or area", e.Message);
    }

    [Fact]
    public void TraceDynamic_OpsThatDependOnTheSize_RefusedWithTheReason()
    {
        var net = new Lambda(x => x.H > 16 ? Ops.Relu(Ops.Sigmoid(x)) : Ops.Relu(x));
        var e = Assert.Throws<NotSupportedException>(() => TraceDynamic(net));
        Assert.Contains("export at a fixed size", e.Message);
    }

    [Fact]
    public void TraceFixed_EverySizeIsTheTracedConstant()
    {
        var net = new Lambda(x => Ops.ResizeBilinear(x, 2 * x.H, x.W + 3));
        var g = SizeSymbolicTracer.TraceFixed(net, net.Forward, Tensor.Zeros(1, 3, 5, 6));
        Assert.False(g.IsDynamic);
        Assert.Equal([SymbolicSize.Constant(10), SymbolicSize.Constant(9)], Assert.Single(SizesOf(g, "ResizeBilinear")));
    }
}
