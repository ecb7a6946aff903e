#include <math.h>
#include "tfbench/half.h"

double tfb_half_to_double(uint16_t bits)
{
    int exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
    double sign = (bits & 0x8000) ? -1.0 : 1.0;
    if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
    if (exponent == 0) return sign * ldexp(mantissa, -24);  /* subnormal */
    return sign * ldexp(1024 + mantissa, exponent - 25);
}
