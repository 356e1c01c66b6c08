namespace SharpSR.Interop.Torch;

/// <summary>
/// BasicSR-style key hygiene for state dicts: unwrap the training-checkpoint dicts that hold the weights
/// (<c>params_ema</c> before <c>params</c>, then <c>state_dict</c>, <c>model</c>, <c>net</c>) and strip the
/// <c>module.</c> prefix that <c>nn.DataParallel</c> adds and the <c>netG.</c> prefix of GAN trainers' generators.
/// </summary>
public static class KeyHygiene
{
    /// <summary>Wrapper keys in order of preference: EMA weights win over raw ones when both are saved.</summary>
    public static IReadOnlyList<string> WrapperKeys { get; } = ["params_ema", "params", "state_dict", "model", "net"];

    /// <summary>Prefixes a training wrapper puts before the network's own keys, stripped in any order and number.</summary>
    public static IReadOnlyList<string> WrapperPrefixes { get; } = ["module.", "netG."];

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

    /// <summary>The key without its leading wrapper prefixes (<c>netG.module.conv.weight</c> becomes <c>conv.weight</c>).</summary>
    public static string StripPrefixes(string key)
    {
        bool stripped;
        do
        {
            stripped = false;
            foreach (string prefix in WrapperPrefixes)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    key = key[prefix.Length..];
                    stripped = true;
                }
            }
        } while (stripped);
        return key;
    }

    /// <summary>
    /// Removes the leading wrapper prefixes from every key that has them, keeping the order. Throws when
    /// stripping would make two keys equal (a dict that mixes <c>module.x</c> and <c>x</c>).
    /// </summary>
    public static OrderedDictionary<string, T> StripWrapperPrefixes<T>(IEnumerable<KeyValuePair<string, T>> dict, out int strippedCount)
    {
        ArgumentNullException.ThrowIfNull(dict);
        var result = new OrderedDictionary<string, T>(StringComparer.Ordinal);
        strippedCount = 0;
        foreach (var (key, value) in dict)
        {
            string k = StripPrefixes(key);
            if (!result.TryAdd(k, value))
                throw new InvalidDataException($"stripping the wrapper prefix from '{key}' collides with another key '{k}'");
            if (k.Length != key.Length) strippedCount++;
        }
        return result;
    }
}
