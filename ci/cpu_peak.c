/* The CPU's theoretical fp32 FMA peak, to judge `tfbench --suite peak` on PoCL against:
 *   peak = cores x clock x SIMD lanes x FMA units x 2 FLOPs.
 * The clock is measured, not read from /proc (VMs report the base clock): one chain of dependent AVX-512 FMAs runs at
 * one FMA per FMA-latency cycles (4 on Intel cores since Skylake, 4 on Zen 4/5). The FMA units per core are given on
 * the command line (2 on Xeon Gold/Platinum and Zen 5, 1 on some parts), and checked by a throughput run with many
 * independent chains on every core (OpenMP), which is what a perfect kernel would reach. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double measure_clock_ghz(long steps, int latency)
{
    __m512 x = _mm512_set1_ps(1.0f), a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
    double start = now();
    for (long i = 0; i < steps; i++) x = _mm512_fmadd_ps(x, a, b);
    double seconds = now() - start;
    volatile float sink = _mm512_reduce_add_ps(x);
    (void)sink;
    return latency * (double)steps / seconds * 1e-9;
}

/* 16 independent chains per thread keep 2 FMA units x 4 cycles of latency busy. */
static double measure_throughput_gflops(long steps)
{
    double start = now();
    float total = 0.0f;
#pragma omp parallel reduction(+ : total)
    {
        __m512 acc[16], a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
        for (int c = 0; c < 16; c++) acc[c] = _mm512_set1_ps(1.0f + 0.01f * c);
        for (long i = 0; i < steps; i++)
            for (int c = 0; c < 16; c++) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
        for (int c = 0; c < 16; c++) total += _mm512_reduce_add_ps(acc[c]);
    }
    double seconds = now() - start;
    volatile float sink = total;
    (void)sink;
    return (double)omp_get_max_threads() * steps * 16 * 16 * 2 / seconds * 1e-9;
}

int main(int argc, char **argv)
{
    int fma_units = argc > 1 ? atoi(argv[1]) : 2;
    int latency = argc > 2 ? atoi(argv[2]) : 4;
    int cores = omp_get_max_threads();
    measure_clock_ghz(100000000, latency);  /* let the clock ramp up */
    double ghz = measure_clock_ghz(400000000, latency);
    double theoretical = cores * ghz * 16 * fma_units * 2;
    double achieved = measure_throughput_gflops(50000000);
    printf("clock            %.2f GHz (dependent FMA chain, %d-cycle latency)\n", ghz, latency);
    printf("theoretical fp32 %.1f GFLOP/s = %d cores x %.2f GHz x 16 lanes x %d FMA units x 2\n", theoretical, cores,
           ghz, fma_units);
    printf("native fp32      %.1f GFLOP/s (OpenMP, 16 independent AVX-512 chains per core) = %.0f%% of theoretical\n",
           achieved, 100.0 * achieved / theoretical);
    return 0;
}
