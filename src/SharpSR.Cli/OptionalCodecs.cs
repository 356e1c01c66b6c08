using SharpSR.Imaging;
using SharpSR.Imaging.Skia;

namespace SharpSR.Cli;

/// <summary>
/// WebP, GIF and AVIF through SharpSR.Imaging.Skia, registered so that the assembly and its native library load
/// only when such a file is read or written: a PNG or JPEG run never touches them.
/// </summary>
internal static class OptionalCodecs
{
    private static int s_registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1) return;
        foreach (var format in OptionalFormats.All)
            ImageIO.Register(new OnDemandCodec(format, () => Create(format), "the optional SharpSR.Imaging.Skia assembly and its native SkiaSharp library"));
    }

    // Kept out of line: the JIT resolves SkiaCodecs (and loads its assembly) only when this method first runs.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static IImageCodec Create(OptionalFormat format) => SkiaCodecs.For(format);
}
