namespace SharpSR.Core;

// Ops whose kernels are being written; each moves to its own Ops.<Name>.cs file with forward and
// backward side by side when implemented. This file must be empty before the engine issue closes.
public static partial class Ops
{
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, Conv2dOptions options) => throw new NotImplementedException();
}

/// <summary>Border handling of fixed filters.</summary>
public enum PaddingMode { Zeros, Replicate, Reflect }
