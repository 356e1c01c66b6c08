using System.Text;
using SharpSR.Core.Serialization;
using SharpSR.Imaging.Bmp;
using SharpSR.Imaging.Jpeg;
using SharpSR.Imaging.Png;
using SharpSR.Imaging.Pnm;
using SharpSR.Interop.Torch;
using SharpSR.Models;
using SharpSR.Training;

namespace SharpSR.Fuzz;

/// <summary>
/// One parser under test: what it is fed, which exceptions are its documented refusals (anything else is a
/// crash), and how many bytes one input may make it allocate.
/// </summary>
public sealed record FuzzTarget(string Name, string What, Action<byte[]> Parse, Func<Exception, bool> IsRefusal, Func<int, long> AllocationLimit);

public static class Targets
{
    /// <summary>The pixel limit the image targets run under (the decoders' configurable maxPixels): 1 Mpx.</summary>
    public const long MaxPixels = 1L << 20;

    // A decoded image (at most MaxPixels x 4 bytes), the decoder's working planes and the inflated or
    // entropy-decoded data: a small multiple of the pixel budget, whatever the file claims.
    private static long ImageBudget(int inputBytes) => 24 * MaxPixels + 64L * inputBytes + (8 << 20);

    // Tensor files hold their data: what is allocated is bounded by the file (deflate's 1032:1 at most for zip
    // entries, float32 conversion of 1-byte dtypes x4).
    private static long TensorBudget(int inputBytes) => 4200L * inputBytes + (8 << 20);

    private static bool FormatError(Exception e) => e is InvalidDataException;

    // The JPEG decoder documents NotSupportedException for valid files it does not implement (arithmetic coding,
    // lossless, 12-bit, CMYK).
    private static bool JpegRefusal(Exception e) => e is InvalidDataException or NotSupportedException;

    // JSON for the user: a bad file is an InvalidDataException; a bad value an ArgumentException naming it
    // (the CLI prints both as one line). Subclasses such as ArgumentOutOfRangeException come from deeper code
    // that was handed a value nobody checked, so they count as crashes.
    private static bool UserError(Exception e) => e is InvalidDataException || e.GetType() == typeof(ArgumentException) || e is KeyNotFoundException;

    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        new("png", "PngDecoder.Decode", b => PngDecoder.Decode(b, MaxPixels), FormatError, ImageBudget),
        new("jpeg", "JpegDecoder.Decode", b => JpegDecoder.Decode(b, MaxPixels), JpegRefusal, ImageBudget),
        new("bmp", "BmpCodec.Decode", b => BmpCodec.Decode(b, MaxPixels), FormatError, ImageBudget),
        new("pnm", "PnmCodec.Decode", b => PnmCodec.Decode(b, MaxPixels), FormatError, ImageBudget),
        new("safetensors", "SafeTensorsFile.Parse", b => SafeTensorsFile.Parse(b), FormatError, TensorBudget),
        new("pth-zip", "TorchCheckpointReader.Parse (zip seeds)", b => TorchCheckpointReader.Parse(b), FormatError, TensorBudget),
        new("pth-legacy", "TorchCheckpointReader.Parse (legacy seeds)", b => TorchCheckpointReader.Parse(b), FormatError, TensorBudget),
        new("train-config", "TrainConfig.FromJson + Validate", ParseConfig, UserError, n => 64L * n + (8 << 20)),
        new("model-options", "ArchRegistry.Create(arch, scale, options JSON)", BuildFromOptions, UserError, n => 256L << 20),
    ];

    public static FuzzTarget Find(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"unknown target '{name}' (known: {string.Join(", ", All.Select(t => t.Name))})");

    private static void ParseConfig(byte[] input)
    {
        var config = TrainConfig.FromJson(Encoding.UTF8.GetString(input));
        config.Validate();
    }

    // The input is "<arch> <scale>\n<options JSON>" so the fuzzer can reach every architecture and scale.
    private static void BuildFromOptions(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        int nl = text.IndexOf('\n');
        if (nl < 0) throw new ArgumentException("no header line");
        var head = text[..nl].Split(' ');
        if (head.Length != 2 || !int.TryParse(head[1], out int scale)) throw new ArgumentException("bad header line");
        ArchRegistry.Create(head[0], scale, text[(nl + 1)..]);
    }
}
