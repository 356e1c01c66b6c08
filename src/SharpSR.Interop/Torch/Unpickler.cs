using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace SharpSR.Interop.Torch;

/// <summary>
/// A minimal pickle virtual machine for PyTorch state dicts (protocols 2 to 5). It builds plain values
/// (see PickleValues.cs) and never runs code: GLOBAL and STACK_GLOBAL resolve only the allow-listed names
/// in <see cref="ResolveGlobal"/>, and REDUCE, NEWOBJ and BUILD apply only their C# twins. Everything is
/// bounded: the stack, the memo and the mark stack have fixed limits, every length is checked against
/// the bytes left before anything is allocated, and the VM is one loop (no recursion).
/// </summary>
internal sealed class Unpickler
{
    public const int MaxStack = 1 << 20;
    public const int MaxMemo = 1 << 20;
    public const int MaxMarks = 1 << 12;
    public const int MaxGlobalLine = 256;
    public const int MaxLong4Bytes = 64;
    public const int MaxTensorRank = 64;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _source;
    private readonly Func<object?, object>? _persistentLoad;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;
    private int _opPos;

    /// <param name="data">The bytes holding the pickle (and possibly more after it).</param>
    /// <param name="start">Offset of the pickle's first opcode.</param>
    /// <param name="source">File name used in error messages.</param>
    /// <param name="persistentLoad">Turns a BINPERSID id into an object (the torch storage resolver); null refuses persistent ids.</param>
    public Unpickler(ReadOnlyMemory<byte> data, int start, string source, Func<object?, object>? persistentLoad)
    {
        _data = data;
        _pos = start;
        _source = source;
        _persistentLoad = persistentLoad;
    }

    /// <summary>Offset just after the STOP opcode once <see cref="Load"/> has returned.</summary>
    public int Position => _pos;

    /// <summary>Reads one pickle and returns the value it builds.</summary>
    public object? Load()
    {
        while (true)
        {
            _opPos = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    {
                        byte v = ReadByte();
                        if (v < 2 || v > 5) throw Fail($"unsupported pickle protocol {v} (2 to 5 are read)");
                        break;
                    }
                case 0x95: // FRAME: a length hint; the frame must lie within the data
                    {
                        ulong len = BinaryPrimitives.ReadUInt64LittleEndian(Read(8));
                        if (len > (ulong)Remaining) throw Fail($"frame of {len} bytes is longer than the {Remaining} bytes left (file truncated?)");
                        break;
                    }
                case (byte)'.': // STOP
                    {
                        if (_marks.Count != 0 || _stack.Count != 1)
                            throw Fail($"STOP with {_stack.Count} values and {_marks.Count} marks on the stack (expected exactly one value)");
                        return _stack[0];
                    }

                // ---- containers --------------------------------------------------------------
                case (byte)'}': Push(new PyDict()); break;                         // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break;                  // EMPTY_LIST
                case (byte)')': Push(new PyTuple([])); break;                      // EMPTY_TUPLE
                case (byte)'(':                                                    // MARK
                    if (_marks.Count >= MaxMarks) throw Fail($"more than {MaxMarks} nested marks");
                    _marks.Push(_stack.Count);
                    break;
                case (byte)'t': Push(new PyTuple(PopToMark())); break;             // TUPLE
                case 0x85: Push(new PyTuple([Pop()])); break;                      // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple([a, b])); break; }          // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple([a, b, c])); break; } // TUPLE3
                case (byte)'l': Push(new List<object?>(PopToMark())); break;       // LIST
                case (byte)'d':                                                    // DICT
                    {
                        var items = PopToMark();
                        var dict = new PyDict();
                        SetItems(dict, items);
                        Push(dict);
                        break;
                    }
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(Top(), [k, v]); break; }       // SETITEM
                case (byte)'u': { var items = PopToMark(); SetItems(Top(), items); break; }             // SETITEMS
                case (byte)'a': { var v = Pop(); AsList(Top()).Add(v); break; }                         // APPEND
                case (byte)'e': { var items = PopToMark(); AsList(Top()).AddRange(items); break; }      // APPENDS
                case (byte)'0': Pop(); break;                                      // POP
                case (byte)'1': PopToMark(); break;                                // POP_MARK
                case (byte)'2': Push(Top()); break;                                // DUP

