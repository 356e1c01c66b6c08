using System.Buffers.Binary;
using SharpSR.Interop.Torch;
using SharpSR.Testing;
using Xunit;

namespace SharpSR.Interop.Tests.Torch;

/// <summary>Files that must be refused with a message naming the problem, and must never run anything.</summary>
public class HostileCheckpointTests
{
    private static InvalidDataException Refused(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Parse(bytes, "hostile.pt"));

    // ---- code execution -------------------------------------------------------------------------

    public static TheoryData<string> Containers => ["bare", "legacy", "zip"];

    [Theory]
    [MemberData(nameof(Containers))]
    public void Parse_ReduceOfOsSystem_IsRefusedAndNothingRuns(string container)
    {
        string marker = Path.Combine(TestData.NewTempDir(), "payload-ran");
        byte[] evil = PickleBytes.OsSystem("touch " + marker);
        byte[] file = container switch
        {
            "bare" => evil,
            "legacy" => FakeCheckpoint.Legacy(evil, []),
            _ => FakeCheckpoint.Zip(evil, []),
        };

        var e = Refused(file);

        Assert.Contains("refusing to load", e.Message);
        Assert.Contains("'posix.system'", e.Message);
        Assert.False(File.Exists(marker), "the pickle's command ran");
    }

    [Theory]
    [InlineData("evil_legacy.pt")]
    [InlineData("evil_zip.pt")]
    public void Read_TorchSavedOsSystemPayload_IsRefusedAndNothingRuns(string file)
    {
        const string marker = "/tmp/sharpsr-pickle-payload-ran";   // the command make_pt_fixtures.py embedded
        if (File.Exists(marker)) File.Delete(marker);

        var e = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Read(TestData.RequireFixture("torch/" + file)));

