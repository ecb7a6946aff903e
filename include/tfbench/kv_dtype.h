/* The formats of a decode KV cache (--kv-dtype): their names and their exact bytes per cached value (scales
 * included), shared by the option parser and the attention suites. */
#ifndef TFBENCH_KV_DTYPE_H
#define TFBENCH_KV_DTYPE_H

#include <stddef.h>
#include "tfbench/error.h"

/* fp32 (4 bytes), fp16 (IEEE half, 2 bytes), q8_0 (llama.cpp's blocks of 32 values along the head dimension: one
 * fp16 scale and 32 int8 codes, value = code x scale: 34 bytes per 32 values). */
typedef enum tfb_kv_dtype { TFB_KV_FP32, TFB_KV_FP16, TFB_KV_Q8_0, TFB_KV_DTYPE_COUNT } tfb_kv_dtype;

#define TFB_KV_Q8_GROUP 32 /* values per q8_0 scale */

/* Weight formats of a run (--weights): fp32, fp16, then docs/quantization.md's block formats, in the gemv suite's
 * order. */
typedef enum tfb_weight_format {
    TFB_WEIGHTS_FP32, TFB_WEIGHTS_FP16, TFB_WEIGHTS_Q8_0, TFB_WEIGHTS_Q4_0, TFB_WEIGHTS_INT4_G128, TFB_WEIGHTS_COUNT
} tfb_weight_format;

const char *tfb_kv_dtype_name(tfb_kv_dtype dtype);
const char *tfb_weight_format_name(tfb_weight_format format);
/* "fp16,q4_0" into out[] as tfb_kv_dtype_parse_list does. */
int tfb_weight_format_parse_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err);
/* Bytes of `values` cached values of one head dimension d (a multiple of 32 for q8_0): exact, scales included. */
double tfb_kv_dtype_bytes(tfb_kv_dtype dtype, double values);
/* "fp32,fp16,q8_0" into out[] (up to max, no repeats); a bad or repeated name is an error naming it. */
int tfb_kv_dtype_parse_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err);

#endif
