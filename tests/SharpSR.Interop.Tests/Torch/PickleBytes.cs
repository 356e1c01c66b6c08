using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SharpSR.Interop.Tests.Torch;

/// <summary>Writes pickle opcodes by hand, so tests can craft both honest and hostile streams byte by byte.</summary>
internal sealed class PickleBytes
{
    private readonly MemoryStream _s = new();

    public PickleBytes Proto(byte v = 2) => Op(0x80).Byte(v);
    public PickleBytes Global(string module, string name) => Op((byte)'c').Raw(Encoding.UTF8.GetBytes(module + "\n" + name + "\n"));
    public PickleBytes Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        return Op((byte)'X').UInt32((uint)b.Length).Raw(b);
    }
    public PickleBytes Int(long v)
    {
        if (v is >= 0 and < 256) return Op((byte)'K').Byte((byte)v);
        if (v is >= int.MinValue and <= int.MaxValue) return Op((byte)'J').UInt32((uint)(int)v);
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return Op(0x8a).Byte(8).Raw(b);
    }
    public PickleBytes Mark() => Op((byte)'(');
    public PickleBytes Tuple() => Op((byte)'t');
    public PickleBytes Tuple1() => Op(0x85);
    public PickleBytes EmptyTuple() => Op((byte)')');
    public PickleBytes EmptyDict() => Op((byte)'}');
    public PickleBytes EmptyList() => Op((byte)']');
    public PickleBytes SetItem() => Op((byte)'s');
    public PickleBytes Appends() => Op((byte)'e');
    public PickleBytes Reduce() => Op((byte)'R');
    public PickleBytes PersId() => Op((byte)'Q');
    public PickleBytes None() => Op((byte)'N');
    public PickleBytes True() => Op(0x88);
    public PickleBytes False() => Op(0x89);
    public PickleBytes Stop() => Op((byte)'.');
    public PickleBytes Put(byte index) => Op((byte)'q').Byte(index);
    public PickleBytes Get(byte index) => Op((byte)'h').Byte(index);

    public PickleBytes IntTuple(IEnumerable<long> values)
    {
        Mark();
        foreach (long v in values) Int(v);
        return Tuple();
    }

    public PickleBytes Op(byte op) => Byte(op);
    public PickleBytes Byte(byte b) { _s.WriteByte(b); return this; }
    public PickleBytes Raw(ReadOnlySpan<byte> b) { _s.Write(b); return this; }
    public PickleBytes UInt32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return Raw(b); }
    public PickleBytes UInt64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return Raw(b); }

    public byte[] ToArray() => _s.ToArray();

    /// <summary>The classic payload: <c>posix.system('touch marker')</c> via GLOBAL + REDUCE.</summary>
    public static byte[] OsSystem(string command) =>
        new PickleBytes().Proto().Global("posix", "system").Str(command).Tuple1().Reduce().Stop().ToArray();
}

/// <summary>One tensor of a crafted checkpoint: its storage key, type, claimed storage size and geometry.</summary>
internal sealed record FakeTensor(string Name, string StorageKey, long Offset, long[] Size, long[] Stride, long StorageNumel, string StorageType = "FloatStorage");

/// <summary>Builds torch.save containers around hand-written pickles.</summary>
internal static class FakeCheckpoint
{
    /// <summary>
    /// The object pickle of an OrderedDict of <c>_rebuild_tensor_v2</c> calls, nested in one dict per wrapper key
    /// (<c>["params_ema"]</c> saves <c>{"params_ema": state_dict}</c>, as BasicSR does).
    /// </summary>
    public static byte[] StateDictPickle(IEnumerable<FakeTensor> tensors, params string[] wrappers)
    {
        var p = new PickleBytes().Proto();
        foreach (string wrapper in wrappers) p.EmptyDict().Str(wrapper);
        p.Global("collections", "OrderedDict").EmptyTuple().Reduce();
        foreach (var t in tensors)
        {
            p.Str(t.Name).Global("torch._utils", "_rebuild_tensor_v2").Mark()
             .Mark().Str("storage").Global("torch", t.StorageType).Str(t.StorageKey).Str("cpu").Int(t.StorageNumel).Tuple().PersId()
             .Int(t.Offset).IntTuple(t.Size).IntTuple(t.Stride).False()
             .Global("collections", "OrderedDict").EmptyTuple().Reduce()
             .Tuple().Reduce().SetItem();
        }
        foreach (string _ in wrappers) p.SetItem();
        return p.Stop().ToArray();
    }