        Assert.Contains("'posix.system'", e.Message);
        Assert.Contains(file, e.Message);
        Assert.False(File.Exists(marker), "the pickle's command ran");
    }

    [Theory]
    [InlineData("builtins", "eval")]
    [InlineData("builtins", "exec")]
    [InlineData("subprocess", "Popen")]
    [InlineData("os", "system")]
    [InlineData("torch", "load")]
    [InlineData("torch._utils", "_rebuild_device_tensor_from_numpy")]
    [InlineData("torch.nn.modules.conv", "Conv2d")]
    [InlineData("collections", "OrderedDictX")]
    public void Parse_GlobalOutsideAllowList_IsRefusedByName(string module, string name)
    {
        byte[] viaGlobal = new PickleBytes().Proto().Global(module, name).EmptyTuple().Reduce().Stop().ToArray();
        byte[] viaStackGlobal = new PickleBytes().Proto(4).Op(0x8c).Byte((byte)module.Length).Raw(System.Text.Encoding.ASCII.GetBytes(module))
            .Op(0x8c).Byte((byte)name.Length).Raw(System.Text.Encoding.ASCII.GetBytes(name)).Op(0x93).EmptyTuple().Reduce().Stop().ToArray();

        foreach (var bytes in new[] { viaGlobal, viaStackGlobal })
        {
            var e = Refused(bytes);
            Assert.Contains($"global '{module}.{name}'", e.Message);
            Assert.Contains("only state_dict types are allowed", e.Message);
        }
    }

    [Fact]
    public void Parse_StorageTypeCalledAsFunction_IsRefused()
    {
        var e = Refused(new PickleBytes().Proto().Global("torch", "FloatStorage").EmptyTuple().Reduce().Stop().ToArray());

        Assert.Contains("cannot be called", e.Message);
    }

    [Fact]
    public void Parse_ModulePersistentId_IsRefused()
    {
        var pickle = new PickleBytes().Proto().Mark().Str("module").Str("torch.nn").Str("source").Tuple().PersId().Stop().ToArray();

        var e = Refused(FakeCheckpoint.Legacy(pickle, []));

        Assert.Contains("persistent id of kind 'module'", e.Message);
    }

    // ---- geometry --------------------------------------------------------------------------------

    [Theory]
    [InlineData("legacy")]
    [InlineData("zip")]
    public void Parse_TensorLargerThanItsStorage_IsRefused(string container)
    {
        long[] size = [2, 3], stride = [3, 1];
        var e = Refused(container == "legacy" ? FakeCheckpoint.LegacyOne(0, size, stride, 4) : FakeCheckpoint.ZipOne(0, size, stride, 4));

        Assert.Contains("reaches element 5, beyond the storage's 4 elements", e.Message);
    }

    [Fact]
    public void Parse_NegativeStride_IsRefused()
    {
        var e = Refused(FakeCheckpoint.LegacyOne(5, [3], [-1], 6));

        Assert.Contains("negative stride -1", e.Message);
    }

    [Fact]
    public void Parse_NegativeOffset_IsRefused()
    {
        var e = Refused(FakeCheckpoint.LegacyOne(-1, [2], [1], 6));

        Assert.Contains("negative storage offset", e.Message);
    }

    [Theory]
    [InlineData(6, 1)]     // starts just past the end
    [InlineData(100, 1)]
    [InlineData(5, 2)]     // starts inside, runs past the end
    public void Parse_OffsetBeyondStorage_IsRefused(long offset, long size)
    {
        var e = Refused(FakeCheckpoint.ZipOne(offset, [size], [1], 6));

        Assert.Contains("beyond the storage's 6 elements", e.Message);
    }

    [Fact]
    public void Parse_StrideArithmeticOverflows_IsRefused()
    {
        var e = Refused(FakeCheckpoint.LegacyOne(0, [4, 2], [long.MaxValue / 2, 1], 6));

        Assert.Contains("overflow", e.Message);
    }

    [Fact]
    public void Parse_HugeShape_IsRefusedBeforeAllocating()
    {
        var e = Refused(FakeCheckpoint.LegacyOne(0, [int.MaxValue, int.MaxValue], [0, 0], 6));

        Assert.Contains("more than one array can hold", e.Message);
    }

    [Fact]
    public void Parse_SizeAndStrideRanksDiffer_IsRefused()
    {
        var e = Refused(FakeCheckpoint.LegacyOne(0, [2, 3], [1], 6));

        Assert.Contains("size has 2 dims but stride has 1", e.Message);
    }

    // ---- storages --------------------------------------------------------------------------------

    [Fact]
    public void Parse_LegacyStorageHeaderDisagreesWithPickle_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [4], [1], StorageNumel: 4)]);

        var e = Refused(FakeCheckpoint.Legacy(pickle, [("0", 3, FakeCheckpoint.Range(3))]));

        Assert.Contains("storage '0' holds 3 elements in the file but the pickle claims 4", e.Message);
    }

    [Fact]
    public void Parse_LegacyStorageDataCutShort_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [4], [1], StorageNumel: 4)]);

        var e = Refused(FakeCheckpoint.Legacy(pickle, [("0", 4, FakeCheckpoint.Range(3))]));

        Assert.Contains("truncated", e.Message);
        Assert.Contains("storage '0' needs 4 × 4 bytes", e.Message);
    }

    [Fact]
    public void Parse_LegacyStorageMissingFromKeyList_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [2], [1], StorageNumel: 2)]);

        var e = Refused(FakeCheckpoint.Legacy(pickle, []));

        Assert.Contains("storage '0', whose data is missing", e.Message);
    }

    [Fact]
    public void Parse_LegacyKeyListNamesUnknownStorage_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [2], [1], StorageNumel: 2)]);

        var e = Refused(FakeCheckpoint.Legacy(pickle, [("0", 2, FakeCheckpoint.Range(2)), ("7", 1, FakeCheckpoint.Range(1))]));

        Assert.Contains("storage '7' is listed but no tensor refers to it", e.Message);
    }

    /// <summary>
    /// Found by AFL++ (bench/fuzz): a 730-byte zip whose central directory claimed ~800 MB for data.pkl made the
    /// reader allocate the 800 MB before finding the entry truncated. The claim is now bounded by the file first.
    /// </summary>
    [Fact]
    public void Parse_ZipEntryClaimingMoreCompressedBytesThanTheFile_IsRefusedBeforeAllocating()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [4], [1], StorageNumel: 4)]);
        byte[] file = FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Range(4))]);
        int dir = IndexOf(file, "PK\u0001\u0002"u8, 0);
        while (!System.Text.Encoding.ASCII.GetString(file, dir + 46, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(dir + 28))).EndsWith("data.pkl"))
            dir = IndexOf(file, "PK\u0001\u0002"u8, dir + 4);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(dir + 20), 0x3000_0000);   // compressed size
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(dir + 24), 0x3000_0000);   // uncompressed size

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Refused(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("compressed bytes in a", e.Message);
        Assert.True(allocated < 16 << 20, $"{allocated:N0} bytes allocated for a {file.Length}-byte file");
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle, int from) => from + haystack.AsSpan(from).IndexOf(needle);

    [Fact]
    public void Parse_ZipStorageEntrySizeMismatch_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [4], [1], StorageNumel: 4)]);

        var e = Refused(FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Range(5))]));

        Assert.Contains("holds 20 bytes but storage '0' needs 16", e.Message);
    }

    [Fact]
    public void Parse_ZipStorageEntryMissing_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [4], [1], StorageNumel: 4)]);

        var e = Refused(FakeCheckpoint.Zip(pickle, []));

        Assert.Contains("no zip entry 'archive/data/0'", e.Message);
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("zip")]
    public void Parse_StorageClaimingHugeElementCount_IsRefusedBeforeAllocating(string container)
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [2], [1], StorageNumel: long.MaxValue / 2, StorageType: "DoubleStorage")]);
        byte[] file = container == "legacy"
            ? FakeCheckpoint.Legacy(pickle, [("0", long.MaxValue / 2, FakeCheckpoint.Range(2))])
            : FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Range(2))]);

        Assert.Contains("more than one array can hold", Refused(file).Message);
    }

    [Fact]
    public void Parse_StorageKeyDeclaredWithTwoTypes_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([
            new FakeTensor("a", "0", 0, [2], [1], 2),
            new FakeTensor("b", "0", 0, [2], [1], 2, StorageType: "DoubleStorage"),
        ]);

        var e = Refused(FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Range(2))]));

        Assert.Contains("declared twice", e.Message);
    }

    [Fact]
    public void Parse_LegacyViewBeyondItsRoot_IsRefused()
    {
        byte[] pickle = FakeCheckpoint.ViewPickle(rootNumel: 6, viewOffset: 5, viewSize: 3, offset: 0, size: [1], stride: [1]);

        var e = Refused(FakeCheckpoint.Legacy(pickle, [("0", 6, FakeCheckpoint.Range(6))]));

        Assert.Contains("storage view 'v' covers elements [5, 5+3) of storage '0', which holds only 6", e.Message);
    }

    [Fact]
    public void Parse_TensorBeyondItsLegacyView_IsRefused()
    {
        byte[] pickle = FakeCheckpoint.ViewPickle(rootNumel: 6, viewOffset: 1, viewSize: 2, offset: 1, size: [2], stride: [1]);

        var e = Refused(FakeCheckpoint.Legacy(pickle, [("0", 6, FakeCheckpoint.Range(6))]));

        Assert.Contains("beyond the storage's 2 elements", e.Message);
    }

    [Fact]
    public void Parse_ViewMetadataInZip_IsRefused()
    {
        byte[] pickle = FakeCheckpoint.ViewPickle(rootNumel: 6, viewOffset: 0, viewSize: 3, offset: 0, size: [1], stride: [1]);

        var e = Refused(FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Range(6))]));

        Assert.Contains("view metadata only exists in the legacy format", e.Message);
    }

    [Fact]
    public void Parse_LegacyStorageListedTwice_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [2], [1], 2)]);

        var e = Refused(FakeCheckpoint.Legacy(pickle, [("0", 2, FakeCheckpoint.Range(2)), ("0", 2, FakeCheckpoint.Range(2))]));

        Assert.Contains("storage '0' is listed twice", e.Message);
    }

    [Fact]
    public void Parse_BigEndianLegacyStream_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [2], [1], 2)]);

        var e = Refused(FakeCheckpoint.Legacy(pickle, [("0", 2, FakeCheckpoint.Range(2))], littleEndian: false));

        Assert.Contains("big-endian", e.Message);
    }

    [Fact]
    public void Parse_BigEndianZip_IsRefused()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [2], [1], 2)]);

        var e = Refused(FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Range(2))], ("archive/byteorder", "big"u8.ToArray())));

        Assert.Contains("byteorder is not 'little'", e.Message);
    }

    [Fact]
    public void Parse_LittleEndianByteorderEntry_IsAccepted()
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [2], [1], 2)]);

        var ckpt = TorchCheckpointReader.Parse(FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Range(2))], ("archive/byteorder", "little"u8.ToArray())));

        Assert.Equal([0f, 1f], ckpt.Tensors["w"].Data);
    }

    // ---- zip paths -------------------------------------------------------------------------------

    [Theory]
    [InlineData("../evil")]
    [InlineData("archive/../../evil")]
    [InlineData("/etc/evil")]
    [InlineData("C:/evil")]
    public void Parse_ZipEntryOutsideArchive_IsRefused(string entryName)
    {
        var pickle = FakeCheckpoint.StateDictPickle([new FakeTensor("w", "0", 0, [2], [1], 2)]);

        var e = Refused(FakeCheckpoint.Zip(pickle, [("0", FakeCheckpoint.Range(2))], (entryName, [1, 2, 3])));

        Assert.Contains($"zip entry '{entryName}' points outside the archive", e.Message);
    }

    [Fact]
    public void Parse_ZipWithoutDataPkl_IsRefused()
    {
        var s = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(s, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        using (var w = zip.CreateEntry("archive/other.pkl").Open())
            w.Write([0x80, 0x02, 0x4e, 0x2e]);

        var e = Refused(s.ToArray());

        Assert.Contains("no '<name>/data.pkl' entry", e.Message);
    }

    // ---- truncation ------------------------------------------------------------------------------

    [Fact]
    public void Parse_LegacyFixtureCutAtEveryOffset_IsRefusedAsTruncated()
    {
        byte[] full = File.ReadAllBytes(TestData.RequireFixture("torch/state_legacy.pt"));

        for (int cut = 1; cut < full.Length; cut++)
        {
            var e = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Parse(full[..cut], "cut.pt"));
            Assert.True(e.Message.Contains("truncated", StringComparison.Ordinal), $"cut at {cut}: {e.Message}");
        }
    }

    [Fact]
    public void Parse_ZipFixtureCutAtSeveralOffsets_IsRefused()
    {
        byte[] full = File.ReadAllBytes(TestData.RequireFixture("torch/state_zip.pt"));
        int[] cuts = [4, 30, 100, full.Length / 4, full.Length / 2, full.Length - 100, full.Length - 22, full.Length - 1];

        foreach (int cut in cuts)
        {
            var e = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Parse(full[..cut], "cut.pt"));
            Assert.True(e.Message.Contains("truncated or corrupt", StringComparison.Ordinal), $"cut at {cut}: {e.Message}");
        }
    }

    [Fact]
    public void Parse_EmptyOrForeignFile_IsRefusedAsNotACheckpoint()
    {
        Assert.Contains("not a PyTorch checkpoint", Refused([]).Message);
        Assert.Contains("not a PyTorch checkpoint", Refused("\x89PNG\r\n"u8.ToArray()).Message);
    }

    [Fact]
    public void Parse_PlainPickleWithoutMagic_IsRefusedAsNotLegacy()
    {
        var e = Refused(new PickleBytes().Proto().EmptyDict().Stop().ToArray());

        Assert.Contains("magic number", e.Message);
    }

    // ---- lengths and limits ----------------------------------------------------------------------

    [Theory]
    [InlineData((byte)'X', 4, 0xFFFF_FFF0UL)]                 // BINUNICODE
    [InlineData((byte)0x8d, 8, 0xFFFF_FFFF_FFFF_FFF0UL)]      // BINUNICODE8
    [InlineData((byte)'T', 4, 0x7FFF_FFFFUL)]                 // BINSTRING
    [InlineData((byte)'B', 4, 0x1000_0000UL)]                 // BINBYTES
    [InlineData((byte)0x8e, 8, ulong.MaxValue)]               // BINBYTES8
    public void Parse_HugeClaimedStringLength_IsRefusedWithoutAllocating(byte op, int lengthBytes, ulong claimed)
    {
        var p = new PickleBytes().Proto().Op(op);
        if (lengthBytes == 4) p.UInt32((uint)claimed); else p.UInt64(claimed);
        byte[] bytes = p.Raw("abc"u8).Stop().ToArray();

        var e = Refused(bytes);

        Assert.Contains($"claims", e.Message);
        Assert.Contains($"{claimed}", e.Message);
    }

    [Fact]
    public void Parse_HugeFrameLength_IsRefused()
    {
        var bytes = new PickleBytes().Proto(4).Op(0x95).UInt64(1UL << 40).None().Stop().ToArray();

        Assert.Contains("frame of 1099511627776 bytes", Refused(bytes).Message);
    }

    [Fact]
    public void Parse_StackFlood_IsStoppedAtTheLimit()
    {
        var bytes = new byte[Unpickler.MaxStack + 10];
        bytes[0] = 0x80;
        bytes[1] = 2;
        bytes.AsSpan(2).Fill((byte)'N');

        Assert.Contains($"stack exceeds {Unpickler.MaxStack}", Refused(bytes).Message);
    }

    [Fact]
    public void Parse_MarkFlood_IsStoppedAtTheLimit()
    {
        var bytes = new byte[Unpickler.MaxMarks + 10];
        bytes[0] = 0x80;
        bytes[1] = 2;
        bytes.AsSpan(2).Fill((byte)'(');

        Assert.Contains("nested marks", Refused(bytes).Message);
    }

    [Fact]
    public void Parse_LongGlobalLine_IsRefused()
    {
        var bytes = new PickleBytes().Proto().Op((byte)'c').Raw(new byte[10_000].Select(_ => (byte)'a').ToArray()).Stop().ToArray();

        Assert.Contains("GLOBAL name longer than", Refused(bytes).Message);
    }

    [Fact]
    public void Parse_HugeLong4_IsRefused()
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, 1 << 30);
        var bytes = new PickleBytes().Proto().Op(0x8b).Raw(b).Stop().ToArray();

        Assert.Contains("LONG4 of 1073741824 bytes", Refused(bytes).Message);
    }
}
