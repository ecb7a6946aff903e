#include <math.h>
#include "tfbench/random.h"

/* splitmix64: tiny, deterministic per seed, good enough for benchmark inputs. */
void tfb_rng_seed(tfb_rng *rng, uint64_t seed)
{
    rng->state = seed ^ 0x9e3779b97f4a7c15ULL;
}

uint64_t tfb_rng_next(tfb_rng *rng)
{
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double tfb_rng_uniform(tfb_rng *rng, double lo, double hi)
{
    for (;;) {
        double unit = (double)(tfb_rng_next(rng) >> 11) * 0x1.0p-53;
        double value = lo + (hi - lo) * unit;
        if (value != 0.0) return value;
    }
}

void tfb_fill_random_f32(float *data, size_t count, tfb_rng *rng, float lo, float hi)
{
    for (size_t i = 0; i < count; i++) {
        float value = (float)tfb_rng_uniform(rng, lo, hi);
        data[i] = value != 0.0f ? value : hi;  /* a tiny double can round to 0.0f */
    }
}

void tfb_fill_random_f64(double *data, size_t count, tfb_rng *rng, double lo, double hi)
{
    for (size_t i = 0; i < count; i++) data[i] = tfb_rng_uniform(rng, lo, hi);
}

float tfb_poison_value(void)
{
    return NAN;
}

void tfb_poison_f32(float *data, size_t count)
{
    for (size_t i = 0; i < count; i++) data[i] = NAN;
}
