using System.Globalization;
using SharpSR.Inference;
using SharpSR.Models;

namespace SharpSR.Cli.Commands;

/// <summary>
/// What `upscale` was asked to make (--scale S, --width, --height) and which model makes it for each image. A
/// native factor runs the model alone; any other size is made by the smallest native factor that reaches it
/// (a preset's shipped weights, a model file's own scale), then MATLAB bicubic down to the size, rounded once.
/// </summary>
internal sealed class UpscaleScale
{
    private readonly Func<int, ISrModel> _load;
    private readonly Dictionary<int, ISrModel> _models = [];
    private readonly IReadOnlyList<int> _native;
    private readonly string _model;

    private UpscaleScale(string model, ISrModel? fixedModel, OutputSize? size, IReadOnlyList<int> native, Func<int, ISrModel> load, ISrModel? loaded = null)
    {
        _model = model;
        Size = size;
        _native = native;
        _load = load;
        Fixed = fixedModel;
        if ((fixedModel ?? loaded) is { } known) _models[known.Scale] = known;
    }

    /// <summary>The one model of a run at a native factor; null when each image picks its own.</summary>
    public ISrModel? Fixed { get; }

    /// <summary>The requested size when it is not a native factor, else null.</summary>
    public OutputSize? Size { get; }

    /// <summary>How output names say the size: x4, x1.5, w1600, h900, 1600x900.</summary>
    public string Tag => Size switch
    {
        null => "x" + Fixed!.Scale,
        { Factor: { } f } => "x" + f.ToString("0.###", CultureInfo.InvariantCulture),
        { Width: { } w, Height: { } h } => $"{w}x{h}",
        { Width: { } w } => "w" + w,
        _ => "h" + Size.Height,
    };

    public static UpscaleScale Create(string model, string? arch, string? scaleText, int? width, int? height, bool ensemble,
        SharpSR.Core.Lowering.PlanOptions? planOptions = null)
    {
        ISrModel Load(int? s) => ModelCatalog.Load(model, s, ensemble: ensemble, importTorch: TorchImport.Load, arch: arch, planOptions: planOptions);
        if (width is not null || height is not null)
        {
            if (scaleText is not null) throw new ArgumentException("--scale and --width/--height both set the output size; give one");
            return ForSize(model, OutputSize.Exact(width, height), Load);
        }
        if (scaleText is null) return Native(model, Load(null));
        if (!double.TryParse(scaleText, NumberStyles.Float, CultureInfo.InvariantCulture, out double factor) || !double.IsFinite(factor))
            throw new ArgumentException($"--scale '{scaleText}' is not a number (e.g. 2, 3, 4 or 1.5)");
        if (factor != Math.Floor(factor) || factor > int.MaxValue) return ForSize(model, OutputSize.ByFactor(factor), Load);

        int k = (int)factor;
        if (ModelCatalog.IsBicubic(model)) return Native(model, Load(ScaleRules.CheckBicubic(k)));
        if (ModelCatalog.LooksLikeFile(model))
        {
            var file = Load(null);
            if (file.Scale == k) return Native(model, file);
            if (file.Scale > k) return new UpscaleScale(model, null, OutputSize.ByFactor(k), [file.Scale], _ => file, file);
            throw new ArgumentException($"{model} is an x{file.Scale} model; it cannot make x{k}");
        }
        ScaleRules.CheckNetwork(model, k);
        var native = ModelCatalog.NativeScales(model);
        if (native.Contains(k) || !native.Any(s => s > k)) return Native(model, Load(k));   // no weights above: Load names what is shipped
        return new UpscaleScale(model, null, OutputSize.ByFactor(k), native, s => Load(s));
    }

    private static UpscaleScale Native(string model, ISrModel sr) => new(model, sr, null, [sr.Scale], _ => sr);

    private static UpscaleScale ForSize(string model, OutputSize size, Func<int?, ISrModel> load)
    {
        if (ModelCatalog.IsBicubic(model)) return new UpscaleScale(model, null, size, ModelCatalog.NativeScales(model), s => load(s));
        if (ModelCatalog.LooksLikeFile(model))
        {
            var file = load(null);
            return new UpscaleScale(model, null, size, [file.Scale], _ => file, file);
        }
        var native = ModelCatalog.NativeScales(model);
        if (native.Count == 0) load(4);   // throws: no shipped weights, with the usual advice
        return new UpscaleScale(model, null, size, native, s => load(s));
    }

    /// <summary>One line for the start of a run.</summary>
    public string Describe(bool ensemble) => Size is null
        ? $"model {Fixed!.Name} x{Fixed.Scale}{(ensemble ? " with x8 self-ensemble" : "")}"
        : $"model {(ModelCatalog.IsBicubic(_model) ? "bicubic" : _models.Values.FirstOrDefault()?.Name ?? _model)}{(ensemble ? " with x8 self-ensemble" : "")}, output {Size}"
          + (ModelCatalog.IsBicubic(_model) ? " (MATLAB bicubic)" : $" (x{string.Join("/x", _native)} network, then MATLAB bicubic)");

    /// <summary>The model for an input of <paramref name="width"/> × <paramref name="height"/>, and the output size when not native.</summary>
    public (ISrModel Model, (int Width, int Height)? Size) For(int width, int height)
    {
        if (Size is null) return (Fixed!, null);
        var target = Size.For(width, height);
        int k = Size.NativeFactor(width, height, _native, _model);
        if (!_models.TryGetValue(k, out var model)) _models[k] = model = _load(k);
        return (model, target);
    }
}
