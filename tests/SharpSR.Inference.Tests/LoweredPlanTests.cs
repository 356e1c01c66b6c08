using SharpSR.Core;
using SharpSR.Core.Autograd;
using SharpSR.Core.Lowering;
using SharpSR.Imaging;
using SharpSR.Models;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Inference.Tests;

/// <summary>
/// Every architecture's lowered plan computes its graph forward: on patches of a real photograph, at two input
/// sizes, and after a weight change and Refresh.
/// </summary>
public class LoweredPlanTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, string?> Networks => new()
    {
        { "s-lwsr", 4, """{"features":16}""" },
        { "s-lwsr", 3, """{"features":32,"pool":"all-former","activations":"half","poolMix":0.3}""" },
        { "s-lwsr", 2, """{"features":16,"pool":"off","compressionExpansion":2}""" },
        { "s-lwsr", 8, """{"features":16,"activations":"rare"}""" },
        { "g-idrn", 4, null },
        { "g-idrn", 2, """{"features":24,"channelShuffle":true,"cfpb":true,"anrb":"inf","reconstruction":"b","shortcuts":"fixed"}""" },
        { "imdn", 4, null },
        { "e-rfdn", 4, null },
        { "pan", 4, null },
        { "urnet", 4, null },
        { "carn-m", 4, null },
        { "carn", 3, null },
        { "span", 4, null },
        { "rlfn", 4, null },
    };

    private static readonly Lazy<Tensor> s_photo = new(() =>
        ImageTensor.ToTensor(ImageIO.Decode(File.ReadAllBytes(Path.Combine(TestData.RepoRoot, "samples", "astronaut_lr.png")))));

    private static Tensor Patch(int top, int left, int h, int w)
    {
        var photo = s_photo.Value;
        var patch = Tensor.Empty(1, 3, h, w);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                Array.Copy(photo.Data, (c * photo.H + top + y) * photo.W + left, patch.Data, (c * h + y) * w, w);
        return patch;
    }

    /// <summary>Every parameter moved a little, so biases and zero-initialised parts (ANRB's output conv) matter.</summary>
    private static void Perturb(SrNetwork net, int seed)
    {
        var rng = new Random(seed);
        foreach (var p in net.Parameters())
            for (int i = 0; i < p.Length; i++) p.Data[i] += (float)(rng.NextDouble() * 0.02 - 0.01);
    }

    /// <summary>
    /// Tolerance on the 0..255 scale: 1e-3 for direct and F(2x2) plans; 2e-3 for F(4x4), whose ~20 float ulps of each
    /// conv's Σ|x·w| add up over SPAN's twenty convolutions with random weights to 1.2e-3 measured (0.036 on outputs to 7800).
    /// </summary>
    private static double Tolerance(ConvAlgorithm conv) => conv == ConvAlgorithm.Winograd ? 2e-3 : 1e-3;

    private double AssertSame(SrNetwork net, IInferencePlan plan, Tensor x, double tolerance = 1e-3)
    {
        Tensor expected;
        using (NoGradScope.Enter()) expected = net.Forward(x);
        var got = plan.Run(x);
        Assert.Equal(expected.ShapeArray, got.ShapeArray);
        double max = 0, range = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected.Data[i] - got.Data[i]));
            range = Math.Max(range, Math.Abs(expected.Data[i]));
        }
        // On the 0..255 scale; random weights can drive an output far past 255 (SPAN's ×255 tail: to ~8000), and there
        // the bound scales with it.
        Assert.True(max <= tolerance * Math.Max(1, range / 255), $"{net.Arch}: the plan differs from the graph by {max:G3} (0..255 scale; outputs up to {range:G4})");
        return max;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Plan_EqualsGraphForward_AtTwoSizes_AndAfterRefresh(string arch, int scale, string? options)
    {
        if (!PackedLowering.IsSupported)
        {
            Assert.Null(ArchRegistry.Create(arch, scale, options).CreateInferencePlan());
            return;
        }
        // The default plan (Winograd F(4x4)) and the exact one (direct).
        foreach (var conv in new[] { PlanOptions.Default.Conv, ConvAlgorithm.Direct })
        {
            var net = ArchRegistry.Create(arch, scale, options);
            Perturb(net, 5);
            using var plan = conv == PlanOptions.Default.Conv ? net.CreateInferencePlan() : net.CreateInferencePlan(new PlanOptions(conv));
            Assert.NotNull(plan);
            double a = AssertSame(net, plan, Patch(40, 30, 24, 20), Tolerance(conv));
            double b = AssertSame(net, plan, Patch(10, 70, 19, 33), Tolerance(conv));
            Perturb(net, 6);
            plan.Refresh();
            double c = AssertSame(net, plan, Patch(40, 30, 24, 20), Tolerance(conv));
            if (plan is LoweredInferencePlan { Plan: { } lowered })
            {
                var (packed, fallback) = lowered.Coverage();
                output.WriteLine($"{arch} {conv}: max diff {a:G3} / {b:G3} / {c:G3}; {packed} nodes packed, graph: {string.Join(", ", fallback.Select(f => $"{f.Key} {f.Value}"))}");
            }
        }
    }

    public static TheoryData<string, int, string?, ConvAlgorithm> WinogradNetworks => new()
    {
        { "s-lwsr", 4, """{"features":16}""", ConvAlgorithm.Winograd },
        { "s-lwsr", 4, """{"features":16}""", ConvAlgorithm.Winograd2 },
        { "s-lwsr", 3, """{"features":32,"pool":"all-former","activations":"half","poolMix":0.3}""", ConvAlgorithm.Winograd },
        { "span", 4, null, ConvAlgorithm.Winograd },
        { "imdn", 4, null, ConvAlgorithm.Winograd },
        { "rlfn", 4, null, ConvAlgorithm.Winograd },
        { "g-idrn", 4, null, ConvAlgorithm.Winograd },   // grouped convs on placed blocks, ESA's gates in 1x1 stores
        { "g-idrn", 4, null, ConvAlgorithm.Winograd2 },
        { "pan", 4, null, ConvAlgorithm.Winograd },
    };

    /// <summary>From 4 groups on (all of CARN-M's 3x3s over 64 channels) grouped convs stay on grouped direct tiles under Winograd.</summary>
    [Fact]
    public void WinogradPlan_LeavesConvsOfFourGroupsDirect()
    {
        if (!PackedLowering.IsSupported) return;
        using var plan = ArchRegistry.Create("carn-m", 4, null).CreateInferencePlan(new PlanOptions(ConvAlgorithm.Winograd));
        var lines = ((LoweredInferencePlan)plan!).Plan!.Describe().ToList();
        Assert.Contains(lines, line => line.Contains("g4 (grouped)"));
        Assert.DoesNotContain(lines, line => line.Contains("winograd"));
    }

    /// <summary>
    /// A plan on the Winograd kernels computes the graph forward within 1e-3 (F(2x2)) or 2e-3 (F(4x4)) on the 0..255
    /// scale (see <see cref="Tolerance"/>): F(4x4)'s rounding is ~20 float ulps of each conv's Σ|x·w| (WinogradConvTests);
    /// odd sizes (19x33) leave partial tiles at the right and bottom.
    /// </summary>
    [Theory]
    [MemberData(nameof(WinogradNetworks))]
    public void WinogradPlan_EqualsGraphForward_AtTwoSizes_AndAfterRefresh(string arch, int scale, string? options, ConvAlgorithm conv)
    {
        if (!PackedLowering.IsSupported) return;   // no plan at all (see above)
        var net = ArchRegistry.Create(arch, scale, options);
        Perturb(net, 7);
        using var plan = net.CreateInferencePlan(new PlanOptions(conv));
        Assert.NotNull(plan);
        var lowered = ((LoweredInferencePlan)plan).Plan!;
        Assert.Contains(lowered.Describe(), line => line.Contains("winograd"));
        double a = AssertSame(net, plan, Patch(40, 30, 24, 20), Tolerance(conv));
        double b = AssertSame(net, plan, Patch(10, 70, 19, 33), Tolerance(conv));
        Perturb(net, 8);
        plan.Refresh();
        double c = AssertSame(net, plan, Patch(40, 30, 24, 20), Tolerance(conv));
        output.WriteLine($"{arch} {conv}: max diff {a:G3} / {b:G3} / {c:G3}");
    }

    [Theory]
    [InlineData(Precision.Bf16)]
    [InlineData(Precision.Int8)]
    public void ReducedPrecision_IsRefusedInOneLine(Precision precision)
    {
        if (!PackedLowering.IsSupported) return;
        var e = Assert.Throws<NotSupportedException>(() => ArchRegistry.Create("s-lwsr16", 4, null).CreateInferencePlan(new PlanOptions(Precision: precision)));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("use fp32", e.Message);
    }
}
