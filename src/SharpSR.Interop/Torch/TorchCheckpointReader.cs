using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using SharpSR.Core;

namespace SharpSR.Interop.Torch;

/// <summary>Which container <c>torch.save</c> wrote.</summary>
public enum TorchCheckpointFormat
{
    /// <summary>The pre-1.6 stream: magic, protocol and sys-info pickles, the object pickle, storage keys, raw storages.</summary>
    Legacy,

    /// <summary>The zip archive of torch &gt;= 1.6: <c>&lt;name&gt;/data.pkl</c> plus one <c>&lt;name&gt;/data/&lt;key&gt;</c> entry per storage.</summary>
    Zip,
}

/// <summary>Where a tensor came from: its PyTorch dtype, shape (0-dim tensors are stored as shape [1]) and storage.</summary>
public sealed record TorchTensorInfo(TorchDType DType, IReadOnlyList<long> TorchShape, string StorageKey, long StorageOffset, bool WasContiguous);

/// <summary>A state-dict entry that did not become a tensor, and why.</summary>
public sealed record SkippedEntry(string Key, string Reason);

/// <summary>What <see cref="TorchCheckpointReader.Read(string, TorchReadOptions?)"/> found.</summary>
public sealed class TorchCheckpoint
{
    public required TorchCheckpointFormat Format { get; init; }

    /// <summary>The tensors in file order, float32 and contiguous, under their (cleaned) keys.</summary>
    public required OrderedDictionary<string, Tensor> Tensors { get; init; }

    /// <summary>Per key of <see cref="Tensors"/>: the original dtype and geometry.</summary>
    public required IReadOnlyDictionary<string, TorchTensorInfo> Info { get; init; }

    /// <summary>The wrapper keys followed to reach the weights, e.g. ["params_ema"]; empty when the file is a bare state dict.</summary>
    public required IReadOnlyList<string> WrapperPath { get; init; }

    /// <summary>How many keys lost a leading wrapper prefix (<c>module.</c>, <c>netG.</c>; 0 when none had one or stripping was off).</summary>
    public required int PrefixStripped { get; init; }

    /// <summary>Entries of the selected dict that are not tensors (e.g. an epoch counter), never silently dropped.</summary>
    public required IReadOnlyList<SkippedEntry> Skipped { get; init; }

    public long TotalElements => Tensors.Values.Sum(t => (long)t.Length);
}

/// <param name="Unwrap">Follow <c>params_ema</c> / <c>params</c> / <c>state_dict</c> / <c>model</c> / <c>net</c> wrapper dicts.</param>
/// <param name="StripPrefixes">Remove wrapper prefixes: <c>module.</c> of <c>nn.DataParallel</c>, <c>netG.</c> of GAN trainers.</param>
public sealed record TorchReadOptions(bool Unwrap = true, bool StripPrefixes = true);

/// <summary>
/// Reads PyTorch checkpoints (<c>torch.save</c> of a state dict) without running any pickle code: both the
/// legacy stream and the zip container, float32/float64/float16/bfloat16 storages (converted to float32),
/// strided and shared-storage views. Integer tensors (e.g. BatchNorm's <c>num_batches_tracked</c>) are kept,
/// converted to float32, and their dtype is reported in <see cref="TorchCheckpoint.Info"/>.
/// Every failure is an <see cref="InvalidDataException"/> whose message names the file and the problem.
/// </summary>
public static class TorchCheckpointReader
{
    /// <summary>The number the legacy format opens with (0x1950a86a20f9469cfc6c).</summary>
    private static readonly BigInteger s_legacyMagic = BigInteger.Parse("119547037146038801333356");
    private const long LegacyProtocol = 1001;
    private const int MaxZipEntries = 1 << 20;
    private const long MaxPickleBytes = 1L << 30;

    /// <summary>Deflate cannot expand data more than about 1032:1; an entry claiming more is lying about its size.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>The state dict of <paramref name="path"/>, unwrapped and with <c>module.</c> stripped.</summary>
    public static OrderedDictionary<string, Tensor> Load(string path) => Read(path).Tensors;

