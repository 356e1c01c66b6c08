#!/usr/bin/env python3
"""Prints the straight-line micro-kernels of src/SharpSR.Core/Kernels/Gemm.cs (Tile8x3, Tile4x3, Dot4x6).

C# has no register arrays, so each accumulator is a named local; the JIT then keeps all of them in
vector registers (check with DOTNET_JitDisasm=Tile8x3). Paste the output over the kernels in Gemm.cs
when changing a tile shape:  python3 bench/tools/gen_gemm_kernels.py
"""


def tile(rows, vecs=3):
    name = f"Tile{rows}x{vecs}"
    out = []
    w = out.append
    w("    /// <summary>")
    w(f"    /// C[{rows}, {vecs} vectors] = A·B (+ bias per row): A packed as [kc][8] (the rows' values for each k side by")
    w(f"    /// side; only the first {rows} are read), B row k at <paramref name=\"b\"/> + off[k] ({vecs} contiguous vectors read).")
    w(f"    /// Each k costs {vecs} loads, {rows} broadcasts and {rows * vecs} FMAs into {rows * vecs} register accumulators.")
    w("    /// <paramref name=\"add\"/> adds into C instead of storing; a non-zero <paramref name=\"prefetch\"/> (floats)")
    w("    /// prefetches each B row that far ahead.")
    w("    /// </summary>")
    w("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    w(f"    internal static unsafe void {name}<TS, TV>(float* a, float* b, int* off, int kc, float* bias, float* c, int ldc, bool add, int prefetch = 0)")
    w("        where TS : struct, ISimd<TV> where TV : struct")
    w("    {")
    w("        int n = TS.Count;")
    for r in range(rows):
        w("        TV " + ", ".join(f"c{r}{v}" for v in range(vecs)) + ";")
    w("        if (bias != null)")
    w("        {")
    for r in range(rows):
        w(f"            c{r}0 = TS.Broadcast(bias[{r}]); " + " ".join(f"c{r}{v} = c{r}0;" for v in range(1, vecs)))
    w("        }")
    w("        else")
    w("        {")
    for r in range(rows):
        w("            " + " ".join(f"c{r}{v} = TS.Zero;" for v in range(vecs)))
    w("        }")
    w("        for (int k = 0; k < kc; k++)")
    w("        {")
    w("            float* bp = b + off[k];")
    w("            if (prefetch != 0 && Sse.IsSupported)")
    w("            {")
    w("                // The same rows of a later column block: many far-apart rows (1x1 convolutions) defeat the hardware prefetchers.")
    for v in range(vecs):
        w(f"                Sse.Prefetch0(bp + prefetch + {16 * v});")
    w("            }")
    w("            TV " + ", ".join(f"b{v} = TS.Load(bp{'' if v == 0 else ' + n' if v == 1 else f' + {v} * n'})" for v in range(vecs)) + ";")
    w("            TV av;")
    for r in range(rows):
        w(f"            av = TS.Broadcast(a[{r}]); " + " ".join(f"c{r}{v} = TS.MulAdd(av, b{v}, c{r}{v});" for v in range(vecs)))
    w("            a += 8;")
    w("        }")

    def at(v):
        return "p" if v == 0 else "p + n" if v == 1 else f"p + {v} * n"
    w("        if (add)")
    w("        {")
    for r in range(rows):
        w(f"            {{ float* p = c + {r} * ldc; " + " ".join(f"TS.Store(TS.Add(TS.Load({at(v)}), c{r}{v}), {at(v)});" for v in range(vecs)) + " }")
    w("        }")
    w("        else")
    w("        {")
    for r in range(rows):
        w(f"            {{ float* p = c + {r} * ldc; " + " ".join(f"TS.Store(c{r}{v}, {at(v)});" for v in range(vecs)) + " }")
    w("        }")
    w("    }")
    return "\n".join(out)


def dot(ka=4, kb=6):
    out = []
    w = out.append
    w("    /// <summary>")
    w(f"    /// out[i, j] = Σ_rows Σ_v A_i[v]·B_j[v] for {ka} A rows and {kb} B rows: row pointers advance by aStep /")
    w("    /// bStep per row for <paramref name=\"rows\"/> rows, each row <paramref name=\"len\"/> floats (a multiple of")
    w(f"    /// the vector width). {ka * kb} vector accumulators, reduced across lanes once at the end; out is [{ka}][{kb}].")
    w("    /// </summary>")
    w("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    w(f"    internal static unsafe void Dot{ka}x{kb}<TS, TV>(float** ap, int aStep, float** bp, int bStep, int rows, int len, float* output)")
    w("        where TS : struct, ISimd<TV> where TV : struct")
    w("    {")
    w("        int n = TS.Count;")
    for i in range(ka):
        w("        TV " + ", ".join(f"s{i}{j} = TS.Zero" for j in range(kb)) + ";")
    for i in range(ka):
        w(f"        float* a{i} = ap[{i}];")
    for j in range(kb):
        w(f"        float* b{j} = bp[{j}];")
    w("        for (int row = 0; row < rows; row++)")
    w("        {")
    w("            for (int v = 0; v < len; v += n)")
    w("            {")
    w("                TV " + ", ".join(f"x{j} = TS.Load(b{j} + v)" for j in range(kb)) + ";")
    w("                TV y;")
    for i in range(ka):
        w(f"                y = TS.Load(a{i} + v); " + " ".join(f"s{i}{j} = TS.MulAdd(y, x{j}, s{i}{j});" for j in range(kb)))
    w("            }")
    w("            " + " ".join(f"a{i} += aStep;" for i in range(ka)))
    w("            " + " ".join(f"b{j} += bStep;" for j in range(kb)))
    w("        }")
    for i in range(ka):
        w("        " + " ".join(f"output[{i * kb + j}] = TS.Sum(s{i}{j});" for j in range(kb)))
    w("    }")
    return "\n".join(out)


if __name__ == "__main__":
    print(tile(8))
    print()
    print(tile(4))
    print()
    print(dot())
