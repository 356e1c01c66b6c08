using System.Numerics;
using SharpSR.Interop.Torch;
using Xunit;

namespace SharpSR.Interop.Tests.Torch;

public class UnpicklerTests
{
    // pickle.dumps(v, protocol=2) and protocol=5 by CPython 3.11, where
    //   v = OrderedDict(ints=[0, 255, 256, 65535, 65536, -1, -2**31, 2**31, -2**40, 2**63-1, 2**70, -2**70],
    //                   f=1.5, neg=-0.25, s='héllo 世', t=True, n=None, tup=(1, (2, 3), (4, 5, 6), (7, 8, 9, 10)),
    //                   d={'k': [1, 2]}, shared=<the same dict as d>)          (+ b=b'xy' at protocol 5)
    private const string Protocol2Hex =
        "800263636f6c6c656374696f6e730a4f726465726564446963740a710029527101285804000000696e747371025d7103284b004bff4d00014dffff4a000001004affffffff4a000000808a0500000080008a060000000000ff8a08ffffffffffffff7f8a090000000000000000408a090000000000000000c0655801000000667104473ff800000000000058030000006e6567710547bfd00000000000005801000000737106580a00000068c3a96c6c6f20e4b896710758010000007471088858010000006e71094e5803000000747570710a284b014b024b0386710b4b044b054b0687710c284b074b084b094b0a74710d74710e580100000064710f7d711058010000006b71115d7112284b014b026573580600000073686172656471136810752e";
    private const string Protocol5Hex =
        "800595f9000000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c04696e7473945d94284b004bff4d00014dffff4a000001004affffffff4a000000808a0500000080008a060000000000ff8a08ffffffffffffff7f8a090000000000000000408a090000000000000000c0658c016694473ff80000000000008c036e65679447bfd00000000000008c0173948c0a68c3a96c6c6f20e4b896948c017494888c016e944e8c0374757094284b014b024b0386944b044b054b068794284b074b084b094b0a749474948c0164947d948c016b945d94284b014b0265738c067368617265649468128c0162944302787994752e";

    private static object? Load(byte[] bytes) => new Unpickler(bytes, 0, "test.pkl", null).Load();

    [Theory]
    [InlineData(Protocol2Hex)]
    [InlineData(Protocol5Hex)]
    public void Load_CPythonPickle_BuildsTheSameValues(string hex)
    {
        var dict = Assert.IsType<PyDict>(Load(Convert.FromHexString(hex)));

        var ints = Assert.IsType<List<object?>>(dict.Items["ints"]);
        Assert.Equal(new object?[] { 0L, 255L, 256L, 65535L, 65536L, -1L, (long)int.MinValue, 1L << 31, -(1L << 40), long.MaxValue }, ints.Take(10));
        Assert.Equal(BigInteger.Pow(2, 70), ints[10]);
        Assert.Equal(-BigInteger.Pow(2, 70), ints[11]);
        Assert.Equal(1.5, dict.Items["f"]);
        Assert.Equal(-0.25, dict.Items["neg"]);
        Assert.Equal("h\u00e9llo \u4e16", dict.Items["s"]);
        Assert.Equal(true, dict.Items["t"]);
        Assert.Null(dict.Items["n"]);

        var tup = Assert.IsType<PyTuple>(dict.Items["tup"]);
        Assert.Equal(4, tup.Count);
        Assert.Equal(1L, tup[0]);
        Assert.Equal(new object?[] { 2L, 3L }, Assert.IsType<PyTuple>(tup[1]).Items);
        Assert.Equal(new object?[] { 4L, 5L, 6L }, Assert.IsType<PyTuple>(tup[2]).Items);
        Assert.Equal(new object?[] { 7L, 8L, 9L, 10L }, Assert.IsType<PyTuple>(tup[3]).Items);

        var d = Assert.IsType<PyDict>(dict.Items["d"]);
        Assert.Equal(new object?[] { 1L, 2L }, Assert.IsType<List<object?>>(d.Items["k"]));
        Assert.Same(d, dict.Items["shared"]);                 // memo: one object, two references
        Assert.Equal(["ints", "f", "neg", "s", "t", "n", "tup", "d", "shared"], dict.Items.Keys.Take(9));
    }

    [Fact]
    public void Load_Protocol5Bytes_AreRead()
    {
        var dict = Assert.IsType<PyDict>(Load(Convert.FromHexString(Protocol5Hex)));

        Assert.Equal("xy"u8.ToArray(), dict.Items["b"]);
    }

    [Fact]
    public void Load_Protocol2BytesNeedCodecsEncode_IsRefusedByName()
    {
        // pickle.dumps(b'xy', protocol=2) == 80 02 63 5f636f646563730a656e636f64650a ... : bytes go through _codecs.encode
        var bytes = new PickleBytes().Proto().Global("_codecs", "encode").Str("xy").Str("latin1").Op(0x86).Reduce().Stop().ToArray();

        var e = Assert.Throws<InvalidDataException>(() => Load(bytes));

        Assert.Contains("'_codecs.encode'", e.Message);
    }

