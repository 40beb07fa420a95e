// A bfloat16 matrix product for CPUs with AVX512_BF16 (VDPBF16PS), in the layout of a classic
// blocked GEMM: B is packed by blocks of 512 (k) × 1024 into panels of 32 columns, A by blocks
// of 96 × 512 into panels of 12 rows; each element pair along k is one 32-bit word (the low half the
// even k), and a 12 × 32 micro-kernel keeps 24 float32 accumulators in registers. Operands are
// rounded to bfloat16 while they are packed, so callers pass float32 tensors.
//
// Only the functions marked with the target attribute use AVX-512; the rest of this file is
// portable, and nothing calls the AVX-512 code unless cmcl_bf16_supported() said yes.
#include "cmcl_bf16.h"
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// Block sizes (KC and MC were chosen by measuring 1024² and the MiniLM shapes; see
// docs/performance.md). They may be overridden when compiling, for such measurements.
#define MR 12
#define NR 32
#ifndef KC
#define KC 512
#endif
#ifndef MC
#define MC 96
#endif
#ifndef NC
#define NC 1024
#endif

int cmcl_bf16_supported(void) {
#if defined(__x86_64__)
    const char *off = getenv("CMCL_NO_AVX512_BF16");
    if (off && off[0] && off[0] != '0') return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}

// Round to nearest even; NaN stays a (quiet) NaN; float32 subnormals become signed zero, as the
// instruction treats them.
static inline uint32_t bf16_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (u >> 16) | 0x40u;
    if ((u & 0x7f800000u) == 0) return (u >> 16) & 0x8000u;
    u += 0x7fffu + ((u >> 16) & 1u);
    return u >> 16;
}

float cmcl_bf16_round(float x) {
    uint32_t u = bf16_bits(x) << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

#if defined(__x86_64__)
// Packing buffers, one pair per thread, kept for the thread's life and grown when a product needs
// more: allocating them per call (about 1 MB for B) made every call map fresh pages, a thousand
// page faults per training step. They hold no state between calls (each call packs before use).
typedef struct { uint32_t *words; size_t capacity; } Scratch;
static _Thread_local Scratch tls_a, tls_b;

static uint32_t *scratch(Scratch *s, size_t words) {
    if (s->capacity < words) {
        free(s->words);
        s->words = aligned_alloc(64, (words * 4 + 63) / 64 * 64);
        s->capacity = s->words ? words : 0;
    }
    return s->words;
}

#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

// r[j] (16 words each) becomes its transpose: word i of r[j] moves to word j of r[i].
BF16_TARGET static inline void transpose16(__m512i r[16]) {
    __m512i t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
        r[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
        r[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
        r[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    for (int h = 0; h < 16; h += 8) {
        for (int i = 0; i < 4; i++) {
            t[h + i] = _mm512_shuffle_i32x4(r[h + i], r[h + i + 4], 0x88);
            t[h + i + 4] = _mm512_shuffle_i32x4(r[h + i], r[h + i + 4], 0xdd);
        }
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
    }
}

// Packs `width` panel entries (rows of op(A), or columns of op(B)) × `kc` values along k,
// starting at k = p0, into `panel` words per pair of k: dst[kp * panel + i] holds entry i's
// values at k = p0 + 2kp (low half) and p0 + 2kp + 1 (high half); missing entries and k beyond
// `kmax` are zero. Element (i, p) of the source is src[i * is + p * ks].
BF16_TARGET static void pack(const float *src, long is, long ks, int width, int panel, long p0, long kc, long kmax,
                             uint32_t *dst) {
    long pairs = (kc + 1) / 2;
    if (ks == 1 && p0 + kc <= kmax && (kc & 1) == 0) {
        // Pairs lie next to each other in memory: convert 32 values (16 pairs) of 16 entries at a
        // time and transpose the 16 × 16 words in registers.
        long full = pairs / 16 * 16;
        for (int i0 = 0; i0 < width; i0 += 16) {
            int n = width - i0 < 16 ? width - i0 : 16;
            int lanes = panel - i0 < 16 ? panel - i0 : 16;
            __mmask16 store = (__mmask16)((1u << lanes) - 1u);
            for (long kp = 0; kp < full; kp += 16) {
                __m512i r[16];
                for (int j = 0; j < 16; j++) {
                    if (j < n) {
                        const float *row = src + (i0 + j) * is + p0 + 2 * kp;
                        r[j] = (__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(row + 16), _mm512_loadu_ps(row));
                    } else {
                        r[j] = _mm512_setzero_si512();
                    }
                }
                transpose16(r);
                for (int j = 0; j < 16; j++) _mm512_mask_storeu_epi32(dst + (kp + j) * panel + i0, store, r[j]);
            }
        }
        for (int i = 0; i < width; i++) {
            const float *row = src + i * is + p0;
            for (long kp = full; kp < pairs; kp++)
                dst[kp * panel + i] = bf16_bits(row[2 * kp]) | (bf16_bits(row[2 * kp + 1]) << 16);
        }
        for (long kp = 0; kp < pairs; kp++)
            for (int i = width; i < panel; i++) dst[kp * panel + i] = 0;
        return;
    }
    if (is == 1) {
        // Entries lie next to each other: convert a row of k at a time, 16 entries per vector.
        for (long kp = 0; kp < pairs; kp++) {
            long p = p0 + 2 * kp;
            const float *r0 = src + p * ks, *r1 = src + (p + 1) * ks;
            int has1 = p + 1 < kmax && 2 * kp + 1 < kc;
            for (int i = 0; i < panel; i += 16) {
                int n = width - i;
                if (n > 16) n = 16;
                __mmask16 m = n <= 0 ? 0 : (__mmask16)((1u << n) - 1u);
                __m512 x0 = _mm512_maskz_loadu_ps(m, r0 + i);
                __m512 x1 = has1 ? _mm512_maskz_loadu_ps(m, r1 + i) : _mm512_setzero_ps();
                __m512i w0 = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(x0));
                __m512i w1 = _mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(x1)), 16);
                __m512i w = _mm512_or_si512(w0, w1);
                int store = panel - i < 16 ? panel - i : 16;
                _mm512_mask_storeu_epi32(dst + kp * panel + i, (__mmask16)((1u << store) - 1u), w);
            }
        }
        return;
    }
    for (long kp = 0; kp < pairs; kp++) {
        long p = p0 + 2 * kp;
        for (int i = 0; i < panel; i++) {
            uint32_t w = 0;
            if (i < width) {
                w = bf16_bits(src[i * is + p * ks]);
                if (p + 1 < kmax && 2 * kp + 1 < kc) w |= bf16_bits(src[i * is + (p + 1) * ks]) << 16;
            }
            dst[kp * panel + i] = w;
        }
    }
}

// C[0..<mr, 0..<nr] (+)= A-panel · B-panel over `pairs` pairs of k.
BF16_TARGET static void micro(long pairs, const uint32_t *pa, const uint32_t *pb, float *c, long ldc, int mr, int nr,
                              int accumulate) {
    __m512 acc[MR][2];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) { acc[i][0] = _mm512_setzero_ps(); acc[i][1] = _mm512_setzero_ps(); }
    for (long kp = 0; kp < pairs; kp++) {
        __m512bh b0 = (__m512bh)_mm512_load_si512(pb + kp * NR);
        __m512bh b1 = (__m512bh)_mm512_load_si512(pb + kp * NR + 16);
        const uint32_t *ar = pa + kp * MR;
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m512bh av = (__m512bh)_mm512_set1_epi32((int)ar[i]);
            acc[i][0] = _mm512_dpbf16_ps(acc[i][0], av, b0);
            acc[i][1] = _mm512_dpbf16_ps(acc[i][1], av, b1);
        }
    }
    __mmask16 m0 = nr >= 16 ? 0xffff : (__mmask16)((1u << nr) - 1u);
    __mmask16 m1 = nr >= 32 ? 0xffff : (nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1u));
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i >= mr) break;
        float *row = c + i * ldc;
        __m512 v0 = acc[i][0], v1 = acc[i][1];
        if (accumulate) {
            v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, row));
            v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, row + 16));
        }
        _mm512_mask_storeu_ps(row, m0, v0);
        _mm512_mask_storeu_ps(row + 16, m1, v1);
    }
}

