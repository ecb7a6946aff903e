/* Deterministic random inputs (never zeros) and output poisoning. */
#ifndef TFBENCH_RANDOM_H
#define TFBENCH_RANDOM_H

#include <stddef.h>
#include <stdint.h>

typedef struct tfb_rng {
    uint64_t state;
} tfb_rng;

void tfb_rng_seed(tfb_rng *rng, uint64_t seed);
uint64_t tfb_rng_next(tfb_rng *rng);
/* Uniform in [lo, hi), rejecting exact zeros so no input is ever 0. */
double tfb_rng_uniform(tfb_rng *rng, double lo, double hi);
void tfb_fill_random_f32(float *data, size_t count, tfb_rng *rng, float lo, float hi);
void tfb_fill_random_f64(double *data, size_t count, tfb_rng *rng, double lo, double hi);
/* A quiet NaN everywhere: any element a kernel forgets to write fails verification. */
void tfb_poison_f32(float *data, size_t count);
float tfb_poison_value(void);

#endif
