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
/* What a per-element error bound needs besides the output (the layer's attention step): with the same softmax
 * weights p_j of each row, largest[i] = the largest scale * sum_c |q_ic k_jc| over row i's visible keys, and
 * weighted[i][c] = sum_j p_j |v_jc| / sum_j p_j. k_abs and v_abs hold |K| and |V| [n_kv][d]; q_abs is a [rows][d]
 * workspace. Two more matrix products per block. */
typedef struct tfb_attention_magnitudes {
    const double *k_abs, *v_abs;
    double *q_abs, *largest, *weighted;
} tfb_attention_magnitudes;
/* tfb_reference_attention_rows, and the magnitudes of the same rows into *m. */
void tfb_reference_attention_rows_bounded(const double *q, const double *k, const double *v, double *out,
                                          double *scores, size_t first, size_t rows, size_t n_q, size_t n_kv,
                                          size_t d, int causal, double scale, const tfb_attention_magnitudes *m);
/* "openblas" or "loops": how tfb_reference_attention_rows multiplies. */
const char *tfb_reference_backend(void);

#endif
