namespace SharpSR.Imaging.Png;

/// <summary>The IHDR colour type byte.</summary>
public enum PngColorType : byte
{
    Grey = 0,
    Rgb = 2,
    Palette = 3,
    GreyAlpha = 4,
    Rgba = 6,
}