    /// <summary>
    /// A legacy stream: magic, protocol and sys-info pickles, <paramref name="objectPickle"/>, the key list, then each
    /// storage as an int64 element count (<paramref name="storages"/>' Numel, which may lie) and raw bytes.
    /// </summary>
    public static byte[] Legacy(byte[] objectPickle, IEnumerable<(string Key, long Numel, byte[] Data)> storages, bool littleEndian = true)
    {
        var list = storages.ToList();
        var s = new MemoryStream();
        // 0x1950a86a20f9469cfc6c as LONG1, little-endian
        s.Write(new PickleBytes().Proto().Op(0x8a).Byte(10).Raw([0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]).Stop().ToArray());
        s.Write(new PickleBytes().Proto().Op((byte)'M').Raw([0xe9, 0x03]).Stop().ToArray());   // 1001
        var sysInfo = new PickleBytes().Proto().EmptyDict().Str("little_endian");
        s.Write((littleEndian ? sysInfo.True() : sysInfo.False()).SetItem().Stop().ToArray());
        s.Write(objectPickle);
        var keys = new PickleBytes().Proto().EmptyList().Mark();
        foreach (var (key, _, _) in list) keys.Str(key);
        s.Write(keys.Appends().Stop().ToArray());
        foreach (var (_, numel, data) in list)
        {
            var n = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(n, numel);
            s.Write(n);
            s.Write(data);
        }
        return s.ToArray();
    }

    /// <summary>A zip container with <c>archive/data.pkl</c>, the storages under <c>archive/data/</c>, and any extra entries.</summary>
    public static byte[] Zip(byte[] dataPkl, IEnumerable<(string Key, byte[] Data)> storages, params (string Name, byte[] Data)[] extra)
    {
        var s = new MemoryStream();
        using (var zip = new ZipArchive(s, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] data)
            {
                using var e = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                e.Write(data);
            }
            Add("archive/data.pkl", dataPkl);
            foreach (var (key, data) in storages) Add("archive/data/" + key, data);
            Add("archive/version", "3\n"u8.ToArray());
            foreach (var (name, data) in extra) Add(name, data);
        }
        return s.ToArray();
    }

    /// <summary>
    /// An OrderedDict with one tensor "w" over a legacy view storage: persistent id
    /// ('storage', FloatStorage, '0', 'cpu', rootNumel, ('v', viewOffset, viewSize)).
    /// </summary>
    public static byte[] ViewPickle(long rootNumel, long viewOffset, long viewSize, long offset, long[] size, long[] stride) =>
        new PickleBytes().Proto().Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Str("w").Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(rootNumel)
                    .Mark().Str("v").Int(viewOffset).Int(viewSize).Tuple().Tuple().PersId()
                .Int(offset).IntTuple(size).IntTuple(stride).False().None().Tuple().Reduce().SetItem()
            .Stop().ToArray();

    public static byte[] Floats(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }

    public static byte[] Range(int n) => Floats([.. Enumerable.Range(0, n).Select(i => (float)i)]);

    /// <summary>A legacy file with one tensor over one float storage of <paramref name="storageNumel"/> elements 0, 1, 2, ….</summary>
    public static byte[] LegacyOne(long offset, long[] size, long[] stride, int storageNumel) =>
        Legacy(StateDictPickle([new FakeTensor("w", "0", offset, size, stride, storageNumel)]), [("0", storageNumel, Range(storageNumel))]);

    public static byte[] ZipOne(long offset, long[] size, long[] stride, int storageNumel) =>
        Zip(StateDictPickle([new FakeTensor("w", "0", offset, size, stride, storageNumel)]), [("0", Range(storageNumel))]);
}
