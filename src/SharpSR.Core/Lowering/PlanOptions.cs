using SharpSR.Core.Kernels.Packed;

namespace SharpSR.Core.Lowering;

/// <summary>How a plan computes its 3x3 convolutions.</summary>
public enum ConvAlgorithm
{
    /// <summary>Direct summation over the 9 taps: exact to float32 rounding.</summary>
    Direct,

    /// <summary>Winograd F(4x4, 3x3): 2.25 multiplies per output and channel pair instead of 9, ~20 ulps of rounding.</summary>
    Winograd,

    /// <summary>Winograd F(2x2, 3x3): 4 multiplies per output and channel pair, rounding like the direct sum.</summary>
    Winograd2,
}

/// <summary>Number format of a plan's convolutions.</summary>
public enum Precision { Fp32, Bf16, Int8 }

/// <summary>
/// Choices a lowered plan makes where the packed kernels offer more than one way. The default is fp32 Winograd F(4x4):
/// it leaves the shipped models' Set5/B100 PSNR unchanged to 0.0001 dB and takes 0.5-0.8 of direct's time;
/// <see cref="ConvAlgorithm.Direct"/> is the path exact to float rounding. Convolutions Winograd does not cover (an RGB
/// head, input channels other than 16-64) keep the direct kernels.
/// </summary>
public sealed record PlanOptions(ConvAlgorithm Conv = ConvAlgorithm.Winograd, Precision Precision = Precision.Fp32)
{
    public static PlanOptions Default { get; } = new();

    /// <summary>Output tile side of the Winograd kernels, 0 for direct.</summary>
    public int WinogradTile => Conv switch { ConvAlgorithm.Winograd => 4, ConvAlgorithm.Winograd2 => 2, _ => 0 };

    /// <summary>Parses the command-line words (<c>--conv direct|winograd|winograd2</c>, <c>--precision fp32|bf16|int8</c>).</summary>
    public static PlanOptions Parse(string? conv, string? precision) => new(
        conv?.ToLowerInvariant() switch
        {
            "direct" => ConvAlgorithm.Direct,
            null or "winograd" or "winograd4" => ConvAlgorithm.Winograd,
            "winograd2" => ConvAlgorithm.Winograd2,
            _ => throw new ArgumentException($"--conv '{conv}' is not direct, winograd (F(4x4,3x3)) or winograd2 (F(2x2,3x3))"),
        },
        precision?.ToLowerInvariant() switch
        {
            null or "fp32" => Precision.Fp32,
            "bf16" => Precision.Bf16,
            "int8" => Precision.Int8,
            _ => throw new ArgumentException($"--precision '{precision}' is not fp32, bf16 or int8"),
        });

    /// <summary>Why SharpSR cannot run these options, in one line; null when it can.</summary>
    public string? Refusal() => Precision switch
    {
        Precision.Bf16 => "--precision bf16 is not available: .NET 10 cannot emit the bf16 dot-product instruction (AVX512_BF16 vdpbf16ps) this CPU has, so SharpSR has no bf16 kernels; use fp32",
        Precision.Int8 => "--precision int8 is not available: SharpSR has no int8 kernels (this CPU's int8 dot products reach .NET 10 only at 256 bits, as AVX-VNNI); use fp32",
        _ => null,
    };

    /// <summary>A line saying the options fall back on this machine (Winograd runs on the AVX-512 kernels only); null when they run as asked.</summary>
    public string? FallbackNote() => Conv != ConvAlgorithm.Direct && !PackedConv.IsSupported
        ? $"note: --conv {Conv.ToString().ToLowerInvariant()} needs AVX-512, which this CPU lacks; running the portable direct path" : null;
}
