using System.Numerics;

namespace SharpSR.Interop.Torch;

// The values the pickle VM builds. Python scalars map to C# ones: None -> null, bool -> bool,
// int -> long (or BigInteger when it does not fit), float -> double, str -> string, bytes -> byte[],
// list -> List<object?>. Tuples, dicts, allow-listed globals, storages and tensors get the small
// types below. Nothing here can run code: a "global" is only a tag naming one of the C# constructors
// that Unpickler knows.

/// <summary>A Python tuple: an immutable sequence, compared structurally when used as a dict key.</summary>
internal sealed class PyTuple(object?[] items)
{
    public object?[] Items { get; } = items;
    public int Count => Items.Length;
    public object? this[int i] => Items[i];

    public override string ToString() => $"<{Count}-tuple>";
}

/// <summary>A Python dict or OrderedDict: insertion-ordered, keyed by hashable pickle values.</summary>
internal sealed class PyDict
{
    public OrderedDictionary<object, object?> Items { get; } = new(PickleKeyComparer.Instance);

    /// <summary>State set by BUILD (an OrderedDict's instance attributes, e.g. a state_dict's <c>_metadata</c>); never interpreted.</summary>
    public object? State { get; set; }

    public bool TryGet(string key, out object? value) => Items.TryGetValue(key, out value);
}

/// <summary>The allow-listed globals, each backed by C# code in <see cref="Unpickler"/>.</summary>
internal enum PyGlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    RebuildParameter,
    RebuildParameterWithState,
    StorageType,
}

/// <summary>A resolved global: only ever one of the allow-listed names.</summary>
internal sealed record PyGlobal(PyGlobalKind Kind, string QualifiedName, TorchDType DType = TorchDType.Float32);

/// <summary>Equality for dict keys: ordinal strings, numbers by value, tuples element by element.</summary>
internal sealed class PickleKeyComparer : IEqualityComparer<object>
{
    public static readonly PickleKeyComparer Instance = new();

    public new bool Equals(object? x, object? y)
    {
        if (x is PyTuple tx && y is PyTuple ty)
        {
            if (tx.Count != ty.Count) return false;
            for (int i = 0; i < tx.Count; i++)
                if (!KeyEquals(tx[i], ty[i])) return false;
            return true;
        }
        return object.Equals(x, y);
    }

    private bool KeyEquals(object? x, object? y) => x is null || y is null ? x is null && y is null : Equals(x, y);

    public int GetHashCode(object obj)
    {
        if (obj is PyTuple t)
        {
            var h = new HashCode();
            h.Add(t.Count);
            foreach (var item in t.Items) h.Add(item is null ? 0 : GetHashCode(item));
            return h.ToHashCode();
        }
        return obj.GetHashCode();
    }

    /// <summary>Deepest tuple nesting accepted in a dict key, so hashing and comparing stay shallow.</summary>
    public const int MaxKeyDepth = 4;

    /// <summary>Widest tuple accepted in a dict key.</summary>
    public const int MaxKeyTupleItems = 16;

    /// <summary>Longest string accepted as a dict key. Hashing is not cached, so a memo-repeated long key would cost quadratic time.</summary>
    public const int MaxKeyChars = 1024;

    /// <summary>
    /// True for the values we accept as dict keys: strings of at most <see cref="MaxKeyChars"/>, numbers, bools, and
    /// small tuples of those nested at most <see cref="MaxKeyDepth"/> deep (no None, lists, dicts or tensors).
    /// </summary>
    public static bool IsHashable(object? key, int depth = 0) => key switch
    {
        string s => s.Length <= MaxKeyChars,
        long or bool or double or BigInteger => true,
        PyTuple t => depth < MaxKeyDepth && t.Count <= MaxKeyTupleItems && t.Items.All(item => IsHashable(item, depth + 1)),
        _ => false,
    };
}
