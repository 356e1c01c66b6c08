using SharpSR.Core.Tests.Reference;
using SharpSR.Testing;
using Xunit;
using static SharpSR.Core.Tests.Ops.OpTestHelpers;

namespace SharpSR.Core.Tests.Ops;

public class ArithmeticTests
{
    // Equal shapes, the per-channel / per-sample / scalar fast paths on the right, the left side
    // broadcasting, both sides broadcasting, rank differences, and odd lengths for SIMD tails.
    private static readonly (string A, string B)[] s_pairs =
    [
        ("2,3,5,7", "2,3,5,7"),
        ("37", "37"),
        ("2,3,5,7", "1,3,1,1"),
        ("2,3,5,7", "2,3,1,1"),
        ("2,3,5,7", "2,1,1,1"),
        ("2,3,5,7", "1"),
        ("3,17", "17"),
        ("2,3,4,5", "4,1"),
        ("1,3,1,1", "2,3,4,5"),
        ("4,1,5", "1,6,1"),
        ("1", "3,19"),
        ("5", "3,5"),
        ("2,1,3,1", "1,4,1,9"),
    ];

    public static TheoryData<string, string, string> OpsAndPairs
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var op in new[] { "Add", "Sub", "Mul" })
                foreach (var (a, b) in s_pairs) data.Add(op, a, b);
            return data;
        }
    }

    private static Func<Tensor, Tensor, Tensor> OpOf(string name) => name switch
    {
        "Add" => Core.Ops.Add,
        "Sub" => Core.Ops.Sub,
        _ => Core.Ops.Mul,
    };

    private static Func<double, double, double> RefOf(string name) => name switch
    {
        "Add" => (a, b) => a + b,
        "Sub" => (a, b) => a - b,
        _ => (a, b) => a * b,
    };

    [Theory]
    [MemberData(nameof(OpsAndPairs))]
    public void Binary_Broadcast_MatchesReferenceAndFiniteDifferences(string op, string aShape, string bShape)
    {
        int[] sa = ParseShape(aShape), sb = ParseShape(bShape);
        var rng = new Random(aShape.Length * 31 + bShape.Length);
        var f = OpOf(op);
        var r = RefOf(op);
        GradCheck.Check(t => f(t[0], t[1]), xs => NaiveOps.Broadcast(xs[0], sa, xs[1], sb, r),
            [GradCheck.Random(rng, sa), GradCheck.Random(rng, sb)]);
    }

    [Theory]
    [MemberData(nameof(OpsAndPairs))]
    public void Binary_Broadcast_OutputHasBroadcastShape(string op, string aShape, string bShape)
    {
        int[] sa = ParseShape(aShape), sb = ParseShape(bShape);
        var y = OpOf(op)(Tensor.Zeros(sa), Tensor.Zeros(sb));
        Assert.Equal(NaiveOps.BroadcastShape(sa, sb), y.ShapeArray);
    }

    [Theory]
    [InlineData(1)] [InlineData(7)] [InlineData(8)] [InlineData(15)] [InlineData(16)] [InlineData(17)] [InlineData(63)] [InlineData(1001)]
    public void Add_PerChannelOnLargePlanes_MatchesReference(int planeLength)
    {
        var rng = new Random(planeLength);
        var a = Tensor.Uniform(rng, -1, 1, 2, 3, planeLength);
        var b = Tensor.Uniform(rng, -1, 1, 1, 3, 1);
        var y = Core.Ops.Add(a, b);
        var expected = NaiveOps.Broadcast(ToDouble(a), [2, 3, planeLength], ToDouble(b), [1, 3, 1], (p, q) => p + q);
        TensorAssert.Close(expected.Select(v => (float)v).ToArray(), y.Data, 1e-6, 1e-6);
    }

    [Fact]
    public void Add_IncompatibleShapes_ThrowsNamingOpAndShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.Add(Tensor.Zeros(2, 3), Tensor.Zeros(4)));
        Assert.Contains("Add", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
    }

    [Fact]
    public void Mul_IncompatibleShapes_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Core.Ops.Mul(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3, 1, 5)));
        Assert.Contains("Mul", ex.Message);
    }

    [Theory]
    [InlineData(1)] [InlineData(9)] [InlineData(33)]
    public void AddScalar_Any_MatchesFiniteDifferences(int n)
    {
        GradCheck.Check(t => Core.Ops.AddScalar(t[0], 0.75f), xs => NaiveOps.Map(xs[0], v => v + 0.75),
            [GradCheck.Random(new Random(n), 3, n)]);
    }

    [Theory]
    [InlineData(1)] [InlineData(9)] [InlineData(33)]
    public void MulScalar_Any_MatchesFiniteDifferences(int n)
    {
        GradCheck.Check(t => Core.Ops.MulScalar(t[0], -1.5f), xs => NaiveOps.Map(xs[0], v => v * -1.5),
            [GradCheck.Random(new Random(n), 3, n)]);
    }

    [Fact]
    public void Operators_SameTensorTwice_AccumulatesBothGradients()
    {
        // y = x·x + x - 2  →  dy/dx = 2x + 1
        var x = GradCheck.Random(new Random(3), 11);
        var y = x * x + x - 2f;
        y.Backward(Tensor.Full(1f, 11));
        for (int i = 0; i < 11; i++) Assert.Equal(2 * x.Data[i] + 1, x.Grad!.Data[i], 5);
    }

    [Fact]
    public void Add_EmptyBroadcast_ReturnsEmptyAndBackpropagates()
    {
        var a = Tensor.Zeros(0, 3); a.RequiresGrad = true;
        var b = Tensor.Zeros(3); b.RequiresGrad = true;
        var y = Core.Ops.Add(a, b);
        Assert.Equal([0, 3], y.ShapeArray);
        y.Backward(Tensor.Zeros(0, 3));
        Assert.Equal(new float[3], b.Grad!.Data);
    }
}
