namespace SharpSR.Interop.Torch;

/// <summary>
/// The persistent-id half of torch.load: turns <c>('storage', StorageType, key, location, numel[, view_metadata])</c>
/// into one <see cref="TorchStorage"/> per key, so tensors that share a storage share the object.
/// </summary>
internal sealed class StorageResolver(string source, bool allowViews)
{
    public const int MaxStorages = 1 << 20;

    private readonly Dictionary<string, TorchStorage> _roots = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, TorchStorage> Roots => _roots;

    public object Load(object? pid)
    {
        if (pid is PyTuple { Count: > 0 } p && p[0] is string tag && tag != "storage")
            throw Bad($"persistent id of kind '{tag}' is not supported (only 'storage')");
        if (pid is not PyTuple t || t.Count < 5 || t[0] is not "storage")
            throw Bad($"persistent id is {Unpickler.Describe(pid)}, expected ('storage', type, key, location, numel)");
        if (t[1] is not PyGlobal { Kind: PyGlobalKind.StorageType } type) throw Bad($"storage type is {Unpickler.Describe(t[1])}, not a torch storage class");
        if (t[2] is not string key || key.Length == 0 || key.Length > 256) throw Bad("storage key is not a short string");
        if (t[3] is not string location) throw Bad($"storage '{key}': location is {Unpickler.Describe(t[3])}, not a string");
        if (t[4] is not long numel || numel < 0) throw Bad($"storage '{key}': element count is not a non-negative integer");
        if (numel > Array.MaxLength) throw Bad($"storage '{key}' claims {numel} elements, more than one array can hold");
        if (t.Count > 6) throw Bad($"storage '{key}': persistent id has {t.Count} fields");

        if (!_roots.TryGetValue(key, out var root))
        {
            if (_roots.Count >= MaxStorages) throw Bad($"more than {MaxStorages} storages");
            root = new TorchStorage(key, type.DType, numel, location);
            _roots.Add(key, root);
        }
        else if (root.DType != type.DType || root.Numel != numel)
        {
            throw Bad($"storage '{key}' is declared twice with different types or sizes ({root.DType} × {root.Numel} vs {type.DType} × {numel})");
        }

        if (t.Count < 6 || t[5] is null) return root;
        if (!allowViews) throw Bad($"storage '{key}': view metadata only exists in the legacy format");
        if (t[5] is not PyTuple { Count: 3 } view || view[0] is not string viewKey || view[1] is not long viewOffset || view[2] is not long viewSize)
            throw Bad($"storage '{key}': view metadata is not (key, offset, size)");
        if (viewOffset < 0 || viewSize < 0 || viewOffset > numel || viewSize > numel - viewOffset)
            throw Bad($"storage view '{viewKey}' covers elements [{viewOffset}, {viewOffset}+{viewSize}) of storage '{key}', which holds only {numel}");
        return new TorchStorage(viewKey, type.DType, viewSize, location) { Root = root, ViewOffset = viewOffset };
    }

    private InvalidDataException Bad(string what) => new($"{source}: {what}");
}
