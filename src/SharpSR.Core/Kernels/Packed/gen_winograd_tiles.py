#!/usr/bin/env python3
"""Writes PackedWinogradTiles.g.cs: the register tiles of the Winograd element products.

Each of a transform's alpha^2 elements is a small GEMM over a chunk of transformed tiles: P tiles x B blocks
of 16 output channels, summed over the input channels. The accumulators start at zero in registers and are
stored once, so a product reads its inputs and weights and writes its result, nothing else. Run
`python3 gen_winograd_tiles.py > PackedWinogradTiles.g.cs` after changing the shapes.
"""

from gen_tiles import broadcast_loop, header

SHAPES = {1: [24, 16, 8, 4, 2, 1], 2: [12, 8, 4, 2, 1]}   # blocks -> tiles (main tile, then remainders)


def product(b, p):
    acc = [[f"a{o}_{q}" for q in range(p)] for o in range(b)]
    out = [
        f"    /// <summary>acc[o·{p} + q] = Σ over count inputs of src[q·TC.Count + ci]·w[ci·{b * 16} + 16·o] ({p} tiles x {b * 16} outputs).</summary>",
        "    [MethodImpl(MethodImplOptions.AggressiveOptimization)]",
        f"    public static void Product_B{b}_P{p}<TC>(float* src, float* w, int count, Vector512<float>* acc) where TC : struct, IChannels",
        "    {",
    ]
    for o in range(b):
        out.append("        Vector512<float> " + ", ".join(f"{a} = default" for a in acc[o]) + ";")
    out += broadcast_loop(b, p, acc, count="count", stride="TC.Count")
    for o in range(b):
        out.append("        " + " ".join(f"acc[{o * p + q}] = {acc[o][q]};" for q in range(p)))
    out.append("    }")
    return out


def main():
    lines = header("gen_winograd_tiles.py", "internal static unsafe class PackedWinogradTiles")
    for b, ps in SHAPES.items():
        for p in ps:
            lines += product(b, p) + [""]
    lines[-1] = "}"
    print("\n".join(lines))


if __name__ == "__main__":
    main()
