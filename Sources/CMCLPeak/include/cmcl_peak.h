#ifndef CMCL_PEAK_H
#define CMCL_PEAK_H

/// The machine's float32 multiply-add peak, measured: `threads` threads each run independent
/// chains of fused multiply-adds on the widest vectors the CPU has (AVX-512, else AVX2 + FMA, else
/// SSE multiply and add) for about `seconds`, and the result is their FLOPs per second in GFLOP/s.
/// `width` receives the vector width used, in floats.
double cmcl_fma_peak_gflops(int threads, double seconds, int *width);

/// The bfloat16 dot-product peak, measured the same way with VDPBF16PS on 512-bit vectors (16
/// float32 lanes, each adding two bfloat16 products: 64 FLOPs an instruction); 0 when the CPU
/// lacks AVX512_BF16.
double cmcl_bf16_dot_peak_gflops(int threads, double seconds);

// One core's peak per second of its own CPU time (float32 multiply-adds, or bfloat16 dot products
// when `bf16` is nonzero; 0 without AVX512_BF16): a figure that time-sharing with other processes
// does not lower, for the CPU-time roofline of a loaded machine.
double cmcl_core_peak_gflops(int bf16, double seconds);

#endif
