namespace SharpSR.Core.Tests.Reference;

// N = batch, C = in channels, K = out channels, H×W = input, P×Q = output, R×S = kernel

/// <summary>The float64 reference twin of Ops.Conv2d: the plain 7-deep loop, forward and backward.</summary>
public sealed record NaiveConv2d(int N, int C, int H, int W, int K, int R, int S, Conv2dOptions O)
{
    public int Groups => O.Groups;
    public int Cg => C / O.Groups;
    public int Kg => K / O.Groups;
    public int P => O.OutH(H, R);
    public int Q => O.OutW(W, S);

    /// <summary>Input index of output (p, q) at tap (r, s), or -1 where it falls in the zero padding.</summary>
    private (int h, int w) Source(int p, int q, int r, int s) =>
        (p * O.StrideH - O.PadH + r * O.DilationH, q * O.StrideW - O.PadW + s * O.DilationW);

    public double[] Forward(double[] x, double[] w, double[]? b)
    {
        var y = new double[N * K * P * Q];
        for (int n = 0; n < N; n++)
            for (int k = 0; k < K; k++)
            {
                int g = k / Kg;
                for (int p = 0; p < P; p++)
                    for (int q = 0; q < Q; q++)
                    {
                        double acc = b is null ? 0 : b[k];
                        for (int c = 0; c < Cg; c++)
                            for (int r = 0; r < R; r++)
                                for (int s = 0; s < S; s++)
                                {
                                    var (h, ww) = Source(p, q, r, s);
                                    if (h < 0 || h >= H || ww < 0 || ww >= W) continue;
                                    acc += w[((k * Cg + c) * R + r) * S + s] * x[((n * C + g * Cg + c) * H + h) * W + ww];
                                }
                        y[((n * K + k) * P + p) * Q + q] = acc;
                    }
            }
        return y;
    }

    /// <summary>Analytic gradients (dx, dw, db) for output gradient dy.</summary>
    public (double[] dx, double[] dw, double[] db) Backward(double[] x, double[] w, double[] dy)
    {
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[K];
        for (int n = 0; n < N; n++)
            for (int k = 0; k < K; k++)
            {
                int g = k / Kg;
                for (int p = 0; p < P; p++)
                    for (int q = 0; q < Q; q++)
                    {
                        double d = dy[((n * K + k) * P + p) * Q + q];
                        db[k] += d;
                        for (int c = 0; c < Cg; c++)
                            for (int r = 0; r < R; r++)
                                for (int s = 0; s < S; s++)
                                {
                                    var (h, ww) = Source(p, q, r, s);
                                    if (h < 0 || h >= H || ww < 0 || ww >= W) continue;
                                    int xi = ((n * C + g * Cg + c) * H + h) * W + ww, wi = ((k * Cg + c) * R + r) * S + s;
                                    dx[xi] += w[wi] * d;
                                    dw[wi] += x[xi] * d;
                                }
                    }
            }
        return (dx, dw, db);
    }
}
