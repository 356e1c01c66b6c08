using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;
using static SharpSR.Core.Tests.Ops.OpTestHelpers;

namespace SharpSR.Core.Tests.Ops;

public class ConcatSplitTests
{
    private static readonly int[] s_base = [2, 3, 4, 5];

    public static TheoryData<int> Axes => new() { 0, 1, 2, 3, -1 };

    [Theory]
    [MemberData(nameof(Axes))]
    public void Concat_ThreeParts_MatchesFiniteDifferences(int axis)
    {
        int ax = axis < 0 ? axis + 4 : axis;
        int[][] shapes = [.. new[] { 1, 3, 2 }.Select(k => { var s = (int[])s_base.Clone(); s[ax] = k; return s; })];
        var rng = new Random(ax);
        GradCheck.Check(t => Core.Ops.Concat(t, axis), xs => NaiveOps.Concat(xs, shapes, ax),
            [.. shapes.Select(s => GradCheck.Random(rng, s))]);
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void Split_EachPart_MatchesFiniteDifferences(int axis)
    {
        int ax = axis < 0 ? axis + 4 : axis;
        int[] shape = (int[])s_base.Clone();
        shape[ax] = 6;
        int[] sizes = [1, 3, 2];
        for (int k = 0, start = 0; k < sizes.Length; start += sizes[k], k++)
        {
            int part = k, from = start;
            GradCheck.Check(t => Core.Ops.Split(t[0], sizes, axis)[part], xs => NaiveOps.Slice(xs[0], shape, ax, from, sizes[part]),
                [GradCheck.Random(new Random(k), shape)]);
        }
    }

    [Fact]
    public void SplitThenConcat_AllPartsUsed_GradientIsOutputGradient()
    {
        var x = GradCheck.Random(new Random(1), 1, 7, 3, 3);
        var parts = Core.Ops.Split(x, [2, 4, 1]);
        var y = Core.Ops.Concat([parts[2], parts[0], parts[1]]);
        var dy = Tensor.Uniform(new Random(2), -1, 1, 1, 7, 3, 3);
        y.Backward(dy);
        var expected = Core.Ops.Concat(Core.Ops.Split(dy, [1, 2, 4]).Skip(1).Append(Core.Ops.Split(dy, [1, 6])[0]).ToArray());
        Assert.Equal(expected.Data, x.Grad!.Data);
    }

    [Fact]
    public void Concat_LargeTensors_MatchesReferenceOnParallelPath()
    {
        var rng = new Random(3);
        var a = Tensor.Uniform(rng, -1, 1, 2, 20, 40, 41);
        var b = Tensor.Uniform(rng, -1, 1, 2, 12, 40, 41);
        var y = Core.Ops.Concat([a, b], 1);
        var expected = NaiveOps.Concat([ToDouble(a), ToDouble(b)], [a.ShapeArray, b.ShapeArray], 1);
        Assert.Equal(expected.Select(v => (float)v).ToArray(), y.Data);
    }

    [Fact]
    public void Concat_MismatchOutsideAxis_ThrowsNamingShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.Concat([Tensor.Zeros(1, 2, 3, 3), Tensor.Zeros(1, 2, 4, 3)], 1));
        Assert.Contains("Concat", ex.Message);
        Assert.Contains("[1, 2, 4, 3]", ex.Message);
    }

    [Fact]
    public void Split_SizesNotSummingToAxis_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.Split(Tensor.Zeros(1, 5, 2, 2), [2, 2]));
        Assert.Contains("Split", ex.Message);
    }
}
