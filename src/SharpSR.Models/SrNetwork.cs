using System.Text.Json;
using System.Text.Json.Serialization;
using SharpSR.Core;
using SharpSR.Core.Nn;

namespace SharpSR.Models;

/// <summary>
/// A super-resolution network: maps an RGB batch [N,3,h,w] in 0..255 to [N,3,s·h,s·w] in 0..255.
/// Networks trained on [0,1] input (IMDN, PAN, CARN) convert inside, so callers see one convention.
/// </summary>
public abstract class SrNetwork : Module
{
    /// <summary>Registry name of the architecture (e.g. "s-lwsr").</summary>
    public abstract string Arch { get; }

    public abstract int Scale { get; }

    /// <summary>The options record that rebuilds this network with <see cref="ArchRegistry.Create"/>.</summary>
    public abstract object Options { get; }

    /// <summary>
    /// LR pixels of context each output pixel depends on, per side: the overlap tiled inference needs. Where no path
    /// reads the whole plane, <see cref="ReceptiveField.Derive"/> computes it from the traced forward pass, and the
    /// registry's tests hold every network's figure to that.
    /// </summary>
    public abstract int ReceptiveFieldRadius { get; }

    /// <summary>
    /// The overlap the upscaler cuts around each tile: the receptive field where that is exact, less where a
    /// measured margin keeps tiled output within rounding of one pass at a fraction of the cost.
    /// </summary>
    public virtual int TileMargin => ReceptiveFieldRadius;

    /// <summary>
    /// True when the network's forward hands dead intermediates back to an active
    /// <see cref="SharpSR.Core.Memory.TensorArena"/> under inference, so a pass in an arena needs only its
    /// live tensors; the upscaler then runs it in one.
    /// </summary>
    public virtual bool RecyclesIntermediates => false;

    /// <summary>
    /// The network's forward lowered to an inference plan on the packed kernels (<see cref="LoweredInferencePlan"/>),
    /// or null on a machine without them (use <see cref="Module.Forward"/>). It holds a copy of the weights taken
    /// now; call Refresh after changing them. <paramref name="options"/> choose how 3x3 convolutions are computed
    /// (default: fp32 direct).
    /// </summary>
    public virtual IInferencePlan? CreateInferencePlan(SharpSR.Core.Lowering.PlanOptions? options = null) => LoweredInferencePlan.TryCreate(this, options);

    /// <summary>Smallest LR tile side the network accepts (e.g. ESA's strided conv and pooling need 15).</summary>
    public virtual int MinInputSize => 1;

    public string OptionsJson() => JsonSerializer.Serialize(Options, Options.GetType(), JsonOptions);

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        WriteIndented = false,
    };

    protected static void CheckInput(Tensor x, string arch)
    {
        Shapes.RequireNchw(x, arch);
        if (x.C != 3) throw new ArgumentException($"{arch}: expected 3-channel RGB input, got shape {Shapes.Format(x.Shape)}.");
    }
}
