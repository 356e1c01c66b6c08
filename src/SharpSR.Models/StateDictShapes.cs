using SharpSR.Core;

namespace SharpSR.Models;

/// <summary>The few readings every <see cref="ArchDescriptor.FromStateDict"/> makes of a foreign state dict's keys and shapes.</summary>
public static class StateDictShapes
{
    /// <summary>The tensor under <paramref name="key"/>; a missing key means the file is another architecture.</summary>
    public static Tensor Need(IReadOnlyDictionary<string, Tensor> t, string key) =>
        t.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"missing '{key}'");

    /// <summary>How many of keyOf(first), keyOf(first + 1), … the dict holds in a row (block_1, block_2, …).</summary>
    public static int CountRun(IReadOnlyDictionary<string, Tensor> t, Func<int, string> keyOf, int first = 1)
    {
        int count = 0;
        while (t.ContainsKey(keyOf(first + count))) count++;
        return count;
    }

    /// <summary>The scale of a one-step sub-pixel tail conv, which has 3·s² output channels.</summary>
    public static int SubPixelScale(Tensor weight)
    {
        int outs = weight.Dim(0), s = (int)Math.Round(Math.Sqrt(outs / 3.0));
        if (s < 1 || 3 * s * s != outs) throw new InvalidDataException($"tail conv has {outs} output channels, not 3·s² for an integer scale s");
        return s;
    }

    /// <summary>The scale a file stores, refused when another one was asked for.</summary>
    public static int Stored(int scale, int? askedScale) =>
        askedScale is { } s && s != scale ? throw new InvalidDataException($"the checkpoint is an x{scale} model, x{s} was asked for") : scale;
}
