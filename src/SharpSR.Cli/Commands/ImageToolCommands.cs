using System.CommandLine;
using System.Globalization;
using SharpSR.Imaging;
using SharpSR.Imaging.Resize;

namespace SharpSR.Cli.Commands;

/// <summary>`sharpsr resize` (MATLAB bicubic) and `sharpsr metrics` (PSNR/SSIM of two images): small researcher tools.</summary>
public static class ImageToolCommands
{
    public static Command Resize(CliOutput output)
    {
        var input = new Argument<string>("input") { Description = "image to resize" };
        var outPath = new Option<string>("--output", "-o") { Description = "output image", Required = true };
        var scale = new Option<string>("--scale", "-s") { Description = "integer factor: 4 enlarges, 1/4 shrinks (MATLAB imresize bicubic)", Required = true };
        var modCrop = new Option<bool>("--mod-crop") { Description = "when shrinking, first crop the top-left to a multiple of the factor (as the datasets were made)" };
        var cmd = new Command("resize", "MATLAB-compatible bicubic resize by an integer factor") { input, outPath, scale, modCrop };
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            var (factor, shrink) = ParseScale(r.GetValue(scale)!);
            string dst = r.GetValue(outPath)!;
            EvalCommand.CheckOutputFolder(dst);
            ImageIO.EncoderFor(dst);
            var img = ImageIO.Load(r.GetValue(input)!);
            if (shrink && r.GetValue(modCrop)) img = MatlabBicubic.ModCrop(img, factor);
            var result = shrink ? MatlabBicubic.Downscale(img, factor) : MatlabBicubic.Upscale(img, factor);
            ImageIO.Save(result, dst);
            output.Out.WriteLine($"{img.Width}x{img.Height} -> {result.Width}x{result.Height}: {dst}");
            return 0;
        }));
        return cmd;
    }

    public static Command Metrics(CliOutput output)
    {
        var sr = new Argument<string>("sr") { Description = "super-resolved image" };
        var hr = new Argument<string>("hr") { Description = "ground truth (mod-cropped to the scale if needed)" };
        var scale = new Option<int>("--scale", "-s") { Description = "scale: the border shaved", DefaultValueFactory = _ => 4 };
        var protocolOptions = new ProtocolOptions();
        var cmd = new Command("metrics", "PSNR and SSIM on Y of two images, border of `scale` pixels shaved") { sr, hr, scale };
        protocolOptions.AddTo(cmd);
        cmd.SetAction(r => CliErrors.Guard(output, () =>
        {
            int s = r.GetValue(scale);
            if (s < 1) throw new ArgumentException($"scale must be a positive integer, got {s}");
            var protocol = protocolOptions.Read(r);
            var a = ImageIO.Load(r.GetValue(sr)!);
            var b = MatlabBicubic.ModCrop(ImageIO.Load(r.GetValue(hr)!), s);
            if (a.Width != b.Width || a.Height != b.Height)
                throw new ArgumentException($"sizes differ: {a.Width}x{a.Height} vs {b.Width}x{b.Height} (after mod-crop)");
            var (psnr, ssim) = protocol.Score(a, b, s);
            var inv = CultureInfo.InvariantCulture;
            output.Out.WriteLine($"PSNR {psnr.ToString("F4", inv)} dB  SSIM {ssim.ToString("F5", inv)}  (Y, shave {s})");
            return 0;
        }));
        return cmd;
    }

    private static (int Factor, bool Shrink) ParseScale(string text)
    {
        bool shrink = text.StartsWith("1/", StringComparison.Ordinal);
        string digits = shrink ? text[2..] : text;
        if (!int.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out int f) || f < 1 || f > 16)
            throw new ArgumentException($"invalid scale '{text}' (an integer 1..16, or 1/N to shrink)");
        return (f, shrink);
    }
}
