namespace SharpSR.Core.Nn;

/// <summary>Children named "0", "1", … applied in order, like nn.Sequential.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    public Sequential(params Module[] layers)
    {
        // Parameter-free layers (activations) take an index too, so keys match PyTorch's (body.0, body.2).
        for (int i = 0; i < layers.Length; i++)
            _layers.Add(Register(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]));
    }

    public IReadOnlyList<Module> Layers => _layers;

    public override Tensor Forward(Tensor x)
    {
        Tensor input = x;
        foreach (var m in _layers)
        {
            Tensor y = m.Forward(x);
            // An intermediate is dead once the next layer has used it (unless that layer passed it on).
            if (!ReferenceEquals(x, input) && !ReferenceEquals(y.Data, x.Data)) Memory.TensorArena.Recycle(x);
            x = y;
        }
        return x;
    }
}

/// <summary>A parameter-free layer from a function (activations, pixel shuffle).</summary>
public sealed class Lambda(Func<Tensor, Tensor> f) : Module
{
    public override Tensor Forward(Tensor x) => f(x);
}

/// <summary>y = x; stands where a variant drops a layer but keys must keep their indices.</summary>
public sealed class Identity : Module
{
    public override Tensor Forward(Tensor x) => x;
}
