using System.Reflection;
using SharpSR.Core.Lowering;
using SharpSR.Inference;
using SharpSR.Models;

namespace SharpSR.Serve.Jobs;

/// <summary>One model a client may ask for, with the scales it has weights for.</summary>
public sealed record ModelChoice(string Name, string Description, IReadOnlyList<int> Scales, int DefaultScale, long Parameters);

/// <summary>
/// The models a request may name: bicubic and the shipped weights, nothing else. A request's model is
/// looked up here by name, so no request can make the server open a file.
/// </summary>
public sealed class ModelMenu
{
    private readonly Assembly? _weights;
    private readonly PlanOptions? _planOptions;

    public ModelMenu(Assembly? weights, PlanOptions? planOptions = null)
    {
        _weights = weights;
        _planOptions = planOptions;
        var shipped = ModelCatalog.Shipped(weights);
        var presets = ArchRegistry.Presets.ToDictionary(p => p.Name, p => p.Description, StringComparer.OrdinalIgnoreCase);
        var choices = new List<ModelChoice>();
        foreach (var group in shipped.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase))
        {
            var scales = group.Select(m => m.Scale).Distinct().Order().ToList();
            string description = presets.TryGetValue(group.Key, out var d) ? d : group.Key;
            long parameters = ArchRegistry.Create(group.Key, scales[0]).ParameterCount();
            choices.Add(new ModelChoice(group.Key, description, scales, scales.Contains(4) ? 4 : scales[0], parameters));
        }
        // The default first, then by size; bicubic last, the baseline to compare with.
        choices = choices.OrderBy(c => !c.Name.Equals(ModelCatalog.DefaultModel, StringComparison.OrdinalIgnoreCase)).ThenBy(c => c.Parameters).ToList();
        choices.Add(new ModelChoice("bicubic", "MATLAB imresize bicubic, the papers' baseline", [2, 3, 4], 4, 0));
        Choices = choices;
    }

    public IReadOnlyList<ModelChoice> Choices { get; }

    public string Default => Choices[0].Name;

    public ModelChoice? Find(string name) => Choices.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A fresh model for a worker's cache (networks are not shared between jobs that run at once).</summary>
    public ISrModel Load(ModelChoice choice, int scale) => ModelCatalog.Load(choice.Name, scale, assembly: _weights, planOptions: _planOptions);
}
