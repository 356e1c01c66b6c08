using SharpSR.Core.Autograd;

namespace SharpSR.Core;

/// <summary>Group count of a channel shuffle, for the tracer.</summary>
public sealed record ChannelShuffleAttributes(int Groups);

public static partial class Ops
{
    /// <summary>
    /// ShuffleNet's channel shuffle: C = g·k channels seen as [g, k] are transposed to [k, g], so output
    /// channel j·g + i is input channel i·k + j and every group of a following grouped conv sees all groups.
    /// Backward: the inverse permutation.
    /// </summary>
    public static Tensor ChannelShuffle(Tensor x, int groups)
    {
        Shapes.RequireNchw(x, "ChannelShuffle");
        if (groups < 1 || x.C % groups != 0)
            throw new ArgumentException($"ChannelShuffle: {x.C} channels do not split into {groups} groups.");
        int n = x.N, c = x.C, plane = x.H * x.W, k = c / groups;
        var y = Tensor.Empty(x.ShapeArray);
        Permute(x.Data, y.Data, n, c, plane, dst => dst % groups * k + dst / groups);
        return Backprop.Record(y, "ChannelShuffle", [x], dy =>
        {
            var dx = Tensor.EmptyLike(x);
            Permute(dy.Data, dx.Data, n, c, plane, dst => dst % k * groups + dst / k);
            return [dx];
        }, new ChannelShuffleAttributes(groups));
    }

    /// <summary>Copies each destination plane of every image from the source plane <paramref name="sourceOf"/> names.</summary>
    private static void Permute(float[] src, float[] dst, int n, int c, int plane, Func<int, int> sourceOf)
    {
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                Array.Copy(src, ((long)b * c + sourceOf(ch)) * plane, dst, ((long)b * c + ch) * plane, plane);
    }
}
