using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace SharpSR.Core.Serialization;

/// <summary>Tensors and string metadata read from or written to a safetensors file.</summary>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data. Every size and offset in a file is
/// checked against the bytes actually present before anything is allocated.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>Largest JSON header accepted (the reference implementation uses 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static SafeTensorsContent Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new InvalidDataException($"cannot read '{path}': {e.Message}", e); }
        return Parse(bytes, path);
    }

    public static SafeTensorsContent Parse(ReadOnlySpan<byte> bytes, string source = "safetensors data")
    {
        if (bytes.Length < 8) throw Bad(source, "file is shorter than its 8-byte header length");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLen > MaxHeaderBytes || headerLen > (ulong)(bytes.Length - 8))
            throw Bad(source, $"header length {headerLen} exceeds the {bytes.Length - 8} bytes present");
        var data = bytes[(8 + (int)headerLen)..];

        var header = bytes.Slice(8, (int)headerLen);
        // JsonDocument checks UTF-8 only when a string is read, and then throws InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(header)) throw Bad(source, "header is not valid UTF-8 text");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header.ToArray()); }
        catch (JsonException e) { throw Bad(source, "header is not valid JSON: " + e.Message); }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(source, "header is not a JSON object");
            var tensors = new OrderedDictionary<string, Tensor>();
            var metadata = new Dictionary<string, string>();
            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad(source, "__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad(source, $"metadata '{m.Name}' is not a string");
                    continue;
                }
                var (tensor, begin, end) = ReadTensor(prop, data, source);
                ranges.Add((begin, end, prop.Name));
                tensors.Add(prop.Name, tensor);
            }
            ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (int i = 1; i < ranges.Count; i++)
                if (ranges[i].Begin < ranges[i - 1].End)
                    throw Bad(source, $"tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap");
            return new SafeTensorsContent(tensors, metadata);
        }
    }

    private static (Tensor, long, long) ReadTensor(JsonProperty prop, ReadOnlySpan<byte> data, string source)
    {
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw Bad(source, $"entry '{prop.Name}' lacks dtype, shape or data_offsets");
        string dtype = dtypeEl.GetString()!;
        int elemSize = dtype switch { "F32" => 4, "F64" => 8, "F16" => 2, "BF16" => 2, "I64" => 8, "I32" => 4, _ => 0 };
        if (elemSize == 0) throw Bad(source, $"tensor '{prop.Name}' has unsupported dtype {dtype}");

        var shape = new List<int>();
        long numel = 1;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (!d.TryGetInt64(out long dim) || dim < 0 || dim > int.MaxValue) throw Bad(source, $"tensor '{prop.Name}' has an invalid dimension");
            shape.Add((int)dim);
            numel *= dim;
            if (numel > Array.MaxLength) throw Bad(source, $"tensor '{prop.Name}' is too large");
        }
        if (!offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > data.Length)
            throw Bad(source, $"tensor '{prop.Name}' has data offsets outside the {data.Length} data bytes");
        if (end - begin != numel * elemSize)
            throw Bad(source, $"tensor '{prop.Name}' of shape {Shapes.Format(shape.ToArray())} {dtype} needs {numel * elemSize} bytes, offsets give {end - begin}");
        if (shape.Count == 0) shape.Add(1);   // a scalar becomes a 1-element vector

        var src = data.Slice((int)begin, (int)(end - begin));
        var values = new float[numel];
        for (int i = 0; i < values.Length; i++)
        {
            var e = src.Slice(i * elemSize, elemSize);
            values[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(e),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(e),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(e),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(e) << 16),
                "I64" => BinaryPrimitives.ReadInt64LittleEndian(e),
                _ => BinaryPrimitives.ReadInt32LittleEndian(e),
            };
        }
        return (new Tensor(values, shape.ToArray()), begin, end);
    }

    /// <summary>Writes F32 tensors atomically: a temporary file beside the target, then a rename.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] bytes = Serialize(tensors, metadata);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        using var headerStream = new MemoryStream();
        using (var w = new Utf8JsonWriter(headerStream))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, val) in metadata) w.WriteString(k, val);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in list)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += 4L * t.Length;
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 so the data is aligned, as the reference writer does.
        int headerLen = (int)headerStream.Length;
        int padded = (headerLen + 7) / 8 * 8;
        long total = 8 + padded + list.Sum(p => 4L * p.Value.Length);
        var bytes = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        headerStream.ToArray().CopyTo(bytes, 8);
        bytes.AsSpan(8 + headerLen, padded - headerLen).Fill((byte)' ');
        int pos = 8 + padded;
        foreach (var (_, t) in list)
        {
            foreach (float f in t.Data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(pos), f);
                pos += 4;
            }
        }
        return bytes;
    }

    private static InvalidDataException Bad(string source, string what) => new($"{source}: not a valid safetensors file: {what}.");
}
