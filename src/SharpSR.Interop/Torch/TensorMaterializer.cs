using SharpSR.Core;

namespace SharpSR.Interop.Torch;

/// <summary>
/// Turns a <see cref="TorchTensorRef"/> (storage + offset + size + stride) into a contiguous float32
/// <see cref="Tensor"/>. Geometry is validated against the storage's element count with overflow-checked
/// arithmetic; strided views are gathered element by element; a storage is converted to float32 once and
/// shared by every tensor that views it, but no two returned tensors share their data.
/// </summary>
internal sealed class TensorMaterializer(string source)
{
    private readonly Dictionary<TorchStorage, float[]> _converted = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<float[]> _handedOut = new(ReferenceEqualityComparer.Instance);

    /// <summary>Throws unless every element the tensor addresses lies inside its storage.</summary>
    public static void ValidateGeometry(TorchTensorRef t, string source)
    {
        TorchStorage s = t.Storage;
        string where = $"{source}: tensor on storage '{s.Key}'";
        if (t.Size.Length > Unpickler.MaxTensorRank) throw new InvalidDataException($"{where} has rank {t.Size.Length} (at most {Unpickler.MaxTensorRank})");
        if (t.Offset < 0) throw new InvalidDataException($"{where} has a negative storage offset {t.Offset}");
        long numel = 1;
        try
        {
            for (int i = 0; i < t.Size.Length; i++)
            {
                if (t.Size[i] < 0 || t.Size[i] > int.MaxValue) throw new InvalidDataException($"{where} has an invalid size {t.Size[i]} in dim {i}");
                if (t.Stride[i] < 0) throw new InvalidDataException($"{where} has a negative stride {t.Stride[i]} in dim {i} (flipped views are not supported)");
                numel = checked(numel * t.Size[i]);
            }
            if (numel > Array.MaxLength) throw new InvalidDataException($"{where} has {numel} elements, more than one array can hold");
            if (numel == 0)
            {
                if (t.Offset > s.Numel) throw new InvalidDataException($"{where}: offset {t.Offset} is beyond the storage's {s.Numel} elements");
                return;
            }
            long last = t.Offset;
            for (int i = 0; i < t.Size.Length; i++) last = checked(last + checked((t.Size[i] - 1) * t.Stride[i]));
            if (last >= s.Numel)
                throw new InvalidDataException(
                    $"{where}: offset {t.Offset}, size [{string.Join(", ", t.Size)}], stride [{string.Join(", ", t.Stride)}] reaches element {last}, beyond the storage's {s.Numel} elements");
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{where}: size [{string.Join(", ", t.Size)}] / stride [{string.Join(", ", t.Stride)}] / offset {t.Offset} overflow 64-bit arithmetic");
        }
    }

    /// <summary>Materialises <paramref name="t"/>; <paramref name="name"/> is the state-dict key, for messages.</summary>
    public Tensor Materialize(TorchTensorRef t, string name)
    {
        ValidateGeometry(t, source);
        TorchStorage root = t.Storage.Root ?? t.Storage;
        long baseOffset = t.Storage.ViewOffset + t.Offset;
        int[] shape = t.Size.Length == 0 ? [1] : Array.ConvertAll(t.Size, d => (int)d);   // a 0-dim tensor becomes [1]
        long numel = 1;
        foreach (long d in t.Size) numel *= d;

        float[] src = Converted(root, name);
        bool contiguous = IsContiguous(t.Size, t.Stride);
        // The only tensor over the whole storage takes the converted array as is. The same tensor object can
        // sit under two keys (tied weights, one REDUCE reached twice through the memo): the second one copies.
        if (contiguous && baseOffset == 0 && numel == src.Length && root.UseCount == 1 && _handedOut.Add(src))
            return new Tensor(src, shape);

        var dst = new float[numel];
        if (numel == 0) return new Tensor(dst, shape);
        if (contiguous)
        {
            Array.Copy(src, baseOffset, dst, 0, numel);
            return new Tensor(dst, shape);
        }
        Gather(src, baseOffset, t.Size, t.Stride, dst);
        return new Tensor(dst, shape);
    }

    private float[] Converted(TorchStorage root, string name)
    {
        if (_converted.TryGetValue(root, out var f)) return f;
        if (root.Bytes is not { } bytes)
            throw new InvalidDataException($"{source}: tensor '{name}' uses storage '{root.Key}', whose data is missing from the file");
        long expected = root.Numel * TorchDTypes.ElementSize(root.DType);
        if (bytes.Length != expected)
            throw new InvalidDataException($"{source}: storage '{root.Key}' holds {bytes.Length} bytes, expected {expected} ({root.Numel} × {root.DType})");
        if (root.Numel > Array.MaxLength) throw new InvalidDataException($"{source}: storage '{root.Key}' has {root.Numel} elements, more than one array can hold");
        f = new float[root.Numel];
        TorchDTypes.ToFloat32(bytes.Span, root.DType, f);
        _converted[root] = f;
        return f;
    }

    /// <summary>Row-major contiguity; the stride of a size-1 dimension does not matter.</summary>
    internal static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (int i = size.Length - 1; i >= 0; i--)
        {
            if (size[i] == 1) continue;
            if (stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }

    /// <summary>dst[row-major index] = src[offset + Σ index_d · stride_d], walking an odometer over the outer dims.</summary>
    internal static void Gather(float[] src, long offset, long[] size, long[] stride, float[] dst)
    {
        int rank = size.Length;
        long innerSize = size[rank - 1], innerStride = stride[rank - 1];
        var index = new long[rank];
        long srcBase = offset;
        long o = 0;
        while (true)
        {
            long p = srcBase;
            for (long j = 0; j < innerSize; j++, p += innerStride) dst[o++] = src[p];

            int d = rank - 2;
            for (; d >= 0; d--)
            {
                index[d]++;
                srcBase += stride[d];
                if (index[d] < size[d]) break;
                srcBase -= index[d] * stride[d];
                index[d] = 0;
            }
            if (d < 0) return;
        }
    }
}
