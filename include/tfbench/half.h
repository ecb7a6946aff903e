/* IEEE 754 half precision on the host (device buffers of cl_half read back for verification). */
#ifndef TFBENCH_HALF_H
#define TFBENCH_HALF_H

#include <stdint.h>

double tfb_half_to_double(uint16_t bits);

#endif