                // ---- scalars -----------------------------------------------------------------
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4))); break;   // BININT
                case (byte)'K': Push((long)ReadByte()); break;                                        // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2))); break;  // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break;                                         // LONG1
                case 0x8b:                                                                            // LONG4
                    {
                        int n = BinaryPrimitives.ReadInt32LittleEndian(Read(4));
                        if (n < 0 || n > MaxLong4Bytes) throw Fail($"LONG4 of {n} bytes (at most {MaxLong4Bytes} accepted)");
                        Push(ReadLong(n));
                        break;
                    }
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Read(8))); break;           // BINFLOAT
                case 0x88: Push(true); break;                                      // NEWTRUE
                case 0x89: Push(false); break;                                     // NEWFALSE
                case (byte)'N': Push(null); break;                                 // NONE

                // ---- strings and bytes -------------------------------------------------------
                case (byte)'X': Push(ReadString(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)), "BINUNICODE")); break;
                case 0x8c: Push(ReadString(ReadByte(), "SHORT_BINUNICODE")); break;
                case 0x8d: Push(ReadString(BinaryPrimitives.ReadUInt64LittleEndian(Read(8)), "BINUNICODE8")); break;
                case (byte)'T': Push(ReadString(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)), "BINSTRING")); break;
                case (byte)'U': Push(ReadString(ReadByte(), "SHORT_BINSTRING")); break;
                case (byte)'B': Push(ReadBytes(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)), "BINBYTES")); break;
                case (byte)'C': Push(ReadBytes(ReadByte(), "SHORT_BINBYTES")); break;
                case 0x8e: Push(ReadBytes(BinaryPrimitives.ReadUInt64LittleEndian(Read(8)), "BINBYTES8")); break;

                // ---- memo --------------------------------------------------------------------
                case (byte)'q': MemoPut(ReadByte()); break;                                            // BINPUT
                case (byte)'r': MemoPut(BinaryPrimitives.ReadUInt32LittleEndian(Read(4))); break;      // LONG_BINPUT
                case 0x94: MemoPut(_memo.Count); break;                                                // MEMOIZE
                case (byte)'h': Push(MemoGet(ReadByte())); break;                                      // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))); break; // LONG_BINGET

                // ---- globals and object construction -----------------------------------------
                case (byte)'c':                                                    // GLOBAL
                    {
                        string module = ReadLine();
                        string name = ReadLine();
                        Push(ResolveGlobal(module, name));
                        break;
                    }
                case 0x93:                                                         // STACK_GLOBAL
                    {
                        var name = Pop();
                        var module = Pop();
                        if (module is not string m || name is not string n) throw Fail("STACK_GLOBAL needs two strings");
                        Push(ResolveGlobal(m, n));
                        break;
                    }
                case (byte)'R':                                                    // REDUCE
                    {
                        var args = Pop();
                        var callable = Pop();
                        Push(Reduce(callable, args));
                        break;
                    }
                case 0x81:                                                         // NEWOBJ
                    {
                        var args = Pop();
                        var cls = Pop();
                        if (cls is PyGlobal { Kind: PyGlobalKind.OrderedDict } && args is PyTuple { Count: 0 }) Push(new PyDict());
                        else throw Fail($"NEWOBJ is only supported for collections.OrderedDict(), got {Describe(cls)}");
                        break;
                    }
                case (byte)'b':                                                    // BUILD
                    {
                        var state = Pop();
                        if (Top() is PyDict dict) dict.State = state;
                        else throw Fail($"BUILD on {Describe(Top())} is not supported (only an OrderedDict's attributes)");
                        break;
                    }
                case (byte)'Q':                                                    // BINPERSID
                    {
                        var pid = Pop();
                        if (_persistentLoad is null) throw Fail("unexpected persistent id (this pickle may not refer to storages)");
                        Push(_persistentLoad(pid));
                        break;
                    }
                default:
                    throw Fail($"unsupported pickle opcode 0x{op:x2}" + (op is >= 0x20 and < 0x7f ? $" ('{(char)op}')" : ""));
            }
        }
    }

    // ---- allow-list ----------------------------------------------------------------------------

    private PyGlobal ResolveGlobal(string module, string name)
    {
        string qualified = module + "." + name;
        PyGlobal? g = (module, name) switch
        {
            ("collections", "OrderedDict") => new(PyGlobalKind.OrderedDict, qualified),
            ("torch._utils", "_rebuild_tensor_v2") => new(PyGlobalKind.RebuildTensorV2, qualified),
            ("torch._utils", "_rebuild_parameter") => new(PyGlobalKind.RebuildParameter, qualified),
            ("torch._utils", "_rebuild_parameter_with_state") => new(PyGlobalKind.RebuildParameterWithState, qualified),
            ("torch", _) when TorchDTypes.TryFromStorageName(name, out var dtype) => new(PyGlobalKind.StorageType, qualified, dtype),
            _ => null,
        };
        return g ?? throw new InvalidDataException(
            $"{_source}: refusing to load: the pickle asks for global '{Printable(qualified)}' (only state_dict types are allowed). " +
            "Nothing was run. Allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2, _rebuild_parameter(_with_state), " +
            "torch.{Float,Double,Half,BFloat16,Long,Int,Byte}Storage. A file holding a whole pickled model must be re-saved " +
            "as torch.save(model.state_dict(), path).");
    }

    private object Reduce(object? callable, object? args)
    {
        if (callable is not PyGlobal g) throw Fail($"REDUCE on {Describe(callable)}, which is not an allow-listed callable");
        if (args is not PyTuple a) throw Fail($"REDUCE of {g.QualifiedName} with {Describe(args)} instead of an argument tuple");
        switch (g.Kind)
        {
            case PyGlobalKind.OrderedDict:
                {
                    var dict = new PyDict();
                    if (a.Count == 0) return dict;
                    if (a.Count == 1 && a[0] is List<object?> pairs)
                    {
                        foreach (var p in pairs)
                        {
                            if (p is PyTuple { Count: 2 } kv) SetItems(dict, [kv[0], kv[1]]);
                            else if (p is List<object?> { Count: 2 } kl) SetItems(dict, [kl[0], kl[1]]);
                            else throw Fail("OrderedDict(...) items must be key/value pairs");
                        }
                        return dict;
                    }
                    throw Fail($"OrderedDict called with {a.Count} unsupported arguments");
                }
            case PyGlobalKind.RebuildTensorV2:
                return RebuildTensor(a);
            case PyGlobalKind.RebuildParameter:
            case PyGlobalKind.RebuildParameterWithState:
                {
                    int expected = g.Kind == PyGlobalKind.RebuildParameter ? 3 : 4;
                    if (a.Count != expected || a[0] is not TorchTensorRef data)
                        throw Fail($"{g.QualifiedName} expects (tensor, requires_grad, hooks{(expected == 4 ? ", state" : "")}), got {a.Count} arguments");
                    return data;   // a Parameter is its data; requires_grad, hooks and state carry no weights
                }
            default:
                throw Fail($"{g.QualifiedName} cannot be called (it is only a storage type tag)");
        }
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    private TorchTensorRef RebuildTensor(PyTuple a)
    {
        if (a.Count is < 4 or > 7) throw Fail($"_rebuild_tensor_v2 with {a.Count} arguments (expected 6 or 7)");
        if (a[0] is not TorchStorage storage) throw Fail($"_rebuild_tensor_v2: first argument is {Describe(a[0])}, not a storage");
        if (a[1] is not long offset) throw Fail("_rebuild_tensor_v2: storage offset is not an integer");
        long[] size = IntTuple(a[2], "size");
        long[] stride = IntTuple(a[3], "stride");
        if (size.Length != stride.Length) throw Fail($"_rebuild_tensor_v2: size has {size.Length} dims but stride has {stride.Length}");
        var t = new TorchTensorRef(storage, offset, size, stride);
        TensorMaterializer.ValidateGeometry(t, _source);
        (storage.Root ?? storage).UseCount++;
        return t;
    }

    private long[] IntTuple(object? v, string what)
    {
        if (v is not PyTuple t) throw Fail($"_rebuild_tensor_v2: {what} is {Describe(v)}, not a tuple");
        if (t.Count > MaxTensorRank) throw Fail($"_rebuild_tensor_v2: {what} has {t.Count} dims (at most {MaxTensorRank})");
        var r = new long[t.Count];
        for (int i = 0; i < r.Length; i++)
            r[i] = t[i] is long l ? l : throw Fail($"_rebuild_tensor_v2: {what}[{i}] is {Describe(t[i])}, not an integer");
        return r;
    }

    // ---- stack, memo, containers -------------------------------------------------------------

    private void Push(object? v)
    {
        if (_stack.Count >= MaxStack) throw Fail($"pickle stack exceeds {MaxStack} entries");
        _stack.Add(v);
    }

    private int Floor => _marks.Count == 0 ? 0 : _marks.Peek();

    private object? Pop()
    {
        if (_stack.Count <= Floor) throw Fail("stack underflow");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Top() => _stack.Count > Floor ? _stack[^1] : throw Fail("stack underflow");

    private object?[] PopToMark()
    {
        if (_marks.Count == 0) throw Fail("no MARK on the stack");
        int m = _marks.Pop();
        var items = _stack.GetRange(m, _stack.Count - m).ToArray();
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private void SetItems(object? target, object?[] items)
    {
        if (target is not PyDict dict) throw Fail($"SETITEM(S) on {Describe(target)}, not a dict");
        if (items.Length % 2 != 0) throw Fail("SETITEMS with an odd number of values");
        for (int i = 0; i < items.Length; i += 2)
        {
            var key = items[i];
            if (!PickleKeyComparer.IsHashable(key))
                throw Fail(key is string k ? $"dict key of {k.Length} characters is longer than the {PickleKeyComparer.MaxKeyChars} accepted"
                                           : $"dict key of type {Describe(key)} is not supported");
            dict.Items[key!] = items[i + 1];
        }
    }

    private List<object?> AsList(object? v) => v as List<object?> ?? throw Fail($"APPEND(S) on {Describe(v)}, not a list");

    private void MemoPut(long index)
    {
        if (!_memo.ContainsKey(index) && _memo.Count >= MaxMemo) throw Fail($"memo exceeds {MaxMemo} entries");
        _memo[index] = Top();
    }

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out var v) ? v : throw Fail($"memo index {index} was never stored");

    // ---- raw reads ---------------------------------------------------------------------------

    private int Remaining => _data.Length - _pos;

    private byte ReadByte() => Read(1)[0];

    private ReadOnlySpan<byte> Read(int n)
    {
        if (n > Remaining) throw Truncated(n);
        var s = _data.Span.Slice(_pos, n);
        _pos += n;
        return s;
    }

    private InvalidDataException Truncated(ulong n) =>
        new($"{_source}: file is truncated: the pickle needs {n} bytes at offset {_pos} but only {Remaining} remain");

    private InvalidDataException Truncated(int n) => Truncated((ulong)n);

    private string ReadString(ulong length, string op)
    {
        if (length > (ulong)Remaining)
            throw new InvalidDataException($"{_source}: {op} claims a string of {length} bytes at offset {_pos} but only {Remaining} bytes remain (corrupt or truncated file)");
        try { return s_utf8.GetString(Read((int)length)); }
        catch (DecoderFallbackException) { throw Fail($"{op} is not valid UTF-8"); }
    }

    private byte[] ReadBytes(ulong length, string op)
    {
        if (length > (ulong)Remaining)
            throw new InvalidDataException($"{_source}: {op} claims {length} bytes at offset {_pos} but only {Remaining} bytes remain (corrupt or truncated file)");
        return Read((int)length).ToArray();
    }

    private object ReadLong(int n)
    {
        var bytes = Read(n);
        if (n == 0) return 0L;
        if (n <= 8)
        {
            long v = 0;
            for (int i = n - 1; i >= 0; i--) v = (v << 8) | bytes[i];
            int unused = 64 - 8 * n;
            return unused == 0 ? v : (v << unused) >> unused;   // sign-extend from the top byte read
        }
        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (long)big : big;
    }

    private string ReadLine()
    {
        var rest = _data.Span[_pos..];
        int nl = rest[..Math.Min(rest.Length, MaxGlobalLine + 1)].IndexOf((byte)'\n');
        if (nl < 0)
            throw rest.Length <= MaxGlobalLine ? Truncated(rest.Length + 1) : Fail($"GLOBAL name longer than {MaxGlobalLine} bytes");
        string line;
        try { line = s_utf8.GetString(rest[..nl]); }
        catch (DecoderFallbackException) { throw Fail("GLOBAL name is not valid UTF-8"); }
        _pos += nl + 1;
        return line;
    }

    // ---- messages ------------------------------------------------------------------------------

    private InvalidDataException Fail(string what) => new($"{_source}: malformed pickle at offset {_opPos}: {what}");

    internal static string Describe(object? v) => v switch
    {
        null => "None",
        string => "a str",
        long or BigInteger => "an int",
        double => "a float",
        bool => "a bool",
        byte[] => "bytes",
        PyTuple t => $"a {t.Count}-tuple",
        List<object?> => "a list",
        PyDict => "a dict",
        PyGlobal g => g.QualifiedName,
        TorchStorage => "a storage",
        TorchTensorRef => "a tensor",
        _ => v.GetType().Name,
    };

    private static string Printable(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s) sb.Append(char.IsControl(c) ? '?' : c);
        return sb.ToString();
    }
}
