namespace SharpSR.Core.Kernels;

// N = batch, C = in channels, K = out channels, H×W = input, P×Q = output, R×S = kernel

/// <summary>The full geometry of one 2-D convolution; Cg / Kg are the channels per group.</summary>
internal readonly record struct Conv2dShape(
    int N, int C, int H, int W, int K, int R, int S, int P, int Q,
    int StrideH, int StrideW, int PadT, int PadL, int DilH, int DilW, int Groups)
{
    public int Cg => C / Groups;
    public int Kg => K / Groups;

    /// <summary>Length of one group's reduction: input channels per group × kernel taps.</summary>
    public int CgRS => Cg * R * S;

    public long Macs => (long)N * K * P * Q * CgRS;

    public static Conv2dShape Of(int n, int c, int h, int w, int k, int r, int s, Conv2dOptions o) =>
        new(n, c, h, w, k, r, s, o.OutH(h, r), o.OutW(w, s), o.StrideH, o.StrideW, o.PadH, o.PadW, o.DilationH, o.DilationW, o.Groups);

    /// <summary>A 1×1, stride-1, unpadded convolution seen as one image row of H·W pixels (no row seams).</summary>
    public Conv2dShape Flattened() =>
        R == 1 && S == 1 && StrideH == 1 && StrideW == 1 && PadT == 0 && PadL == 0 && P == H && Q == W
            ? this with { H = 1, W = H * W, P = 1, Q = H * W }
            : this;

    /// <summary>
    /// The stride-1 convolution that computes dx from dy: input dy (K channels, P×Q, with StrideH-1 /
    /// StrideW-1 zeros inserted between samples), weights flipped and transposed per group, output H×W.
    /// </summary>
    public Conv2dShape Transposed() =>
        new(N, K, P, Q, C, R, S, H, W, 1, 1, DilH * (R - 1) - PadT, DilW * (S - 1) - PadL, DilH, DilW, Groups);
}

/// <summary>
/// How a convolution's source image sits in scratch memory: each channel as Sp planes of Hp rows of
/// Ws floats, already zero-padded, so kernels read whole vectors without edge tests. With horizontal
/// stride 1 there is one plane per channel and tap s reads at column s·DilW. With a larger horizontal
/// stride there is one plane per tap column s, holding exactly the Q columns that tap reads.
/// </summary>
internal readonly record struct SourceLayout(int Hp, int Ws, int Sp)
{
    public int PlaneStride => Hp * Ws;
    public int ChannelStride => Sp * Hp * Ws;

    public static SourceLayout For(in Conv2dShape s)
    {
        int hp = (s.P - 1) * s.StrideH + (s.R - 1) * s.DilH + 1;
        return s.StrideW == 1
            ? new SourceLayout(hp, s.Q + (s.S - 1) * s.DilW, 1)
            : new SourceLayout(hp, s.Q, s.S);
    }

    /// <summary>Floats step from one output row to the next.</summary>
    public int RowStep(in Conv2dShape s) => s.StrideH * Ws;

    /// <summary>Offset of tap (c, r, s) of one group relative to the group's first channel, for c in [0, Cg).</summary>
    public void Offsets(in Conv2dShape s, Span<int> offsets)
    {
        int i = 0;
        for (int c = 0; c < s.Cg; c++)
            for (int r = 0; r < s.R; r++)
                for (int t = 0; t < s.S; t++)
                    offsets[i++] = c * ChannelStride + r * s.DilH * Ws + (Sp == 1 ? t * s.DilW : t * PlaneStride);
    }

    public long Length(in Conv2dShape s) => (long)s.N * s.C * ChannelStride + GemmSimd.Slack;
}
