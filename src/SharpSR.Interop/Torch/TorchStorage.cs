using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SharpSR.Interop.Torch;

/// <summary>The element types a PyTorch storage may hold in a checkpoint we read.</summary>
public enum TorchDType
{
    Float32,
    Float64,
    Float16,
    BFloat16,
    Int64,
    Int32,
    UInt8,
}

public static class TorchDTypes
{
    public static int ElementSize(TorchDType d) => d switch
    {
        TorchDType.Float32 or TorchDType.Int32 => 4,
        TorchDType.Float64 or TorchDType.Int64 => 8,
        TorchDType.Float16 or TorchDType.BFloat16 => 2,
        TorchDType.UInt8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    public static bool IsFloatingPoint(TorchDType d) => d is TorchDType.Float32 or TorchDType.Float64 or TorchDType.Float16 or TorchDType.BFloat16;

    /// <summary>The allow-listed storage class names of the <c>torch</c> module.</summary>
    internal static bool TryFromStorageName(string name, out TorchDType dtype)
    {
        (bool ok, dtype) = name switch
        {
            "FloatStorage" => (true, TorchDType.Float32),
            "DoubleStorage" => (true, TorchDType.Float64),
            "HalfStorage" => (true, TorchDType.Float16),
            "BFloat16Storage" => (true, TorchDType.BFloat16),
            "LongStorage" => (true, TorchDType.Int64),
            "IntStorage" => (true, TorchDType.Int32),
            "ByteStorage" => (true, TorchDType.UInt8),
            _ => (false, TorchDType.Float32),
        };
        return ok;
    }

    /// <summary>Converts little-endian elements of <paramref name="dtype"/> to float32 (integers are rounded to nearest when above 2^24).</summary>
    internal static void ToFloat32(ReadOnlySpan<byte> src, TorchDType dtype, Span<float> dst)
    {
        switch (dtype)
        {
            case TorchDType.Float32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(src).CopyTo(dst);
                break;
            case TorchDType.Float32:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case TorchDType.Float64:
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
            case TorchDType.Float16:
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(src[(2 * i)..]);
                break;
            case TorchDType.BFloat16:
                for (int i = 0; i < dst.Length; i++) dst[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]) << 16);
                break;
            case TorchDType.Int64:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]);
                break;
            case TorchDType.Int32:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]);
                break;
            case TorchDType.UInt8:
                for (int i = 0; i < dst.Length; i++) dst[i] = src[i];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype));
        }
    }
}

/// <summary>
/// A storage named by a persistent id in the pickle: its key, element type and claimed element count.
/// The raw bytes are attached once the container has located them. A legacy "view" storage is a window
/// of <see cref="Numel"/> elements at <see cref="ViewOffset"/> into its <see cref="Root"/>.
/// </summary>
internal sealed class TorchStorage(string key, TorchDType dtype, long numel, string location)
{
    public string Key { get; } = key;
    public TorchDType DType { get; } = dtype;
    public long Numel { get; } = numel;
    public string Location { get; } = location;

    public TorchStorage? Root { get; init; }
    public long ViewOffset { get; init; }

    /// <summary>The storage's raw little-endian bytes (exactly Numel × element size); null until attached.</summary>
    public ReadOnlyMemory<byte>? Bytes { get; set; }

    /// <summary>How many tensors refer to this storage (or, for a root, to any view of it).</summary>
    public int UseCount { get; set; }
}

/// <summary>The arguments of one <c>_rebuild_tensor_v2</c> call, materialised later by <see cref="TensorMaterializer"/>.</summary>
internal sealed class TorchTensorRef(TorchStorage storage, long offset, long[] size, long[] stride)
{
    public TorchStorage Storage { get; } = storage;
    public long Offset { get; } = offset;
    public long[] Size { get; } = size;
    public long[] Stride { get; } = stride;
}
