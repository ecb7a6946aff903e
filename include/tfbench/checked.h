/* Size arithmetic that cannot wrap. Sizes come from user input (--shape, --seq, --batch): a product that wraps to a
 * small number passes every memory check and then crashes the driver. These saturate at SIZE_MAX instead, which no
 * device can allocate, so the memory checks refuse it and tfb_format_bytes says "more than 16 EiB". */
#ifndef TFBENCH_CHECKED_H
#define TFBENCH_CHECKED_H

#include <stddef.h>
#include <stdint.h>

static inline size_t tfb_mul_size(size_t a, size_t b)
{
    return a && b > SIZE_MAX / a ? SIZE_MAX : a * b;
}

static inline size_t tfb_add_size(size_t a, size_t b)
{
    return b > SIZE_MAX - a ? SIZE_MAX : a + b;
}

static inline size_t tfb_mul3_size(size_t a, size_t b, size_t c)
{
    return tfb_mul_size(tfb_mul_size(a, b), c);
}

/* "1.50 GiB", "512 MiB", "64 KiB", or "more than 16 EiB" for a saturated size. */
void tfb_format_bytes(size_t bytes, char *out, size_t size);

#endif
