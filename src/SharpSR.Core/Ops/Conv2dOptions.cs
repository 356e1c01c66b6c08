namespace SharpSR.Core;

/// <summary>Convolution geometry: stride, zero padding and dilation per axis, and the group count.</summary>
public readonly record struct Conv2dOptions(
    int StrideH = 1, int StrideW = 1, int PadH = 0, int PadW = 0, int DilationH = 1, int DilationW = 1, int Groups = 1)
{
    public static Conv2dOptions Same(int kernel, int dilation = 1, int groups = 1) =>
        new(1, 1, dilation * (kernel - 1) / 2, dilation * (kernel - 1) / 2, dilation, dilation, groups);

    public int OutH(int h, int kh) => (h + 2 * PadH - DilationH * (kh - 1) - 1) / StrideH + 1;
    public int OutW(int w, int kw) => (w + 2 * PadW - DilationW * (kw - 1) - 1) / StrideW + 1;
}
