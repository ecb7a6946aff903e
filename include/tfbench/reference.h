/* Float64 CPU reference attention, the ground truth the attention kernels are verified against. */
#ifndef TFBENCH_REFERENCE_H
#define TFBENCH_REFERENCE_H

#include <stddef.h>

/* One head: out[n_q][d] = softmax(q k^T * scale) v, row-major q[n_q][d], k[n_kv][d], v[n_kv][d]. The softmax
 * subtracts the row maximum. causal: query i sees keys j <= i + (n_kv - n_q), so the queries are the last n_q
 * positions of the sequence (decode with n_q = 1 sees every key). Requires n_q <= n_kv when causal. */
void tfb_reference_attention(const double *q, const double *k, const double *v, double *out, size_t n_q,
                             size_t n_kv, size_t d, int causal, double scale);

/* Shapes of a batched multi-head (MHA), grouped-query (GQA) or multi-query (MQA: kv_heads = 1) attention. */
typedef struct tfb_attention_shape {
    size_t batch, heads, kv_heads, n_q, n_kv, d;
} tfb_attention_shape;

/* Layouts q/out [batch][heads][n_q][d], k/v [batch][kv_heads][n_kv][d]; query head h reads KV head
 * h / (heads / kv_heads). Returns 0, or -1 when heads is not a multiple of kv_heads (or a size is 0). */
int tfb_reference_attention_mh(const double *q, const double *k, const double *v, double *out,
                               const tfb_attention_shape *shape, int causal, double scale);

/* Query rows first .. first + rows - 1 (rows <= TFB_REFERENCE_BLOCK_ROWS) of one head, the same attention as
 * tfb_reference_attention: q holds those rows [rows][d], out receives them; scores is a [rows][n_kv] workspace. Two
 * matrix products (OpenBLAS dgemm where the build found it, loops otherwise): the check of every row of a 4096-token
 * prefill costs a fraction of a second instead of the loops' tens. */
#define TFB_REFERENCE_BLOCK_ROWS 64
void tfb_reference_attention_rows(const double *q, const double *k, const double *v, double *out, double *scores,
                                  size_t first, size_t rows, size_t n_q, size_t n_kv, size_t d, int causal,
                                  double scale);
/* "openblas" or "loops": how tfb_reference_attention_rows multiplies. */
const char *tfb_reference_backend(void);

#endif
