/* Compiled with -ffast-math -fopenmp-simd (CMakeLists.txt) so that GCC calls glibc's vector exp (libmvec) on two or
 * four scores at a time: scalar exp calls were a third of the time of a long attention check. The scores are finite
 * (products of finite inputs), so fast-math's finite-only assumption holds; libmvec's exp is within a few ulp of
 * float64, and the sum's order changes only its float64 rounding, both far below the fp32 tolerances checked. */
#include <math.h>
#include "reference_exp.h"

double tfb_exp_shifted_sum(double *s, size_t n, double shift)
{
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (size_t j = 0; j < n; j++) {
        s[j] = exp(s[j] - shift);
        sum += s[j];
    }
    return sum;
}
