using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpSR.Core.Kernels;

// M×N = output (rows × columns), K = reduction length. Row-major throughout; lda/ldb/ldc are row strides.
//
// The engine has one register-blocked micro-kernel, Tile8x3: 8 output rows by 3 vectors of output
// columns (8×48 with AVX-512; Tile4x3 covers row remainders of 4 or fewer), A packed as [k][8] so the
// 8 values of one k are adjacent broadcasts, and B addressed through a table of row offsets. With a plain matrix the offsets are k·ldb; the
// convolution hands it offsets into a zero-padded input image instead (implicit GEMM: no im2col
// copy). Dot4x6 is the transposed counterpart used for weight gradients, where the reduction runs
// along contiguous pixel rows of both operands.

/// <summary>Single-precision matrix multiply and the micro-kernels the convolution shares.</summary>
internal static unsafe class Gemm
{
    /// <summary>C[m, n] = Σ_k A[m, k]·B[k, n] (or += when <paramref name="accumulate"/>), row-major.</summary>
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                                Span<float> c, int ldc, bool accumulate = false)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Gemm: negative size m={m}, n={n}, k={k}.");
        if (m == 0 || n == 0) return;
        CheckOperand(a, m, k, lda, "A");
        CheckOperand(b, k, n, ldb, "B");
        CheckOperand(c, m, n, ldc, "C");
        if (k == 0)
        {
            if (!accumulate) for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            switch (GemmSimd.Width)
            {
                case 512: Multiply<Simd512, Vector512<float>>(m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate); break;
                case 256: Multiply<Simd256, Vector256<float>>(m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate); break;
                default: Multiply<Simd128, Vector128<float>>(m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate); break;
            }
        }
    }

    private static void CheckOperand(ReadOnlySpan<float> s, int rows, int cols, int ld, string name)
    {
        if (ld < cols) throw new ArgumentException($"Gemm: {name} has leading dimension {ld}, less than its {cols} columns.");
        long need = (long)(rows - 1) * ld + cols;
        if (s.Length < need) throw new ArgumentException($"Gemm: {name} [{rows}×{cols}, ld {ld}] needs {need} elements, span has {s.Length}.");
    }

    private static void Multiply<TS, TV>(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
        where TS : struct, ISimd<TV> where TV : struct
    {
        const int MR = GemmSimd.TileRows;
        int nr = GemmSimd.TileVectors * TS.Count;
        int mTiles = (m + MR - 1) / MR, nBlocks = (n + nr - 1) / nr, nFull = n / nr;

        using var packA = BufferPool.Rent(mTiles * k * MR);
        using var offs = new IntBuffer(2 * k);   // [0, k): rows of B; [k, 2k): rows of the packed tail panel
        using var tailB = BufferPool.Rent(n % nr == 0 ? 1 : k * nr + GemmSimd.Slack, clear: true);
        fixed (float* pA = packA.Array, pTail = tailB.Array)
        fixed (int* pOff = offs.Array)
        {
            PackRows(a, lda, m, k, pA);
            for (int i = 0; i < k; i++) { pOff[i] = i * ldb; pOff[k + i] = i * nr; }
            if (nFull < nBlocks)
            {
                int cols = n - nFull * nr;
                for (int i = 0; i < k; i++)
                    new ReadOnlySpan<float>(b + (long)i * ldb + nFull * nr, cols).CopyTo(new Span<float>(pTail + i * nr, cols));
            }

            nint aA = (nint)pA, aB = (nint)b, aC = (nint)c, aT = (nint)pTail, aO = (nint)pOff;
            long work = (long)m * n * k;
            int items = mTiles * nBlocks;
            Action<int> body = [MethodImpl(MethodImplOptions.AggressiveOptimization)] (item) =>
            {
                int nb = item / mTiles, mt = item % mTiles;   // m-tiles innermost: one B panel serves them all
                int rows = Math.Min(MR, m - mt * MR), cols = Math.Min(nr, n - nb * nr);
                float* tmp = stackalloc float[MR * 3 * 16];
                float* tileA = (float*)aA + (long)mt * k * MR;
                float* cp = (float*)aC + (long)mt * MR * ldc + nb * nr;
                bool tail = nb == nFull;
                float* bp = tail ? (float*)aT : (float*)aB + nb * nr;
                int* off = tail ? (int*)aO + k : (int*)aO;
                if ((rows == MR || rows == MR / 2) && cols == nr)
                {
                    Tile<TS, TV>(rows, tileA, bp, off, k, null, cp, ldc, accumulate);
                }
                else
                {
                    Tile<TS, TV>(rows, tileA, bp, off, k, null, tmp, nr, false);
                    CopyTile(tmp, nr, cp, ldc, rows, cols, accumulate);
                }
            };
            if (work < 1 << 18) for (int i = 0; i < items; i++) body(i);
            else Parallelism.For(items, body);
        }
    }

    /// <summary>Packs the m×k matrix A (row stride lda) as tiles of 8 rows, [tile][k][8], zero-padding the last tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackRows(float* a, int lda, int m, int k, float* dst)
    {
        const int MR = GemmSimd.TileRows;
        for (int t = 0; t * MR < m; t++)
        {
            for (int r = 0; r < MR; r++)
            {
                int row = t * MR + r;
                float* d = dst + (long)t * k * MR + r;
                if (row < m)
                {
                    float* s = a + (long)row * lda;
                    for (int i = 0; i < k; i++) d[i * MR] = s[i];
                }
                else
                {
                    for (int i = 0; i < k; i++) d[i * MR] = 0f;
                }
            }
        }
    }

    /// <summary>Tile8x3, or Tile4x3 when at most 4 of the 8 rows are real (small or remainder row counts).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Tile<TS, TV>(int rows, float* a, float* b, int* off, int kc, float* bias, float* c, int ldc, bool add, int prefetch = 0)
        where TS : struct, ISimd<TV> where TV : struct
    {
        if (rows > GemmSimd.TileRows / 2) Tile8x3<TS, TV>(a, b, off, kc, bias, c, ldc, add, prefetch);
        else Tile4x3<TS, TV>(a, b, off, kc, bias, c, ldc, add, prefetch);
    }

    /// <summary>Copies (or adds) the valid rows × cols corner of a tile computed into scratch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CopyTile(float* src, int lds, float* dst, int ldd, int rows, int cols, bool add)
    {
        for (int r = 0; r < rows; r++)
        {
            var s = new ReadOnlySpan<float>(src + r * lds, cols);
            var d = new Span<float>(dst + (long)r * ldd, cols);
            if (add) System.Numerics.Tensors.TensorPrimitives.Add(d, s, d);
            else s.CopyTo(d);
        }
    }

    // Generated by bench/tools/gen_gemm_kernels.py; edit the generator, not these bodies.

    /// <summary>
    /// C[8, 3 vectors] = A·B (+ bias per row): A packed as [kc][8] (the rows' values for each k side by
    /// side; only the first 8 are read), B row k at <paramref name="b"/> + off[k] (3 contiguous vectors read).
    /// Each k costs 3 loads, 8 broadcasts and 24 FMAs into 24 register accumulators.
    /// <paramref name="add"/> adds into C instead of storing; a non-zero <paramref name="prefetch"/> (floats)
    /// prefetches each B row that far ahead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Tile8x3<TS, TV>(float* a, float* b, int* off, int kc, float* bias, float* c, int ldc, bool add, int prefetch = 0)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int n = TS.Count;
        TV c00, c01, c02;
        TV c10, c11, c12;
        TV c20, c21, c22;
        TV c30, c31, c32;
        TV c40, c41, c42;
        TV c50, c51, c52;
        TV c60, c61, c62;
        TV c70, c71, c72;
        if (bias != null)
        {
            c00 = TS.Broadcast(bias[0]); c01 = c00; c02 = c00;
            c10 = TS.Broadcast(bias[1]); c11 = c10; c12 = c10;
            c20 = TS.Broadcast(bias[2]); c21 = c20; c22 = c20;
            c30 = TS.Broadcast(bias[3]); c31 = c30; c32 = c30;
            c40 = TS.Broadcast(bias[4]); c41 = c40; c42 = c40;
            c50 = TS.Broadcast(bias[5]); c51 = c50; c52 = c50;
            c60 = TS.Broadcast(bias[6]); c61 = c60; c62 = c60;
            c70 = TS.Broadcast(bias[7]); c71 = c70; c72 = c70;
        }
        else
        {
            c00 = TS.Zero; c01 = TS.Zero; c02 = TS.Zero;
            c10 = TS.Zero; c11 = TS.Zero; c12 = TS.Zero;
            c20 = TS.Zero; c21 = TS.Zero; c22 = TS.Zero;
            c30 = TS.Zero; c31 = TS.Zero; c32 = TS.Zero;
            c40 = TS.Zero; c41 = TS.Zero; c42 = TS.Zero;
            c50 = TS.Zero; c51 = TS.Zero; c52 = TS.Zero;
            c60 = TS.Zero; c61 = TS.Zero; c62 = TS.Zero;
            c70 = TS.Zero; c71 = TS.Zero; c72 = TS.Zero;
        }
        for (int k = 0; k < kc; k++)
        {
            float* bp = b + off[k];
            if (prefetch != 0 && Sse.IsSupported)
            {
                // The same rows of a later column block: many far-apart rows (1x1 convolutions) defeat the hardware prefetchers.
                Sse.Prefetch0(bp + prefetch + 0);
                Sse.Prefetch0(bp + prefetch + 16);
                Sse.Prefetch0(bp + prefetch + 32);
            }
            TV b0 = TS.Load(bp), b1 = TS.Load(bp + n), b2 = TS.Load(bp + 2 * n);
            TV av;
            av = TS.Broadcast(a[0]); c00 = TS.MulAdd(av, b0, c00); c01 = TS.MulAdd(av, b1, c01); c02 = TS.MulAdd(av, b2, c02);
            av = TS.Broadcast(a[1]); c10 = TS.MulAdd(av, b0, c10); c11 = TS.MulAdd(av, b1, c11); c12 = TS.MulAdd(av, b2, c12);
            av = TS.Broadcast(a[2]); c20 = TS.MulAdd(av, b0, c20); c21 = TS.MulAdd(av, b1, c21); c22 = TS.MulAdd(av, b2, c22);
            av = TS.Broadcast(a[3]); c30 = TS.MulAdd(av, b0, c30); c31 = TS.MulAdd(av, b1, c31); c32 = TS.MulAdd(av, b2, c32);
            av = TS.Broadcast(a[4]); c40 = TS.MulAdd(av, b0, c40); c41 = TS.MulAdd(av, b1, c41); c42 = TS.MulAdd(av, b2, c42);
            av = TS.Broadcast(a[5]); c50 = TS.MulAdd(av, b0, c50); c51 = TS.MulAdd(av, b1, c51); c52 = TS.MulAdd(av, b2, c52);
            av = TS.Broadcast(a[6]); c60 = TS.MulAdd(av, b0, c60); c61 = TS.MulAdd(av, b1, c61); c62 = TS.MulAdd(av, b2, c62);
            av = TS.Broadcast(a[7]); c70 = TS.MulAdd(av, b0, c70); c71 = TS.MulAdd(av, b1, c71); c72 = TS.MulAdd(av, b2, c72);
            a += 8;
        }
        if (add)
        {
            { float* p = c + 0 * ldc; TS.Store(TS.Add(TS.Load(p), c00), p); TS.Store(TS.Add(TS.Load(p + n), c01), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c02), p + 2 * n); }
            { float* p = c + 1 * ldc; TS.Store(TS.Add(TS.Load(p), c10), p); TS.Store(TS.Add(TS.Load(p + n), c11), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c12), p + 2 * n); }
            { float* p = c + 2 * ldc; TS.Store(TS.Add(TS.Load(p), c20), p); TS.Store(TS.Add(TS.Load(p + n), c21), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c22), p + 2 * n); }
            { float* p = c + 3 * ldc; TS.Store(TS.Add(TS.Load(p), c30), p); TS.Store(TS.Add(TS.Load(p + n), c31), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c32), p + 2 * n); }
            { float* p = c + 4 * ldc; TS.Store(TS.Add(TS.Load(p), c40), p); TS.Store(TS.Add(TS.Load(p + n), c41), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c42), p + 2 * n); }
            { float* p = c + 5 * ldc; TS.Store(TS.Add(TS.Load(p), c50), p); TS.Store(TS.Add(TS.Load(p + n), c51), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c52), p + 2 * n); }
            { float* p = c + 6 * ldc; TS.Store(TS.Add(TS.Load(p), c60), p); TS.Store(TS.Add(TS.Load(p + n), c61), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c62), p + 2 * n); }
            { float* p = c + 7 * ldc; TS.Store(TS.Add(TS.Load(p), c70), p); TS.Store(TS.Add(TS.Load(p + n), c71), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c72), p + 2 * n); }
        }
        else
        {
            { float* p = c + 0 * ldc; TS.Store(c00, p); TS.Store(c01, p + n); TS.Store(c02, p + 2 * n); }
            { float* p = c + 1 * ldc; TS.Store(c10, p); TS.Store(c11, p + n); TS.Store(c12, p + 2 * n); }
            { float* p = c + 2 * ldc; TS.Store(c20, p); TS.Store(c21, p + n); TS.Store(c22, p + 2 * n); }
            { float* p = c + 3 * ldc; TS.Store(c30, p); TS.Store(c31, p + n); TS.Store(c32, p + 2 * n); }
            { float* p = c + 4 * ldc; TS.Store(c40, p); TS.Store(c41, p + n); TS.Store(c42, p + 2 * n); }
            { float* p = c + 5 * ldc; TS.Store(c50, p); TS.Store(c51, p + n); TS.Store(c52, p + 2 * n); }
            { float* p = c + 6 * ldc; TS.Store(c60, p); TS.Store(c61, p + n); TS.Store(c62, p + 2 * n); }
            { float* p = c + 7 * ldc; TS.Store(c70, p); TS.Store(c71, p + n); TS.Store(c72, p + 2 * n); }
        }
    }

    /// <summary>
    /// C[4, 3 vectors] = A·B (+ bias per row): A packed as [kc][8] (the rows' values for each k side by
    /// side; only the first 4 are read), B row k at <paramref name="b"/> + off[k] (3 contiguous vectors read).
    /// Each k costs 3 loads, 4 broadcasts and 12 FMAs into 12 register accumulators.
    /// <paramref name="add"/> adds into C instead of storing; a non-zero <paramref name="prefetch"/> (floats)
    /// prefetches each B row that far ahead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Tile4x3<TS, TV>(float* a, float* b, int* off, int kc, float* bias, float* c, int ldc, bool add, int prefetch = 0)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int n = TS.Count;
        TV c00, c01, c02;
        TV c10, c11, c12;
        TV c20, c21, c22;
        TV c30, c31, c32;
        if (bias != null)
        {
            c00 = TS.Broadcast(bias[0]); c01 = c00; c02 = c00;
            c10 = TS.Broadcast(bias[1]); c11 = c10; c12 = c10;
            c20 = TS.Broadcast(bias[2]); c21 = c20; c22 = c20;
            c30 = TS.Broadcast(bias[3]); c31 = c30; c32 = c30;
        }
        else
        {
            c00 = TS.Zero; c01 = TS.Zero; c02 = TS.Zero;
            c10 = TS.Zero; c11 = TS.Zero; c12 = TS.Zero;
            c20 = TS.Zero; c21 = TS.Zero; c22 = TS.Zero;
            c30 = TS.Zero; c31 = TS.Zero; c32 = TS.Zero;
        }
        for (int k = 0; k < kc; k++)
        {
            float* bp = b + off[k];
            if (prefetch != 0 && Sse.IsSupported)
            {
                // The same rows of a later column block: many far-apart rows (1x1 convolutions) defeat the hardware prefetchers.
                Sse.Prefetch0(bp + prefetch + 0);
                Sse.Prefetch0(bp + prefetch + 16);
                Sse.Prefetch0(bp + prefetch + 32);
            }
            TV b0 = TS.Load(bp), b1 = TS.Load(bp + n), b2 = TS.Load(bp + 2 * n);
            TV av;
            av = TS.Broadcast(a[0]); c00 = TS.MulAdd(av, b0, c00); c01 = TS.MulAdd(av, b1, c01); c02 = TS.MulAdd(av, b2, c02);
            av = TS.Broadcast(a[1]); c10 = TS.MulAdd(av, b0, c10); c11 = TS.MulAdd(av, b1, c11); c12 = TS.MulAdd(av, b2, c12);
            av = TS.Broadcast(a[2]); c20 = TS.MulAdd(av, b0, c20); c21 = TS.MulAdd(av, b1, c21); c22 = TS.MulAdd(av, b2, c22);
            av = TS.Broadcast(a[3]); c30 = TS.MulAdd(av, b0, c30); c31 = TS.MulAdd(av, b1, c31); c32 = TS.MulAdd(av, b2, c32);
            a += 8;
        }
        if (add)
        {
            { float* p = c + 0 * ldc; TS.Store(TS.Add(TS.Load(p), c00), p); TS.Store(TS.Add(TS.Load(p + n), c01), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c02), p + 2 * n); }
            { float* p = c + 1 * ldc; TS.Store(TS.Add(TS.Load(p), c10), p); TS.Store(TS.Add(TS.Load(p + n), c11), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c12), p + 2 * n); }
            { float* p = c + 2 * ldc; TS.Store(TS.Add(TS.Load(p), c20), p); TS.Store(TS.Add(TS.Load(p + n), c21), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c22), p + 2 * n); }
            { float* p = c + 3 * ldc; TS.Store(TS.Add(TS.Load(p), c30), p); TS.Store(TS.Add(TS.Load(p + n), c31), p + n); TS.Store(TS.Add(TS.Load(p + 2 * n), c32), p + 2 * n); }
        }
        else
        {
            { float* p = c + 0 * ldc; TS.Store(c00, p); TS.Store(c01, p + n); TS.Store(c02, p + 2 * n); }
            { float* p = c + 1 * ldc; TS.Store(c10, p); TS.Store(c11, p + n); TS.Store(c12, p + 2 * n); }
            { float* p = c + 2 * ldc; TS.Store(c20, p); TS.Store(c21, p + n); TS.Store(c22, p + 2 * n); }
            { float* p = c + 3 * ldc; TS.Store(c30, p); TS.Store(c31, p + n); TS.Store(c32, p + 2 * n); }
        }
    }

    /// <summary>
    /// out[i, j] = Σ_rows Σ_v A_i[v]·B_j[v] for 4 A rows and 6 B rows: row pointers advance by aStep /
    /// bStep per row for <paramref name="rows"/> rows, each row <paramref name="len"/> floats (a multiple of
    /// the vector width). 24 vector accumulators, reduced across lanes once at the end; out is [4][6].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Dot4x6<TS, TV>(float** ap, int aStep, float** bp, int bStep, int rows, int len, float* output)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int n = TS.Count;
        TV s00 = TS.Zero, s01 = TS.Zero, s02 = TS.Zero, s03 = TS.Zero, s04 = TS.Zero, s05 = TS.Zero;
        TV s10 = TS.Zero, s11 = TS.Zero, s12 = TS.Zero, s13 = TS.Zero, s14 = TS.Zero, s15 = TS.Zero;
        TV s20 = TS.Zero, s21 = TS.Zero, s22 = TS.Zero, s23 = TS.Zero, s24 = TS.Zero, s25 = TS.Zero;
        TV s30 = TS.Zero, s31 = TS.Zero, s32 = TS.Zero, s33 = TS.Zero, s34 = TS.Zero, s35 = TS.Zero;
        float* a0 = ap[0];
        float* a1 = ap[1];
        float* a2 = ap[2];
        float* a3 = ap[3];
        float* b0 = bp[0];
        float* b1 = bp[1];
        float* b2 = bp[2];
        float* b3 = bp[3];
        float* b4 = bp[4];
        float* b5 = bp[5];
        for (int row = 0; row < rows; row++)
        {
            for (int v = 0; v < len; v += n)
            {
                TV x0 = TS.Load(b0 + v), x1 = TS.Load(b1 + v), x2 = TS.Load(b2 + v), x3 = TS.Load(b3 + v), x4 = TS.Load(b4 + v), x5 = TS.Load(b5 + v);
                TV y;
                y = TS.Load(a0 + v); s00 = TS.MulAdd(y, x0, s00); s01 = TS.MulAdd(y, x1, s01); s02 = TS.MulAdd(y, x2, s02); s03 = TS.MulAdd(y, x3, s03); s04 = TS.MulAdd(y, x4, s04); s05 = TS.MulAdd(y, x5, s05);
                y = TS.Load(a1 + v); s10 = TS.MulAdd(y, x0, s10); s11 = TS.MulAdd(y, x1, s11); s12 = TS.MulAdd(y, x2, s12); s13 = TS.MulAdd(y, x3, s13); s14 = TS.MulAdd(y, x4, s14); s15 = TS.MulAdd(y, x5, s15);
                y = TS.Load(a2 + v); s20 = TS.MulAdd(y, x0, s20); s21 = TS.MulAdd(y, x1, s21); s22 = TS.MulAdd(y, x2, s22); s23 = TS.MulAdd(y, x3, s23); s24 = TS.MulAdd(y, x4, s24); s25 = TS.MulAdd(y, x5, s25);
                y = TS.Load(a3 + v); s30 = TS.MulAdd(y, x0, s30); s31 = TS.MulAdd(y, x1, s31); s32 = TS.MulAdd(y, x2, s32); s33 = TS.MulAdd(y, x3, s33); s34 = TS.MulAdd(y, x4, s34); s35 = TS.MulAdd(y, x5, s35);
            }
            a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep;
            b0 += bStep; b1 += bStep; b2 += bStep; b3 += bStep; b4 += bStep; b5 += bStep;
        }
        output[0] = TS.Sum(s00); output[1] = TS.Sum(s01); output[2] = TS.Sum(s02); output[3] = TS.Sum(s03); output[4] = TS.Sum(s04); output[5] = TS.Sum(s05);
        output[6] = TS.Sum(s10); output[7] = TS.Sum(s11); output[8] = TS.Sum(s12); output[9] = TS.Sum(s13); output[10] = TS.Sum(s14); output[11] = TS.Sum(s15);
        output[12] = TS.Sum(s20); output[13] = TS.Sum(s21); output[14] = TS.Sum(s22); output[15] = TS.Sum(s23); output[16] = TS.Sum(s24); output[17] = TS.Sum(s25);
        output[18] = TS.Sum(s30); output[19] = TS.Sum(s31); output[20] = TS.Sum(s32); output[21] = TS.Sum(s33); output[22] = TS.Sum(s34); output[23] = TS.Sum(s35);
    }
}

/// <summary>A pooled int array (offset tables), returned on dispose.</summary>
internal readonly struct IntBuffer : IDisposable
{
    public int[] Array { get; }

    public IntBuffer(int length) => Array = System.Buffers.ArrayPool<int>.Shared.Rent(Math.Max(1, length));

    public void Dispose()
    {
        if (Array is not null) System.Buffers.ArrayPool<int>.Shared.Return(Array);
    }
}
