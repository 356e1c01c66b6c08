using System.Numerics.Tensors;
using SharpSR.Core.Autograd;
using SharpSR.Core.Memory;

namespace SharpSR.Core;

/// <summary>
/// A float32 tensor: contiguous, row-major (NCHW for images). <see cref="Data"/> holds exactly
/// <see cref="Length"/> elements; views such as <see cref="Reshape"/> share it, nothing copies behind
/// the caller's back. Gradients flow through the <see cref="Node"/> recorded by <see cref="Backprop"/>.
/// </summary>
public class Tensor
{
    private readonly int[] _shape;

    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        _shape = Shapes.Validate(shape, "Tensor");
        long n = Shapes.Numel(_shape);
        if (n != data.Length)
            throw new ArgumentException($"Tensor: shape {Shapes.Format(_shape)} needs {n} elements, data has {data.Length}.");
        Data = data;
    }

    /// <summary>The elements, row-major; exactly <see cref="Length"/> long.</summary>
    public float[] Data { get; }

    public ReadOnlySpan<int> Shape => _shape;
    public int[] ShapeArray => (int[])_shape.Clone();
    public int Rank => _shape.Length;
    public int Length => Data.Length;

    /// <summary>Size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int Dim(int axis) => _shape[Shapes.Axis(axis, _shape.Length, "Dim")];

    // NCHW accessors for rank-4 tensors, the layout of every image tensor in the project.
    public int N => Dim4(0);
    public int C => Dim4(1);
    public int H => Dim4(2);
    public int W => Dim4(3);

    private int Dim4(int i) =>
        _shape.Length == 4 ? _shape[i] : throw new InvalidOperationException($"Tensor: expected an NCHW tensor, got shape {Shapes.Format(_shape)}.");

    /// <summary>True when backward should compute a gradient for this tensor.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>Accumulated gradient (same shape), set by <see cref="Backward"/>.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The op that produced this tensor; null for leaves and for tensors made without grad.</summary>
    public GradNode? Node { get; internal set; }

    public bool IsLeaf => Node is null;

    public Span<float> AsSpan() => Data.AsSpan();

    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[params int[] index]
    {
        get => Data[Shapes.Offset(_shape, index)];
        set => Data[Shapes.Offset(_shape, index)] = value;
    }

    // ---- factories -------------------------------------------------------------------------

    /// <summary>Zero-filled storage (from the active <see cref="TensorArena"/>, if any).</summary>
    public static Tensor Zeros(params int[] shape) => new(TensorArena.Rent(Shapes.CheckedNumel(shape, "Zeros"), clear: true), shape);

    /// <summary>Uninitialised storage, for outputs a kernel fully overwrites.</summary>
    public static Tensor Empty(params int[] shape) => new(TensorArena.Rent(Shapes.CheckedNumel(shape, "Empty"), clear: false), shape);

    public static Tensor Full(float value, params int[] shape)
    {
        var t = Empty(shape);
        Array.Fill(t.Data, value);
        return t;
    }

    public static Tensor Scalar(float value) => new([value], 1);

    public static Tensor FromArray(float[] data, params int[] shape) => new(data, shape);

    public static Tensor ZerosLike(Tensor t) => Zeros(t._shape);
    public static Tensor EmptyLike(Tensor t) => Empty(t._shape);

    /// <summary>Uniform in [lo, hi) from a seeded generator (repeatable).</summary>
    public static Tensor Uniform(Random rng, float lo, float hi, params int[] shape)
    {
        var t = Empty(shape);
        for (int i = 0; i < t.Data.Length; i++) t.Data[i] = lo + (hi - lo) * (float)rng.NextDouble();
        return t;
    }

    /// <summary>Standard normal samples (Box-Muller) from a seeded generator.</summary>
    public static Tensor Randn(Random rng, params int[] shape)
    {
        var t = Empty(shape);
        for (int i = 0; i < t.Data.Length; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            t.Data[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return t;
    }

    // ---- plumbing ----------------------------------------------------------------------------

    /// <summary>A tensor sharing this one's data, cut from the graph.</summary>
    public Tensor Detach() => new(Data, _shape);

    /// <summary>A deep copy of the data (not of the graph).</summary>
    public Tensor Clone()
    {
        var copy = TensorArena.Rent(Data.Length, clear: false);
        Data.AsSpan().CopyTo(copy);
        return new(copy, _shape);
    }

    public float Item() =>
        Data.Length == 1 ? Data[0] : throw new InvalidOperationException($"Item: tensor of shape {Shapes.Format(_shape)} has {Data.Length} elements, expected 1.");

    public bool SameShape(Tensor other) => _shape.AsSpan().SequenceEqual(other._shape);

    /// <summary>Back-propagates from this tensor: a scalar loss, or any tensor given its output gradient.</summary>
    public void Backward(Tensor? outputGrad = null) => Backprop.Run(this, outputGrad);

    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);

    public void CopyFrom(Tensor source)
    {
        if (!SameShape(source))
            throw new ArgumentException($"CopyFrom: shape {Shapes.Format(source._shape)} does not match {Shapes.Format(_shape)}.");
        source.Data.AsSpan().CopyTo(Data);
    }

    public void Fill(float value) => Array.Fill(Data, value);

    public override string ToString() => $"Tensor{Shapes.Format(_shape)}";

    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);
    public static Tensor operator +(Tensor a, float s) => Ops.AddScalar(a, s);
    public static Tensor operator -(Tensor a, float s) => Ops.AddScalar(a, -s);
    public static Tensor operator *(Tensor a, float s) => Ops.MulScalar(a, s);
    public static Tensor operator *(float s, Tensor a) => Ops.MulScalar(a, s);
    public static Tensor operator -(Tensor a) => Ops.MulScalar(a, -1f);

    /// <summary>Sum of all elements in double, for tests and metrics.</summary>
    public double SumDouble()
    {
        double s = 0;
        foreach (float v in Data) s += v;
        return s;
    }

    public float MaxAbs() => Data.Length == 0 ? 0 : TensorPrimitives.MaxMagnitude(Data);
}