    [Fact]
    public void Load_DeeplyNestedTuples_DoesNotRecurse()
    {
        const int depth = 200_000;
        var bytes = new byte[depth + 4];
        bytes[0] = 0x80; bytes[1] = 2; bytes[2] = (byte)'N';
        bytes.AsSpan(3, depth).Fill(0x85);                      // TUPLE1, 200k times
        bytes[^1] = (byte)'.';

        var t = Assert.IsType<PyTuple>(Load(bytes));

        for (int i = 0; i < depth - 1; i++) t = Assert.IsType<PyTuple>(t[0]);
        Assert.Null(t[0]);
    }

    [Fact]
    public void Load_DeeplyNestedTupleAsDictKey_IsRefused()
    {
        var p = new PickleBytes().Proto().EmptyDict().None();
        for (int i = 0; i < 50; i++) p.Tuple1();
        var bytes = p.Int(1).SetItem().Stop().ToArray();

        var e = Assert.Throws<InvalidDataException>(() => Load(bytes));

        Assert.Contains("dict key of type a 1-tuple is not supported", e.Message);
    }

    [Fact]
    public void Load_VeryLongStringKey_IsRefused()
    {
        var bytes = new PickleBytes().Proto().EmptyDict().Str(new string('k', 5000)).None().SetItem().Stop().ToArray();

        Assert.Contains("dict key of 5000 characters", Assert.Throws<InvalidDataException>(() => Load(bytes)).Message);
    }

    [Fact]
    public void Load_WideTupleKey_IsRefused()
    {
        var bytes = new PickleBytes().Proto().EmptyDict().IntTuple(Enumerable.Range(0, 100).Select(i => (long)i)).None().SetItem().Stop().ToArray();

        Assert.Contains("dict key of type a 100-tuple", Assert.Throws<InvalidDataException>(() => Load(bytes)).Message);
    }

    [Fact]
    public void Load_ListAsDictKey_IsRefused()
    {
        var bytes = new PickleBytes().Proto().EmptyDict().EmptyList().Int(1).SetItem().Stop().ToArray();

        Assert.Contains("dict key of type a list", Assert.Throws<InvalidDataException>(() => Load(bytes)).Message);
    }

    [Theory]
    [InlineData("80024e4e2e", "STOP with 2 values")]              // two values left
    [InlineData("8002682a2e", "memo index 42 was never stored")]  // BINGET of nothing
    [InlineData("8002302e", "stack underflow")]                   // POP on empty
    [InlineData("8002742e", "no MARK on the stack")]              // TUPLE without MARK
    [InlineData("8002284e302e", "STOP with 0 values and 1 marks")] // pop within the mark, then STOP
    [InlineData("8002ff2e", "unsupported pickle opcode 0xff")]
    [InlineData("80024c2e", "unsupported pickle opcode 0x4c ('L')")]  // text LONG (protocol 0)
    [InlineData("8006", "unsupported pickle protocol 6")]
    [InlineData("80025d4e4e732e", "SETITEM(S) on a list")]
    [InlineData("80027d4e612e", "APPEND(S) on a dict")]
    [InlineData("80024e4e622e", "BUILD on None")]
    [InlineData("80024e512e", "unexpected persistent id")]
    [InlineData("800258020000008080", "not valid UTF-8")]
    public void Load_MalformedPickle_FailsNamingTheProblem(string hex, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Load(Convert.FromHexString(hex)));

        Assert.Contains(expected, e.Message);
        Assert.StartsWith("test.pkl:", e.Message);
    }

    [Fact]
    public void Load_NoStop_IsRefusedAsTruncated()
    {
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Load([0x80, 0x02, (byte)'N'])).Message);
    }

    [Fact]
    public void Load_ReturnsPositionAfterStop_SoPicklesCanBeChained()
    {
        byte[] bytes = [0x80, 0x02, (byte)'K', 7, (byte)'.', 0x80, 0x02, (byte)'N', (byte)'.'];
        var first = new Unpickler(bytes, 0, "x", null);

        Assert.Equal(7L, first.Load());
        Assert.Equal(5, first.Position);
        Assert.Null(new Unpickler(bytes, first.Position, "x", null).Load());
    }

    [Fact]
    public void Load_ParameterWithState_UnwrapsToItsTensor()
    {
        var pickle = new PickleBytes().Proto().Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Str("p").Global("torch._utils", "_rebuild_parameter_with_state").Mark()
                .Global("torch._utils", "_rebuild_tensor_v2").Mark()
                    .Mark().Str("storage").Global("torch", "HalfStorage").Str("k").Str("cpu").Int(2).Tuple().PersId()
                    .Int(0).IntTuple([2]).IntTuple([1]).False().None().Tuple().Reduce()
                .True().None().EmptyDict().Tuple().Reduce().SetItem()
            .Stop().ToArray();
        byte[] halves = [0x00, 0x3c, 0x00, 0xc0];   // 1.0, -2.0 as float16

        var ckpt = TorchCheckpointReader.Parse(FakeCheckpoint.Zip(pickle, [("k", halves)]));

        Assert.Equal([1f, -2f], ckpt.Tensors["p"].Data);
        Assert.Equal(TorchDType.Float16, ckpt.Info["p"].DType);
    }
}
