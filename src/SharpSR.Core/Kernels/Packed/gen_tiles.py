#!/usr/bin/env python3
"""Writes PackedTiles.g.cs: the straight-line micro-kernels of the packed (padded NHWC) convolutions.

C# has no register arrays, so each tile shape is spelled out with named accumulators; the JIT then
keeps them all in zmm registers. A tile is P neighbouring output pixels of one row times B blocks of
16 output channels. Run `python3 gen_tiles.py > PackedTiles.g.cs` after changing the shapes.

Tiles loop over `count` input channels read `TC.Stride` floats apart per pixel: a map's channels padded to a
multiple of 16, or a grouped conv's slice of them, cost only the channels that hold data.
3x3 tiles: for each kernel row and input channel, the 3 horizontal taps of each block stay in
registers and every input scalar is broadcast once and feeds up to 3·B FMAs (its 3 neighbours).
1x1 tiles: each broadcast feeds B FMAs; they add into the accumulators so several sources sum.
Filter-gradient rows: 8 input channels x 3 horizontal taps of one kernel row for 16 output channels
(24 accumulators, lanes = output channels) plus the bias sum; each dy vector feeds all 24 FMAs.
"""

SHAPES = {1: [16, 8, 4, 2, 1], 2: [10, 8, 4, 2, 1]}   # blocks -> pixel counts (main tile, then remainders)


def conv3x3(b, p):
    out = []
    acc = [[f"a{o}_{q}" for q in range(p)] for o in range(b)]
    out.append(f"    /// <summary>{p} pixels x {b * 16} output channels of a 3x3 conv over count input channels; src = the window's top-left input pixel.</summary>")
    out.append("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    out.append(f"    public static void Conv3x3_B{b}_P{p}<TC>(float* src, nint row, float* w, int count, Vector512<float>* acc) where TC : struct, IChannels")
    out.append("    {")
    for o in range(b):
        out.append("        Vector512<float> " + ", ".join(f"{a} = default" for a in acc[o]) + ";")
    out.append("        for (int ky = 0; ky < 3; ky++, src += row)")
    out.append("        {")
    out.append("            float* r = src;")
    out.append(f"            for (int ci = 0; ci < count; ci++, r++, w += {3 * b * 16})")
    out.append("            {")
    for kx in range(3):
        for o in range(b):
            out.append(f"                var w{kx}_{o} = Vector512.Load(w + {(kx * b + o) * 16});")
    out.append("                Vector512<float> x;")
    for j in range(p + 2):
        line = f"                x = Vector512.Create(r[{j} * TC.Stride]);"
        for kx in range(3):
            q = j - kx
            if 0 <= q < p:
                for o in range(b):
                    line += f" {acc[o][q]} = Avx512F.FusedMultiplyAdd(w{kx}_{o}, x, {acc[o][q]});"
        out.append(line)
    out.append("            }")
    out.append("        }")
    for o in range(b):
        for q in range(p):
            out.append(f"        acc[{o * p + q}] = {acc[o][q]};")
    out.append("    }")
    return out


def conv1x1(b, p):
    out = []
    acc = [[f"a{o}_{q}" for q in range(p)] for o in range(b)]
    out.append(f"    /// <summary>Adds {p} pixels x {b * 16} output channels of a 1x1 conv over count channels of one source to acc.</summary>")
    out.append("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    out.append(f"    public static void Conv1x1_B{b}_P{p}<TC>(float* src, float* w, int count, Vector512<float>* acc) where TC : struct, IChannels")
    out.append("    {")
    for o in range(b):
        out.append("        Vector512<float> " + ", ".join(f"{acc[o][q]} = acc[{o * p + q}]" for q in range(p)) + ";")
    out += broadcast_loop(b, p, acc)
    for o in range(b):
        for q in range(p):
            out.append(f"        acc[{o * p + q}] = {acc[o][q]};")
    out.append("    }")
    return out


def broadcast_loop(b, p, acc, count="count", stride="TC.Stride"):
    """A 1x1 tile's loop over `count` input channels: b weight vectors at w and p broadcasts from src, `stride`
    floats apart, feed b·p FMAs."""
    out = [f"        for (int ci = 0; ci < {count}; ci++, src++, w += {b * 16})", "        {"]
    for o in range(b):
        out.append(f"            var w{o} = Vector512.Load(w + {o * 16});")
    out.append("            Vector512<float> x;")
    for q in range(p):
        line = f"            x = Vector512.Create(src[{q} * {stride}]);"
        for o in range(b):
            line += f" {acc[o][q]} = Avx512F.FusedMultiplyAdd(w{o}, x, {acc[o][q]});"
        out.append(line)
    out.append("        }")
    return out


def filter_grad():
    acc = [f"a{c}_{kx}" for c in range(8) for kx in range(3)]
    out = [
        "    /// <summary>",
        "    /// Adds one output row's share of a 3x3 conv's weight gradient for 8 input channels x 3 taps to acc[3·c + kx]",
        "    /// (lanes: 16 output channels) and the bias gradient to acc[24]; x = input pixel (row, -1) + first channel.",
        "    /// </summary>",
        "    [MethodImpl(MethodImplOptions.AggressiveOptimization)]",
        "    public static void FilterGrad3x3_C8<TC>(float* x, float* dy, nint dyStep, int width, Vector512<float>* acc) where TC : struct, IChannels",
        "    {",
        "        Vector512<float> " + ", ".join(f"{a} = acc[{i}]" for i, a in enumerate(acc)) + ", bsum = acc[24];",
        "        for (int q = 0; q < width; q++, x += TC.Count, dy += dyStep)",
        "        {",
        "            var d = Vector512.Load(dy);",
        "            bsum += d;",
    ]
    for c in range(8):
        line = "           "
        for kx in range(3):
            line += f" a{c}_{kx} = Avx512F.FusedMultiplyAdd(d, Vector512.Create(x[{kx} * TC.Count + {c}]), a{c}_{kx});"
        out.append(line)
    out.append("        }")
    for i, a in enumerate(acc):
        out.append(f"        acc[{i}] = {a};")
    out.append("        acc[24] = bsum;")
    out.append("    }")
    return out


def header(script, declaration):
    """The generated file's opening lines, up to the class's opening brace."""
    return [
        f"// <auto-generated> by {script} in this folder; edit the script, not this file. </auto-generated>",
        "using System.Runtime.CompilerServices;",
        "using System.Runtime.Intrinsics;",
        "using System.Runtime.Intrinsics.X86;",
        "",
        "namespace SharpSR.Core.Kernels.Packed;",
        "",
        declaration,
        "{",
    ]


def main():
    lines = header("gen_tiles.py", "internal static unsafe partial class PackedTiles")
    for b, ps in SHAPES.items():
        for p in ps:
            lines += conv3x3(b, p) + [""] + conv1x1(b, p) + [""]
    lines += filter_grad() + [""]
    lines[-1] = "}"
    print("\n".join(lines))


if __name__ == "__main__":
    main()