BF16_TARGET static void gemm(int transA, int transB, long m, long n, long k, const float *a, long lda, const float *b,
                             long ldb, float *c, long ldc) {
    // Element (i, p) of op(A) is a[i * ais + p * aks]; element (p, j) of op(B) is b[j * bjs + p * bks].
    long ais = transA ? 1 : lda, aks = transA ? lda : 1;
    long bjs = transB ? ldb : 1, bks = transB ? 1 : ldb;
    long ncap = n < NC ? n : NC;
    long bwords = ((ncap + NR - 1) / NR) * NR * (KC / 2);
    long awords = ((MC + MR - 1) / MR) * MR * (KC / 2);
    uint32_t *bp = scratch(&tls_b, (size_t)bwords), *ap = scratch(&tls_a, (size_t)awords);
    if (!bp || !ap) {
        // Out of memory for about a megabyte of packing space: a product of NaNs, which training
        // reports as a non-finite loss, rather than stale memory passed off as a result.
        for (long i = 0; i < m; i++) for (long j = 0; j < n; j++) c[i * ldc + j] = __builtin_nanf("");
        return;
    }
    for (long jc = 0; jc < n; jc += NC) {
        long nc = n - jc < NC ? n - jc : NC;
        for (long pc = 0; pc < k; pc += KC) {
            long kc = k - pc < KC ? k - pc : KC;
            long pairs = (kc + 1) / 2;
            for (long jr = 0; jr < nc; jr += NR) {
                int w = nc - jr < NR ? (int)(nc - jr) : NR;
                pack(b + (jc + jr) * bjs, bjs, bks, w, NR, pc, kc, k, bp + (jr / NR) * NR * pairs);
            }
            for (long ic = 0; ic < m; ic += MC) {
                long mc = m - ic < MC ? m - ic : MC;
                for (long ir = 0; ir < mc; ir += MR) {
                    int h = mc - ir < MR ? (int)(mc - ir) : MR;
                    pack(a + (ic + ir) * ais, ais, aks, h, MR, pc, kc, k, ap + (ir / MR) * MR * pairs);
                }
                for (long jr = 0; jr < nc; jr += NR) {
                    int w = nc - jr < NR ? (int)(nc - jr) : NR;
                    for (long ir = 0; ir < mc; ir += MR) {
                        int h = mc - ir < MR ? (int)(mc - ir) : MR;
                        micro(pairs, ap + (ir / MR) * MR * pairs, bp + (jr / NR) * NR * pairs,
                              c + (ic + ir) * ldc + jc + jr, ldc, h, w, pc > 0);
                    }
                }
            }
        }
    }
}
#endif

void cmcl_bf16_gemm(int transA, int transB, long m, long n, long k,
                    const float *a, long lda, const float *b, long ldb, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (long i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(float));
        return;
    }
#if defined(__x86_64__)
    gemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
#endif
}
