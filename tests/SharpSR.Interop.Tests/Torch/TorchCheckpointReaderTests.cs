using SharpSR.Core;
using SharpSR.Core.Serialization;
using SharpSR.Interop.Torch;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Torch;

/// <summary>The committed fixtures of tests/fixtures/gen/make_pt_fixtures.py, compared with torch's own values.</summary>
public class TorchCheckpointReaderTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, Tensor>> s_expected =
        new(() => SafeTensorsFile.Read(TestData.RequireFixture("torch/expected.safetensors")).Tensors);

    private static Dictionary<string, Tensor> Expected(string group) =>
        s_expected.Value.Where(p => p.Key.StartsWith(group + "/", StringComparison.Ordinal))
                        .ToDictionary(p => p.Key[(group.Length + 1)..], p => p.Value);

    private static TorchCheckpoint ReadFixture(string name, TorchReadOptions? options = null) =>
        TorchCheckpointReader.Read(TestData.RequireFixture("torch/" + name), options);

    [Theory]
    [InlineData("state_legacy.pt", TorchCheckpointFormat.Legacy)]
    [InlineData("state_zip.pt", TorchCheckpointFormat.Zip)]
    public void Read_StateDictFixture_MatchesTorchBitForBit(string file, TorchCheckpointFormat format)
    {
        var ckpt = ReadFixture(file);
        var expected = Expected("state");

        Assert.Equal(format, ckpt.Format);
        Assert.Equal(expected.Keys, ckpt.Tensors.Keys);          // same keys, same (file) order
        foreach (var (key, want) in expected)
            TensorAssert.Close(want, ckpt.Tensors[key], 0, 0, key);
        Assert.Empty(ckpt.WrapperPath);
        Assert.Equal(0, ckpt.PrefixStripped);
        Assert.Empty(ckpt.Skipped);
    }

    [Theory]
    [InlineData("state_legacy.pt")]
    [InlineData("state_zip.pt")]
    public void Read_StateDictFixture_ReportsDtypesAndGeometry(string file)
    {
        var ckpt = ReadFixture(file);

        Assert.Equal(TorchDType.Float32, ckpt.Info["0.weight"].DType);
        Assert.Equal(TorchDType.Float64, ckpt.Info["f64"].DType);
        Assert.Equal(TorchDType.Float16, ckpt.Info["f16"].DType);
        Assert.Equal(TorchDType.BFloat16, ckpt.Info["bf16"].DType);
        Assert.Equal(TorchDType.Int64, ckpt.Info["1.num_batches_tracked"].DType);
        Assert.Equal(12345f, ckpt.Tensors["1.num_batches_tracked"].Item());
        Assert.Equal([3f, -1f, 7f], ckpt.Tensors["int_vec"].Data);

        Assert.Empty(ckpt.Info["scalar"].TorchShape);                 // 0-dim in torch ...
        Assert.Equal([1], ckpt.Tensors["scalar"].ShapeArray);         // ... a 1-element vector here
        Assert.Equal(2.5f, ckpt.Tensors["scalar"].Item());
        Assert.Equal([0, 3], ckpt.Tensors["empty"].ShapeArray);

        Assert.False(ckpt.Info["transposed"].WasContiguous);
        Assert.False(ckpt.Info["permuted"].WasContiguous);
        Assert.False(ckpt.Info["every_other"].WasContiguous);
        Assert.True(ckpt.Info["0.weight"].WasContiguous);
        Assert.Equal([2, 4, 5, 3], ckpt.Tensors["permuted"].ShapeArray);

        Assert.Equal(ckpt.Info["shared_a"].StorageKey, ckpt.Info["shared_b"].StorageKey);
        Assert.Equal(2, ckpt.Info["shared_a"].StorageOffset);
        Assert.Equal(10, ckpt.Info["shared_b"].StorageOffset);
    }

    [Fact]
    public void Read_TensorsSharingAStorage_DoNotAliasEachOther()
    {
        var ckpt = ReadFixture("state_legacy.pt");
        var a = ckpt.Tensors["shared_a"];
        var b = ckpt.Tensors["shared_b"];
        float bBefore = b.Data[0];

        a.Data.AsSpan().Fill(-99f);

        Assert.NotSame(a.Data, b.Data);
        Assert.Equal(bBefore, b.Data[0]);
        Assert.Equal(ReadFixture("state_legacy.pt").Tensors["every_other"].Data, ckpt.Tensors["every_other"].Data);
    }

    [Theory]
    [InlineData("ema_legacy.pt")]
    [InlineData("ema_zip.pt")]
    public void Read_ParamsAndParamsEma_PrefersEmaAndStripsModule(string file)
    {
        var ckpt = ReadFixture(file);
        var ema = Expected("ema");

        Assert.Equal(["params_ema"], ckpt.WrapperPath);
        Assert.Equal(3, ckpt.PrefixStripped);
        Assert.Equal(ema.Keys, ckpt.Tensors.Keys);
        foreach (var (key, want) in ema)
            TensorAssert.Close(want, ckpt.Tensors[key], 0, 0, key);
        Assert.Equal(ema.Keys.OrderBy(k => k), ckpt.Info.Keys.OrderBy(k => k));
    }

    [Fact]
    public void Read_StripDisabled_KeepsModulePrefix()
    {
        var ckpt = ReadFixture("ema_legacy.pt", new TorchReadOptions(StripPrefixes: false));

        Assert.Equal(0, ckpt.PrefixStripped);
        Assert.All(ckpt.Tensors.Keys, k => Assert.StartsWith("module.", k));
    }

    [Fact]
    public void Read_UnwrapDisabledOnWrapper_FailsSayingNoTensors()
    {
        var e = Assert.Throws<InvalidDataException>(() => ReadFixture("ema_legacy.pt", new TorchReadOptions(Unwrap: false)));

        Assert.Contains("holds no tensors", e.Message);
        Assert.Contains("params_ema", e.Message);
    }

    [Fact]
    public void Read_NestedWrappers_FollowsStateDictThenModel()
    {
        var ckpt = ReadFixture("wrapped_state_dict_zip.pt");
        var nested = Expected("nested");

        Assert.Equal(["state_dict", "model"], ckpt.WrapperPath);
        Assert.Equal(nested.Keys, ckpt.Tensors.Keys);
        foreach (var (key, want) in nested)
            TensorAssert.Close(want, ckpt.Tensors[key], 0, 0, key);
    }

    [Fact]
    public void Load_LegacyAndZipOfSameDict_GiveEqualTensors()
    {
        var legacy = TorchCheckpointReader.Load(TestData.RequireFixture("torch/state_legacy.pt"));
        var zip = TorchCheckpointReader.Load(TestData.RequireFixture("torch/state_zip.pt"));

        Assert.Equal(legacy.Keys, zip.Keys);
        foreach (var (key, t) in legacy)
            TensorAssert.Close(t, zip[key], 0, 0, key);
    }

    [Fact]
    public void Read_NonTensorEntries_AreReportedAsSkipped()
    {
        var pickle = new PickleBytes().Proto().EmptyDict()
            .Str("epoch").Int(3).SetItem()
            .Str("w").Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(2).Tuple().PersId()
                .Int(0).IntTuple([2]).IntTuple([1]).False().None().Tuple().Reduce().SetItem()
            .Stop().ToArray();

        var ckpt = TorchCheckpointReader.Parse(FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Floats(1.5f, -2f))]));

        Assert.Equal([1.5f, -2f], ckpt.Tensors["w"].Data);
        var skipped = Assert.Single(ckpt.Skipped);
        Assert.Equal("epoch", skipped.Key);
        Assert.Contains("not a tensor", skipped.Reason);
    }

    [Theory]
    [InlineData(new long[] { 2, 3 }, new long[] { 1, 2 }, 0, new float[] { 0, 2, 4, 1, 3, 5 })]          // transposed [3,2]
    [InlineData(new long[] { 2, 2 }, new long[] { 3, 1 }, 1, new float[] { 1, 2, 4, 5 })]                // row-strided window
    [InlineData(new long[] { 3 }, new long[] { 2 }, 1, new float[] { 1, 3, 5 })]                         // step 2
    [InlineData(new long[] { 2, 1, 2 }, new long[] { 1, 99, 3 }, 0, new float[] { 0, 3, 1, 4 })]         // size-1 dim with odd stride
    [InlineData(new long[] { 2, 3 }, new long[] { 0, 1 }, 0, new float[] { 0, 1, 2, 0, 1, 2 })]          // broadcast (stride 0)
    public void Read_StridedView_GathersLikeTorch(long[] size, long[] stride, long offset, float[] expected)
    {
        var ckpt = TorchCheckpointReader.Parse(FakeCheckpoint.LegacyOne(offset, size, stride, storageNumel: 6));

        Assert.Equal(expected, ckpt.Tensors["w"].Data);
        Assert.Equal(size.Select(d => (int)d), ckpt.Tensors["w"].ShapeArray);
    }

    [Fact]
    public void Read_LegacyViewStorage_AddsTheViewOffset()
    {
        byte[] pickle = FakeCheckpoint.ViewPickle(rootNumel: 6, viewOffset: 2, viewSize: 3, offset: 1, size: [2], stride: [1]);

        var ckpt = TorchCheckpointReader.Parse(FakeCheckpoint.Legacy(pickle, [("0", 6, FakeCheckpoint.Range(6))]));

        Assert.Equal([3f, 4f], ckpt.Tensors["w"].Data);
        Assert.Equal(3, ckpt.Info["w"].StorageOffset);
    }

    [Fact]
    public void Read_SameTensorUnderTwoKeys_GivesEqualButSeparateArrays()
    {
        // Tied weights: torch pickles the tensor once and refers to it again through the memo.
        var pickle = new PickleBytes().Proto().Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Str("a").Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(3).Tuple().PersId()
                .Int(0).IntTuple([3]).IntTuple([1]).False().None().Tuple().Reduce().Put(50).SetItem()
            .Str("b").Get(50).SetItem()
            .Stop().ToArray();

        var ckpt = TorchCheckpointReader.Parse(FakeCheckpoint.Legacy(pickle, [("0", 3, FakeCheckpoint.Range(3))]));

        Assert.Equal([0f, 1f, 2f], ckpt.Tensors["a"].Data);
        Assert.Equal([0f, 1f, 2f], ckpt.Tensors["b"].Data);
        Assert.NotSame(ckpt.Tensors["a"].Data, ckpt.Tensors["b"].Data);
    }

    [Fact]
    public void Read_EmptyParamsEma_FallsBackToParams()
    {
        var pickle = new PickleBytes().Proto().EmptyDict()
            .Str("params_ema").EmptyDict().SetItem()
            .Str("params").EmptyDict()
                .Str("w").Global("torch._utils", "_rebuild_tensor_v2").Mark()
                    .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(2).Tuple().PersId()
                    .Int(0).IntTuple([2]).IntTuple([1]).False().None().Tuple().Reduce().SetItem()
            .SetItem()
            .Stop().ToArray();

        var ckpt = TorchCheckpointReader.Parse(FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Floats(4f, 5f))]));

        Assert.Equal(["params"], ckpt.WrapperPath);
        Assert.Equal([4f, 5f], ckpt.Tensors["w"].Data);
    }

    [Fact]
    public void Read_BareTensorFile_FailsSayingItIsNotAStateDict()
    {
        var pickle = new PickleBytes().Proto().Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(2).Tuple().PersId()
            .Int(0).IntTuple([2]).IntTuple([1]).False().None().Tuple().Reduce()
            .Stop().ToArray();

        var e = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Parse(FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Range(2))])));

        Assert.Contains("holds a tensor, not a dict of tensors", e.Message);
    }

    [Fact]
    public void StripWrapperPrefixes_KeysCollide_Throws()
    {
        var dict = new OrderedDictionary<string, int> { ["module.a"] = 1, ["a"] = 2 };

        var e = Assert.Throws<InvalidDataException>(() => KeyHygiene.StripWrapperPrefixes(dict, out _));

        Assert.Contains("collides", e.Message);
    }

    [Fact]
    public void StripWrapperPrefixes_MixedKeys_StripsOnlyPrefixedOnesInOrder()
    {
        var dict = new OrderedDictionary<string, int> { ["module.b"] = 1, ["a"] = 2, ["x.module.c"] = 3 };

        var result = KeyHygiene.StripWrapperPrefixes(dict, out int stripped);

        Assert.Equal(1, stripped);
        Assert.Equal(["b", "a", "x.module.c"], result.Keys);
    }

    [Fact]
    public void StripWrapperPrefixes_GanAndDataParallelPrefixes_StrippedInAnyOrder()
    {
        var dict = new OrderedDictionary<string, int> { ["netG.module.conv.weight"] = 1, ["module.netG.conv.bias"] = 2 };

        var result = KeyHygiene.StripWrapperPrefixes(dict, out int stripped);

        Assert.Equal(2, stripped);
        Assert.Equal(["conv.weight", "conv.bias"], result.Keys);
    }
}