    public static TorchCheckpoint Read(string path, TorchReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), Path.GetFileName(path), options);
    }

    /// <summary>Reads a checkpoint held in memory; <paramref name="source"/> names it in error messages.</summary>
    public static TorchCheckpoint Parse(byte[] bytes, string source = "checkpoint", TorchReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        options ??= new TorchReadOptions();
        ReadOnlySpan<byte> head = bytes;
        (object? root, TorchCheckpointFormat format) =
            head.StartsWith("PK\u0003\u0004"u8) ? (ReadZip(bytes, source), TorchCheckpointFormat.Zip)
            : head.Length > 0 && head[0] == 0x80 ? (ReadLegacy(bytes, source), TorchCheckpointFormat.Legacy)
            : head.Length > 262 && head.Slice(257, 5).SequenceEqual("ustar"u8)
                ? throw new InvalidDataException($"{source}: this is the tar container of torch < 0.4, which is not supported; re-save it with a newer torch")
            : throw new InvalidDataException($"{source}: not a PyTorch checkpoint (neither a zip archive nor a pickle stream)");
        return Select(root, format, source, options);
    }

    // ---- legacy stream ---------------------------------------------------------------------------

    private static object? ReadLegacy(byte[] bytes, string source)
    {
        var data = bytes.AsMemory();
        var magicPickle = new Unpickler(data, 0, source, null);
        object? magic = magicPickle.Load();
        if (!(magic is BigInteger m && m == s_legacyMagic))
            throw new InvalidDataException($"{source}: not a legacy torch.save stream (magic number is {Unpickler.Describe(magic)}, not 0x1950a86a20f9469cfc6c)");

        var protocolPickle = new Unpickler(data, magicPickle.Position, source, null);
        if (protocolPickle.Load() is not LegacyProtocol)
            throw new InvalidDataException($"{source}: unsupported legacy protocol version (expected {LegacyProtocol})");

        var sysInfoPickle = new Unpickler(data, protocolPickle.Position, source, null);
        if (sysInfoPickle.Load() is PyDict sysInfo && sysInfo.TryGet("little_endian", out var le) && le is false)
            throw new InvalidDataException($"{source}: the checkpoint was written on a big-endian machine, which is not supported");

        var storages = new StorageResolver(source, allowViews: true);
        var objectPickle = new Unpickler(data, sysInfoPickle.Position, source, storages.Load);
        object? root = objectPickle.Load();

        var keysPickle = new Unpickler(data, objectPickle.Position, source, null);
        if (keysPickle.Load() is not List<object?> keys)
            throw new InvalidDataException($"{source}: the storage key list after the object pickle is not a list");

        int pos = keysPickle.Position;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in keys)
        {
            if (k is not string key) throw new InvalidDataException($"{source}: storage key {Unpickler.Describe(k)} is not a string");
            if (!seen.Add(key)) throw new InvalidDataException($"{source}: storage '{key}' is listed twice");
            if (!storages.Roots.TryGetValue(key, out var storage))
                throw new InvalidDataException($"{source}: storage '{key}' is listed but no tensor refers to it, so its type is unknown");
            if (bytes.Length - pos < 8)
                throw new InvalidDataException($"{source}: file is truncated: the element count of storage '{key}' needs 8 bytes at offset {pos}, {bytes.Length - pos} remain");
            long numel = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(pos));
            pos += 8;
            if (numel != storage.Numel)
                throw new InvalidDataException($"{source}: storage '{key}' holds {numel} elements in the file but the pickle claims {storage.Numel}");
            int elem = TorchDTypes.ElementSize(storage.DType);
            if (numel > (bytes.Length - pos) / elem)
                throw new InvalidDataException(
                    $"{source}: file is truncated: storage '{key}' needs {numel} × {elem} bytes at offset {pos}, only {bytes.Length - pos} remain");
            storage.Bytes = data.Slice(pos, (int)(numel * elem));
            pos += (int)(numel * elem);
        }
        return root;
    }

    // ---- zip container -------------------------------------------------------------------------

    private static object? ReadZip(byte[] bytes, string source)
    {
        ZipArchive zip;
        try { zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{source}: not a readable zip archive (truncated or corrupt): {e.Message}", e); }

        using (zip)
        {
            if (zip.Entries.Count > MaxZipEntries) throw new InvalidDataException($"{source}: zip has more than {MaxZipEntries} entries");
            string? prefix = null;
            foreach (var entry in zip.Entries)
            {
                string name = entry.FullName;
                if (!IsSafeEntryName(name))
                    throw new InvalidDataException($"{source}: zip entry '{name}' points outside the archive (absolute path or '..'); refusing to load");
                int slash = name.IndexOf('/');
                if (slash > 0 && name[(slash + 1)..] == "data.pkl")
                {
                    if (prefix is not null) throw new InvalidDataException($"{source}: zip holds more than one data.pkl");
                    prefix = name[..(slash + 1)];
                }
            }
            if (prefix is null) throw new InvalidDataException($"{source}: zip has no '<name>/data.pkl' entry, so it is not a torch.save archive");

            if (zip.GetEntry(prefix + "byteorder") is { } byteOrder
                && System.Text.Encoding.ASCII.GetString(ReadEntry(byteOrder, 16, bytes.Length, source)).Trim() != "little")
                throw new InvalidDataException($"{source}: the checkpoint's byteorder is not 'little', which is not supported");

            var pkl = zip.GetEntry(prefix + "data.pkl")!;
            var storages = new StorageResolver(source, allowViews: false);
            object? root = new Unpickler(ReadEntry(pkl, MaxPickleBytes, bytes.Length, source), 0, source, storages.Load).Load();

            foreach (var (key, storage) in storages.Roots)
            {
                if (key.Contains('/') || key.Contains('\\') || key.Contains(".."))
                    throw new InvalidDataException($"{source}: storage key '{key}' is not a plain name");
                string entryName = prefix + "data/" + key;
                var entry = zip.GetEntry(entryName)
                    ?? throw new InvalidDataException($"{source}: storage '{key}' has no zip entry '{entryName}'");
                long expected = checked(storage.Numel * TorchDTypes.ElementSize(storage.DType));
                if (entry.Length != expected)
                    throw new InvalidDataException($"{source}: zip entry '{entryName}' holds {entry.Length} bytes but storage '{key}' needs {expected} ({storage.Numel} × {storage.DType})");
                storage.Bytes = ReadEntry(entry, expected, bytes.Length, source);
            }
            return root;
        }
    }

    private static bool IsSafeEntryName(string name)
    {
        if (name.Length == 0 || name[0] is '/' or '\\' || (name.Length > 1 && name[1] == ':')) return false;
        foreach (var part in name.Split('/', '\\'))
            if (part == "..") return false;
        return true;
    }

    /// <summary>Reads a whole entry whose declared length is at most <paramref name="maxBytes"/>, checking the real length matches.</summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long maxBytes, long archiveBytes, string source)
    {
        if (entry.Length > maxBytes || entry.Length > Array.MaxLength)
            throw new InvalidDataException($"{source}: zip entry '{entry.FullName}' is {entry.Length} bytes, more than the {maxBytes} expected");
        // The sizes come from the central directory: bound the compressed one by the archive itself, else a
        // 1 KB file could claim gigabytes and have them allocated before the first byte is inflated.
        if (entry.CompressedLength > archiveBytes)
            throw new InvalidDataException($"{source}: zip entry '{entry.FullName}' claims {entry.CompressedLength} compressed bytes in a {archiveBytes}-byte file");
        if (entry.Length > MaxDeflateRatio * entry.CompressedLength + 64)
            throw new InvalidDataException($"{source}: zip entry '{entry.FullName}' claims {entry.Length} bytes from {entry.CompressedLength} compressed bytes, more than any real compression gives");
        var buffer = new byte[entry.Length];
        bool longer;
        try
        {
            using var s = entry.Open();
            s.ReadExactly(buffer);
            longer = s.ReadByte() != -1;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InvalidDataException($"{source}: zip entry '{entry.FullName}' is truncated or corrupt: {e.Message}", e);
        }
        if (longer) throw new InvalidDataException($"{source}: zip entry '{entry.FullName}' is longer than its declared {entry.Length} bytes");
        return buffer;
    }

    // ---- from pickle values to tensors -----------------------------------------------------------

    private static TorchCheckpoint Select(object? root, TorchCheckpointFormat format, string source, TorchReadOptions options)
    {
        if (root is not PyDict rootDict)
            throw new InvalidDataException($"{source}: the checkpoint holds {Unpickler.Describe(root)}, not a dict of tensors (a state_dict)");
        var (dict, path) = options.Unwrap ? KeyHygiene.Unwrap(rootDict) : (rootDict, new List<string>());

        var materializer = new TensorMaterializer(source);
        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        var info = new Dictionary<string, TorchTensorInfo>(StringComparer.Ordinal);
        var skipped = new List<SkippedEntry>();
        foreach (var (k, v) in dict.Items)
        {
            if (k is not string key)
            {
                skipped.Add(new SkippedEntry(k.ToString() ?? "?", $"key is {Unpickler.Describe(k)}, not a string"));
                continue;
            }
            if (v is not TorchTensorRef t)
            {
                skipped.Add(new SkippedEntry(key, $"value is {Unpickler.Describe(v)}, not a tensor"));
                continue;
            }
            tensors.Add(key, materializer.Materialize(t, key));
            info.Add(key, new TorchTensorInfo(t.Storage.DType, t.Size, t.Storage.Key, t.Storage.ViewOffset + t.Offset, TensorMaterializer.IsContiguous(t.Size, t.Stride)));
        }
        if (tensors.Count == 0)
        {
            string where = path.Count == 0 ? "the top-level dict" : $"'{string.Join("/", path)}'";
            throw new InvalidDataException(
                $"{source}: {where} holds no tensors (keys: {string.Join(", ", dict.Items.Keys.Take(8).Select(x => x.ToString()))}); is this a state_dict checkpoint?");
        }

        int stripped = 0;
        if (options.StripPrefixes)
        {
            try
            {
                tensors = KeyHygiene.StripWrapperPrefixes(tensors, out stripped);
                if (stripped > 0) info = info.ToDictionary(p => KeyHygiene.StripPrefixes(p.Key), p => p.Value, StringComparer.Ordinal);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{source}: {e.Message}", e);
            }
        }

        return new TorchCheckpoint
        {
            Format = format,
            Tensors = tensors,
            Info = info,
            WrapperPath = path,
            PrefixStripped = stripped,
            Skipped = skipped,
        };
    }
}
