/* The exponentials of the float64 attention reference's softmax (host/base/reference.c), in a file of their own. */
#ifndef TFBENCH_REFERENCE_EXP_H
#define TFBENCH_REFERENCE_EXP_H

#include <stddef.h>

/* s[j] = exp(s[j] - shift) for j < n; returns their sum. */
double tfb_exp_shifted_sum(double *s, size_t n, double shift);

#endif
