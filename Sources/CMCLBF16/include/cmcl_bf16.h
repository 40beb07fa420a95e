#ifndef CMCL_BF16_H
#define CMCL_BF16_H

/// Whether this CPU (and OS) runs the bfloat16 kernels: AVX-512 F, BW, VL and BF16. Setting the
/// environment variable CMCL_NO_AVX512_BF16=1 makes it answer 0 (to test the fallback path).
int cmcl_bf16_supported(void);

/// Row-major `C = op(A) · op(B)` (overwrites C) with A and B rounded to bfloat16 (round to nearest
/// even, as PyTorch and VCVTNEPS2BF16 round) and the products accumulated in float32 by
/// VDPBF16PS: `op(A)` is m × k (A is m × k with row stride lda, or k × m when transA), `op(B)` is
/// k × n. Each element of C is the float32 sum over k in a fixed order (pairs, then blocks of
/// 512 along k in order), whatever rows or columns of C a call covers. Call only when
/// cmcl_bf16_supported() is 1.
void cmcl_bf16_gemm(int transA, int transB, long m, long n, long k,
                    const float *a, long lda, const float *b, long ldb, float *c, long ldc);

/// `x` rounded to bfloat16 and back to float32, with the rounding the kernel uses (for tests).
float cmcl_bf16_round(float x);

#endif
