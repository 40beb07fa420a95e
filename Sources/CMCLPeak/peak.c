// A loop of independent fused multiply-adds, to measure the float32 peak that matrix products are
// compared against (scripts/bench-tensor). Each kernel keeps 12 accumulators in registers, more
// than FMA latency × units needs, so the loop is bound by FMA throughput alone.
#include "cmcl_peak.h"
#include <immintrin.h>
#include <pthread.h>
#include <time.h>

static double clock_seconds(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }

#define CHAINS 12
#define KEEP(x) __asm__ volatile("" : "+x"(x))

__attribute__((target("avx512f"))) static float run512(long n) {
    __m512 a[CHAINS];
    __m512 b = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
    for (long i = 0; i < n; i++) {
#pragma unroll
        for (int j = 0; j < CHAINS; j++) { a[j] = _mm512_fmadd_ps(a[j], b, c); __asm__ volatile("" : "+v"(a[j])); }
    }
    __m512 s = a[0];
    for (int i = 1; i < CHAINS; i++) s = _mm512_add_ps(s, a[i]);
    return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma"))) static float run256(long n) {
    __m256 a[CHAINS];
    __m256 b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) a[i] = _mm256_set1_ps((float)i);
    for (long i = 0; i < n; i++) {
#pragma unroll
        for (int j = 0; j < CHAINS; j++) { a[j] = _mm256_fmadd_ps(a[j], b, c); KEEP(a[j]); }
    }
    float out[8], total = 0;
    __m256 s = a[0];
    for (int i = 1; i < CHAINS; i++) s = _mm256_add_ps(s, a[i]);
    _mm256_storeu_ps(out, s);
    for (int i = 0; i < 8; i++) total += out[i];
    return total;
}

static float run128(long n) {
    __m128 a[CHAINS];
    __m128 b = _mm_set1_ps(0.999999f), c = _mm_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) a[i] = _mm_set1_ps((float)i);
    for (long i = 0; i < n; i++) {
#pragma unroll
        for (int j = 0; j < CHAINS; j++) { a[j] = _mm_add_ps(_mm_mul_ps(a[j], b), c); KEEP(a[j]); }
    }
    float out[4], total = 0;
    __m128 s = a[0];
    for (int i = 1; i < CHAINS; i++) s = _mm_add_ps(s, a[i]);
    _mm_storeu_ps(out, s);
    for (int i = 0; i < 4; i++) total += out[i];
    return total;
}

// VDPBF16PS on 512-bit vectors: each instruction multiplies 16 pairs of bfloat16 values and adds
// both products to a float32 lane, 64 FLOPs.
__attribute__((target("avx512f,avx512bf16"))) static float runbf16(long n) {
    __m512 a[CHAINS];
    __m512bh b = (__m512bh)_mm512_set1_epi32(0x3f803f80), c = (__m512bh)_mm512_set1_epi32(0x33d633d6);
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
    for (long i = 0; i < n; i++) {
#pragma unroll
        for (int j = 0; j < CHAINS; j++) { a[j] = _mm512_dpbf16_ps(a[j], b, c); __asm__ volatile("" : "+v"(a[j])); }
    }
    __m512 s = a[0];
    for (int i = 1; i < CHAINS; i++) s = _mm512_add_ps(s, a[i]);
    return _mm512_reduce_add_ps(s);
}

// width 16, 8 or 4: float32 multiply-adds on vectors of that many floats; width 0: VDPBF16PS.
typedef struct { long n; int width; float sink; double cpu; } Task;

static void *worker(void *arg) {
    Task *t = (Task *)arg;
    double c0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
    t->sink = t->width == 0 ? runbf16(t->n)
        : (t->width == 16 ? run512(t->n) : (t->width == 8 ? run256(t->n) : run128(t->n)));
    t->cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
    return 0;
}

// Runs `*threads` workers (clamped to 1...64 in place) of kernel `w` for about `seconds`; returns
// the seconds taken and the iterations each ran; `cpu` (when not null) gets the CPU seconds of all workers.
static double timed(int w, int *workers, double seconds, long *iterations, double *cpu) {
    int threads = *workers < 1 ? 1 : (*workers > 64 ? 64 : *workers);
    *workers = threads;
    // Calibrate the iteration count on one thread, then time all threads together.
    long n = 1 << 16;
    for (;;) {
        double t0 = now();
        Task probe = {n, w, 0, 0};
        worker(&probe);
        double dt = now() - t0;
        if (dt > 0.02 || n > (1L << 34)) { n = (long)((double)n * seconds / (dt > 0 ? dt : 1e-9)); break; }
        n *= 4;
    }
    if (n < 1) n = 1;
    Task tasks[64];
    pthread_t ids[64];
    double t0 = now();
    for (int i = 0; i < threads; i++) {
        tasks[i] = (Task){n, w, 0, 0};
        pthread_create(&ids[i], 0, worker, &tasks[i]);
    }
    for (int i = 0; i < threads; i++) pthread_join(ids[i], 0);
    *iterations = n;
    if (cpu) {
        *cpu = 0;
        for (int i = 0; i < threads; i++) *cpu += tasks[i].cpu;
    }
    return now() - t0;
}

double cmcl_fma_peak_gflops(int threads, double seconds, int *width) {
    __builtin_cpu_init();
    int w = __builtin_cpu_supports("avx512f") ? 16 : ((__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 8 : 4);
    if (width) *width = w;
    long n = 0;
    double dt = timed(w, &threads, seconds, &n, 0);
    double flops_per_iter = 2.0 * CHAINS * w;   // a multiply and an add per lane and chain
    return (double)threads * (double)n * flops_per_iter / dt / 1e9;
}

double cmcl_bf16_dot_peak_gflops(int threads, double seconds) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bf16")) return 0;
    long n = 0;
    double dt = timed(0, &threads, seconds, &n, 0);
    double flops_per_iter = 64.0 * CHAINS;      // 16 lanes × 2 pairs × (multiply + add) per chain
    return (double)threads * (double)n * flops_per_iter / dt / 1e9;
}

double cmcl_core_peak_gflops(int bf16, double seconds) {
    __builtin_cpu_init();
    int w = bf16 ? 0 : (__builtin_cpu_supports("avx512f") ? 16 : ((__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 8 : 4));
    if (bf16 && (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bf16"))) return 0;
    int threads = 1;
    long n = 0;
    double cpu = 0;
    timed(w, &threads, seconds, &n, &cpu);
    double flops_per_iter = bf16 ? 64.0 * CHAINS : 2.0 * CHAINS * w;
    return cpu > 0 ? (double)n * flops_per_iter / cpu / 1e9 : 0;
}
