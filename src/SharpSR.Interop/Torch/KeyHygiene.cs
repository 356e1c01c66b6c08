namespace SharpSR.Interop.Torch;

/// <summary>
/// BasicSR-style key hygiene for state dicts: unwrap the training-checkpoint dicts that hold the weights
/// (<c>params_ema</c> before <c>params</c>, then <c>state_dict</c>, <c>model</c>, <c>net</c>) and strip the
/// <c>module.</c> prefix that <c>nn.DataParallel</c> adds.
/// </summary>
public static class KeyHygiene
{
    /// <summary>Wrapper keys in order of preference: EMA weights win over raw ones when both are saved.</summary>
    public static IReadOnlyList<string> WrapperKeys { get; } = ["params_ema", "params", "state_dict", "model", "net"];

    public const string DataParallelPrefix = "module.";

    /// <summary>How many wrapper levels are followed (e.g. <c>ckpt["state_dict"]["model"]</c> is two).</summary>
    public const int MaxWrapperDepth = 4;

    /// <summary>
    /// Descends through wrapper dicts: while the current dict holds no tensor directly and has a wrapper key
    /// whose value is a non-empty dict, that dict becomes current. Returns the dict and the keys followed.
    /// </summary>
    internal static (PyDict Dict, List<string> Path) Unwrap(PyDict root)
    {
        var path = new List<string>();
        PyDict current = root;
        while (path.Count < MaxWrapperDepth && !current.Items.Values.Any(v => v is TorchTensorRef))
        {
            PyDict? next = null;
            foreach (string key in WrapperKeys)
            {
                if (current.TryGet(key, out var v) && v is PyDict { Items.Count: > 0 } d)
                {
                    next = d;
                    path.Add(key);
                    break;
                }
            }
            if (next is null) break;
            current = next;
        }
        return (current, path);
    }

    /// <summary>
    /// Removes a leading <c>module.</c> from every key that has one, keeping the order. Throws when stripping
    /// would make two keys equal (a dict that mixes <c>module.x</c> and <c>x</c>).
    /// </summary>
    public static OrderedDictionary<string, T> StripModulePrefix<T>(OrderedDictionary<string, T> dict, out int strippedCount)
    {
        ArgumentNullException.ThrowIfNull(dict);
        var result = new OrderedDictionary<string, T>(dict.Count, StringComparer.Ordinal);
        strippedCount = 0;
        foreach (var (key, value) in dict)
        {
            bool strip = key.StartsWith(DataParallelPrefix, StringComparison.Ordinal);
            string k = strip ? key[DataParallelPrefix.Length..] : key;
            if (!result.TryAdd(k, value))
                throw new InvalidDataException($"stripping '{DataParallelPrefix}' from '{key}' collides with another key '{k}'");
            if (strip) strippedCount++;
        }
        return result;
    }
}
