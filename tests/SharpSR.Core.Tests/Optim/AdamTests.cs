using SharpSR.Core.Nn;
using SharpSR.Core.Optim;
using SharpSR.Core.Serialization;
using SharpSR.Testing;
using Xunit;
using static SharpSR.Core.Tests.Ops.OpTestHelpers;

namespace SharpSR.Core.Tests.Optim;

public class AdamTests
{
    private static readonly string[] s_mlpNames = ["w1", "b1", "w2", "b2"];

    /// <summary>The fixture's tiny MLP: sigmoid(x·w1 + b1)·w2 + b2 under an L1 loss.</summary>
    private sealed class Mlp
    {
        public Mlp(IReadOnlyDictionary<string, Tensor> golden) =>
            Params = s_mlpNames.Select(n => (n, new Parameter(golden["init." + n].Clone()))).ToArray();

        public (string Name, Parameter Param)[] Params { get; }

        public Tensor Loss(Tensor x, Tensor target)
        {
            Tensor P(int i) => Params[i].Param;
            var h = Core.Ops.Sigmoid(Core.Ops.MatMul(x, P(0)) + P(1));
            return Core.Ops.L1Loss(Core.Ops.MatMul(h, P(2)) + P(3), target);
        }
    }

    private static List<float> Train(Func<Tensor> loss, IOptimizer opt, int steps)
    {
        var losses = new List<float>();
        for (int i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            var l = loss();
            l.Backward();
            opt.Step();
            losses.Add(l.Item());
        }
        return losses;
    }

    [Fact]
    public void Adam_MlpTenSteps_MatchesPyTorch()
    {
        var golden = LoadGolden("adam_mlp.safetensors");
        var mlp = new Mlp(golden);
        var adam = new Adam(mlp.Params, learningRate: 1e-2f);
        var losses = Train(() => mlp.Loss(golden["x"], golden["target"]), adam, 10);

        TensorAssert.Close(golden["losses"].Data, losses.ToArray(), 1e-6, 1e-5, "losses");
        foreach (var (name, p) in mlp.Params)
        {
            var expected = golden["final." + name];
            Assert.True(TensorAssert.RelativeMaxDiff(expected.Data, p.Data) <= 1e-5,
                $"{name}: relative max diff {TensorAssert.RelativeMaxDiff(expected.Data, p.Data):G3} after 10 steps");
            // The parameters must actually have moved, or the comparison above proves nothing.
            Assert.True(TensorAssert.RelativeMaxDiff(golden["init." + name].Data, expected.Data) > 1e-3);
        }
    }

    /// <summary>Needs Ops.Conv2d (implemented on the conv branch); fails with NotImplementedException until it lands.</summary>
    [Fact]
    public void Adam_ConvNetTenSteps_MatchesPyTorch()
    {
        var golden = LoadGolden("adam_conv.safetensors");
        var net = new Sequential(new Conv2d(3, 4, 3), new Relu(), new Conv2d(4, 3, 3));
        var init = golden.Where(kv => kv.Key.StartsWith("init.", StringComparison.Ordinal))
                         .ToDictionary(kv => kv.Key["init.".Length..], kv => kv.Value.Clone());
        Assert.True(net.LoadStateDict(init).IsExact);
        var adam = new Adam(net, learningRate: 1e-2f);
        var losses = Train(() => Core.Ops.L1Loss(net.Forward(golden["x"]), golden["target"]), adam, 10);

        TensorAssert.Close(golden["losses"].Data, losses.ToArray(), 1e-6, 1e-5, "losses");
        foreach (var (name, p) in net.NamedParameters())
            Assert.True(TensorAssert.RelativeMaxDiff(golden["final." + name].Data, p.Data) <= 1e-5,
                $"{name}: relative max diff {TensorAssert.RelativeMaxDiff(golden["final." + name].Data, p.Data):G3} after 10 steps");
    }

    [Fact]
    public void Adam_ExportImportMidRun_ResumesBitForBit()
    {
        var golden = LoadGolden("adam_mlp.safetensors");
        Tensor x = golden["x"], t = golden["target"];

        var straight = new Mlp(golden);
        var adamStraight = new Adam(straight.Params, learningRate: 1e-2f);
        Train(() => straight.Loss(x, t), adamStraight, 10);

        var first = new Mlp(golden);
        var adamFirst = new Adam(first.Params, learningRate: 1e-2f);
        Train(() => first.Loss(x, t), adamFirst, 5);
        // Through the checkpoint format, as a training resume would go.
        var state = SafeTensorsFile.Parse(SafeTensorsFile.Serialize(adamFirst.ExportState())).Tensors;
        var weights = first.Params.ToDictionary(p => p.Name, p => p.Param.Clone());

        var resumed = new Mlp(golden);
        foreach (var (name, p) in resumed.Params) p.CopyFrom(weights[name]);
        var adamResumed = new Adam(resumed.Params, learningRate: 1e-2f);
        adamResumed.ImportState(state);
        Assert.Equal(5, adamResumed.StepCount);
        Train(() => resumed.Loss(x, t), adamResumed, 5);

        for (int i = 0; i < s_mlpNames.Length; i++)
            Assert.Equal(straight.Params[i].Param.Data, resumed.Params[i].Param.Data);
    }

    [Fact]
    public void Adam_ParameterWithoutGradient_IsLeftAlone()
    {
        var a = new Parameter(Tensor.Full(1f, 3));
        var b = new Parameter(Tensor.Full(1f, 3));
        var adam = new Adam([("a", a), ("b", b)], learningRate: 0.1f);
        a.Grad = Tensor.Full(1f, 3);
        adam.Step();
        Assert.All(b.Data, v => Assert.Equal(1f, v));
        Assert.All(a.Data, v => Assert.True(v < 1f));
        Assert.Equal(0f, adam.ExportState()["b.step"].Item());
        Assert.Equal(1f, adam.ExportState()["a.step"].Item());
    }

    [Fact]
    public void Adam_FirstStep_MovesEachWeightByLearningRate()
    {
        // After one step m̂ = g and v̂ = g², so every weight moves by lr·g/(|g| + eps) ≈ lr against its gradient.
        var p = new Parameter(Tensor.Zeros(4));
        var adam = new Adam([("p", p)], learningRate: 0.01f);
        p.Grad = new Tensor([0.5f, -2f, 3e-3f, -7f], 4);
        adam.Step();
        for (int i = 0; i < 4; i++)
            Assert.Equal(-0.01 * Math.Sign(p.Grad.Data[i]), p.Data[i], 1e-6);
    }

    [Fact]
    public void Adam_ImportStateWithWrongShape_ThrowsNamingKey()
    {
        var adam = new Adam([("w", new Parameter(Tensor.Zeros(2, 2)))]);
        var state = new Dictionary<string, Tensor>
        {
            ["w.step"] = Tensor.Scalar(3),
            ["w.exp_avg"] = Tensor.Zeros(4),
            ["w.exp_avg_sq"] = Tensor.Zeros(2, 2),
        };
        var ex = Assert.Throws<InvalidDataException>(() => adam.ImportState(state));
        Assert.Contains("w.exp_avg", ex.Message);
    }

    [Fact]
    public void Adam_InvalidBeta_Throws() =>
        Assert.Throws<ArgumentException>(() => new Adam([("w", new Parameter(Tensor.Zeros(1)))], beta1: 1.0));
}
