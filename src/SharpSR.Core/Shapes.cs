namespace SharpSR.Core;

/// <summary>Shape arithmetic and the wording of shape errors, shared by every op.</summary>
public static class Shapes
{
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    public static long Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    public static int CheckedNumel(ReadOnlySpan<int> shape, string op)
    {
        Validate(shape.ToArray(), op);
        long n = Numel(shape);
        if (n > Array.MaxLength)
            throw new ArgumentException($"{op}: shape {Format(shape)} has {n} elements, more than one array can hold.");
        return (int)n;
    }

    public static int[] Validate(int[] shape, string op)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0) throw new ArgumentException($"{op}: a shape needs at least one dimension.");
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"{op}: negative dimension in shape {Format(shape)}.");
        return (int[])shape.Clone();
    }

    public static int Axis(int axis, int rank, string op)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for rank {rank}.");
        return a;
    }

    public static int Offset(ReadOnlySpan<int> shape, ReadOnlySpan<int> index)
    {
        if (index.Length != shape.Length)
            throw new ArgumentException($"index of rank {index.Length} for a tensor of shape {Format(shape)}.");
        int off = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if ((uint)index[i] >= (uint)shape[i])
                throw new IndexOutOfRangeException($"index {Format(index)} is outside shape {Format(shape)}.");
            off = off * shape[i] + index[i];
        }
        return off;
    }

    /// <summary>Throws unless <paramref name="t"/> has rank 4 (NCHW).</summary>
    public static void RequireNchw(Tensor t, string op, string what = "input")
    {
        if (t.Rank != 4) throw new ArgumentException($"{op}: {what} must be NCHW (rank 4), got shape {Format(t.Shape)}.");
    }

    public static void RequireSame(Tensor a, Tensor b, string op)
    {
        if (!a.SameShape(b)) throw new ArgumentException($"{op}: shapes {Format(a.Shape)} and {Format(b.Shape)} must be equal.");
    }
}
