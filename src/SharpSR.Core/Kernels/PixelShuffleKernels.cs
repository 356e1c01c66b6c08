namespace SharpSR.Core.Kernels;

// N = batch, C = output channels, r = factor, H×W = input plane, (H·r)×(W·r) = output plane.
// out[n, c, y·r + i, x·r + j] = in[n, c·r² + i·r + j, y, x]
internal static class PixelShuffleKernels
{
    /// <summary>Scatters the r² input planes of each output channel into one interleaved plane.</summary>
    public static void Forward(float[] x, int n, int c, int h, int w, int r, float[] y)
    {
        int ow = w * r, plane = h * w;
        Parallelism.For(n * c, (long)n * c * r * r * plane, nc =>
        {
            int outBase = nc * plane * r * r;
            for (int i = 0; i < r; i++)
                for (int j = 0; j < r; j++)
                {
                    int inBase = (nc * r * r + i * r + j) * plane;
                    for (int yy = 0; yy < h; yy++)
                    {
                        int src = inBase + yy * w, dst = outBase + (yy * r + i) * ow + j;
                        for (int xx = 0; xx < w; xx++) y[dst + xx * r] = x[src + xx];
                    }
                }
        });
    }

    /// <summary>The inverse permutation (pixel unshuffle): the backward of <see cref="Forward"/>.</summary>
    public static void Backward(float[] dy, int n, int c, int h, int w, int r, float[] dx)
    {
        int ow = w * r, plane = h * w;
        Parallelism.For(n * c, (long)n * c * r * r * plane, nc =>
        {
            int outBase = nc * plane * r * r;
            for (int i = 0; i < r; i++)
                for (int j = 0; j < r; j++)
                {
                    int inBase = (nc * r * r + i * r + j) * plane;
                    for (int yy = 0; yy < h; yy++)
                    {
                        int dst = inBase + yy * w, src = outBase + (yy * r + i) * ow + j;
                        for (int xx = 0; xx < w; xx++) dx[dst + xx] = dy[src + xx * r];
                    }
                }
        });
    }
}
