namespace SharpSR.Core;

// Ops whose kernels are being written; each moves to its own Ops.<Name>.cs file with forward and
// backward side by side when implemented. This file must be empty before the engine issue closes.
public static partial class Ops
{
    public static Tensor AvgPool2d(Tensor x, int kernel, int stride, int padding = 0) => throw new NotImplementedException();
    public static Tensor AdaptiveAvgPool2d(Tensor x, int outH, int outW) => throw new NotImplementedException();
    public static Tensor MaxPool2d(Tensor x, int kernel, int stride, int padding = 0) => throw new NotImplementedException();
    public static Tensor ResizeBilinear(Tensor x, int outH, int outW) => throw new NotImplementedException();
    public static Tensor UpsampleNearest(Tensor x, int factor) => throw new NotImplementedException();
    public static Tensor ChannelMean(Tensor x) => throw new NotImplementedException();
    public static Tensor ChannelStd(Tensor x) => throw new NotImplementedException();
    public static Tensor Sum(Tensor x) => throw new NotImplementedException();
    public static Tensor Mean(Tensor x) => throw new NotImplementedException();
    public static Tensor L1Loss(Tensor prediction, Tensor target) => throw new NotImplementedException();
    public static Tensor MseLoss(Tensor prediction, Tensor target) => throw new NotImplementedException();
    public static Tensor DepthwiseFilter(Tensor x, float[,] kernel, PaddingMode padding) => throw new NotImplementedException();
}

/// <summary>Border handling of fixed filters.</summary>
public enum PaddingMode { Zeros, Replicate, Reflect }
