namespace SharpSR.Inference;

/// <summary>The tile size chosen when the caller names none (the CLI's `--tile 0`, every server request).</summary>
public static class TilePolicy
{
    /// <summary>
    /// Tiles bound memory; every tile also recomputes a margin of the receptive field (55 LR pixels for
    /// s-LWSR), so bigger tiles waste less. Networks that recycle their intermediates (s-LWSR) hold only
    /// live tensors: 256-pixel tiles, untiled up to about one such window (a 1920x1080 input at x4 peaks
    /// near 1.2 GB resident). Others keep every activation of a pass until it ends: 128-pixel tiles,
    /// untiled up to 0.25 MPixel (1920x1080 at x4: about 1.3 GB).
    /// </summary>
    public static int Automatic(int width, int height, bool recycles)
    {
        long pixels = (long)width * height;
        if (recycles) return pixels <= 128 * 1024 ? 0 : 256;
        return pixels <= 256 * 1024 ? 0 : 128;
    }

    /// <summary>The automatic tile for <paramref name="model"/> (0 for bicubic, which needs none).</summary>
    public static int For(ISrModel model, int width, int height) =>
        model.Network is { } net ? Automatic(width, height, net.RecyclesIntermediates) : 0;
}
