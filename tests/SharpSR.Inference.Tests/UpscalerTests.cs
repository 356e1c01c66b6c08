using SharpSR.Core;
using SharpSR.Models;
using SharpSR.Inference;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Inference.Tests;

public class UpscalerTests
{
    private static SrNetwork TinyNet(int scale)
    {
        SharpSR.Core.Nn.Init.DefaultRng = new Random(5);
        return ArchRegistry.Create("s-lwsr", scale, """{"features":4}""");
    }

    [Theory]
    [InlineData(4, 16)]
    [InlineData(3, 23)]
    public void Tiled_EqualsUntiled(int scale, int tile)
    {
        var net = TinyNet(scale);
        var lr = Tensor.Uniform(new Random(1), 0, 255, 1, 3, 61, 47);
        var up = new Upscaler(net);
        var whole = up.Upscale(lr);
        var tiled = up.Upscale(lr, tile: tile);
        float max = 0;
        for (int i = 0; i < whole.Length; i++) max = Math.Max(max, Math.Abs(whole.Data[i] - tiled.Data[i]));
        Assert.True(max < 1e-3f, $"tiled differs from untiled by {max}");
    }

    /// <summary>One upscaler reused over images of different sizes (its plan's maps, or without the packed kernels
    /// its arena, trimmed and refilled) gives each image the network's plain forward pass: exactly on the graph,
    /// within float rounding on the lowered plan.</summary>
    [Fact]
    public void Reused_AcrossImageSizes_EqualsThePlainForwardPass()
    {
        var net = TinyNet(2);
        Assert.True(net.RecyclesIntermediates);
        var up = new Upscaler(net);
        var rng = new Random(3);
        foreach (var (h, w) in new[] { (17, 23), (31, 9), (17, 23), (23, 17) })
        {
            var lr = Tensor.Uniform(rng, 0, 255, 1, 3, h, w);
            float[] expected;
            using (Core.Autograd.NoGradScope.Enter()) expected = net.Forward(lr).Data;
            var got = up.Upscale(lr).Data;
            if (SharpSR.Core.Lowering.PackedLowering.IsSupported) TensorAssert.Close(expected, got, atol: 1e-3, rtol: 0, "upscaled");
            else Assert.Equal(expected, got);
        }
    }

    /// <summary>The margin decides what a tile sees: none loses the context at tile seams, the receptive field restores it.</summary>
    [Fact]
    public void Margin_BelowTheReceptiveField_ChangesSeams_AtItEqualsOnePass()
    {
        var net = TinyNet(2);
        var lr = Tensor.Uniform(new Random(4), 0, 255, 1, 3, 40, 36);
        var whole = new Upscaler(net).Upscale(lr);
        double MaxDiff(int margin)
        {
            var tiled = new Upscaler(net) { Margin = margin }.Upscale(lr, tile: 12);
            return whole.Data.Zip(tiled.Data, (a, b) => Math.Abs(a - b)).Max();
        }
        Assert.True(MaxDiff(0) > 0.1, "tiles without a margin should differ at their seams");
        Assert.True(MaxDiff(net.ReceptiveFieldRadius) < 1e-3);
    }

    /// <summary>
    /// G-IDRN tiles with a measured margin far below its receptive field (ANRB and ESA look at the whole window, so no
    /// margin is exact); with the committed training checkpoint's weights the tiled result stays within ~60 dB of one pass.
    /// </summary>
    [Fact]
    public void GIdrn_TiledWithItsMargin_StaysCloseToOnePass()
    {
        string checkpoint = Path.Combine(SharpSR.Testing.TestData.RepoRoot, "models", "training", "g-idrn_x4", "state.safetensors");
        var net = ModelFile.Load(checkpoint);
        Assert.True(net.TileMargin < net.ReceptiveFieldRadius);
        var image = SharpSR.Imaging.ImageIO.Load(Path.Combine(SharpSR.Testing.TestData.RepoRoot, "samples", "astronaut_lr.png"));
        var lr = SharpSR.Imaging.ImageTensor.ToTensor(image);
        var whole = new Upscaler(net).Upscale(lr);
        var tiled = new Upscaler(net).Upscale(lr, tile: 40);   // windows of 40 + 2·32 = 104 < 128: real tiles
        double squares = whole.Data.Zip(tiled.Data, (a, b) => (double)(a - b) * (a - b)).Sum();
        double psnr = 10 * Math.Log10(255.0 * 255.0 * whole.Length / squares);
        Assert.True(psnr > 60, $"tiled g-idrn is {psnr:F1} dB from one pass");
    }

    [Fact]
    public void Ensemble_OfEquivariantNetwork_EqualsPlainOutput()
    {
        // A network of one centred, symmetric 3x3 blur is equivariant to flips and rotations,
        // so the self-ensemble must reproduce it; a wrong inverse transform would not.
        var lr = Tensor.Uniform(new Random(2), 0, 255, 1, 3, 9, 13);
        var net = new SymmetricBlurNet();
        var plain = new Upscaler(net).Upscale(lr);
        var ens = new Upscaler(net).Upscale(lr, ensemble: true);
        for (int i = 0; i < plain.Length; i++) Assert.True(Math.Abs(plain.Data[i] - ens.Data[i]) < 1e-3f, $"[{i}] plain {plain.Data[i]} vs ensemble {ens.Data[i]}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Dihedral_InvertUndoesApply(int mode)
    {
        var rng = new Random(mode);
        int c = 2, h = 5, w = 7;
        var x = Enumerable.Range(0, c * h * w).Select(_ => (float)rng.NextDouble()).ToArray();
        var t = new float[x.Length];
        var back = new float[x.Length];
        for (int m = 0; m < 8; m++)
        {
            Dihedral.Apply(x, t, c, h, w, m);
            Dihedral.Invert(t, back, c, h, w, m);
            Assert.Equal(x, back);
        }
    }

    private sealed class SymmetricBlurNet : SrNetwork
    {
        private readonly Tensor _w = new([.. Enumerable.Repeat(new float[] { 1, 2, 1, 2, 4, 2, 1, 2, 1 }.Select(v => v / 16f), 3).SelectMany(v => v)], 3, 1, 3, 3);

        public override string Arch => "test";
        public override int Scale => 2;
        public override object Options => new();
        public override int ReceptiveFieldRadius => 1;

        public override Tensor Forward(Tensor x) =>
            Ops.UpsampleNearest(Ops.Conv2d(x, _w, null, Conv2dOptions.Same(3, groups: 3)), 2);
    }
}
