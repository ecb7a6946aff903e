#include <math.h>
#include "tfbench/reference.h"
#include "reference_exp.h"

static double dot(const double *a, const double *b, size_t d)
{
    double sum = 0.0;
    for (size_t i = 0; i < d; i++) sum += a[i] * b[i];
    return sum;
}

/* One query row: two passes over the keys (max, then exp-weighted sum) so no score buffer is needed. */
static void attend_one_query(const double *q, const double *k, const double *v, double *out, size_t visible,
                             size_t d, double scale)
{
    double max_score = -INFINITY, norm = 0.0;
    for (size_t j = 0; j < visible; j++) max_score = fmax(max_score, dot(q, k + j * d, d) * scale);
    for (size_t c = 0; c < d; c++) out[c] = 0.0;
    for (size_t j = 0; j < visible; j++) {
        double weight = exp(dot(q, k + j * d, d) * scale - max_score);
        norm += weight;
        for (size_t c = 0; c < d; c++) out[c] += weight * v[j * d + c];
    }
    for (size_t c = 0; c < d; c++) out[c] /= norm;
}

void tfb_reference_attention(const double *q, const double *k, const double *v, double *out, size_t n_q,
                             size_t n_kv, size_t d, int causal, double scale)
{
    size_t offset = n_kv >= n_q ? n_kv - n_q : 0;
    for (size_t i = 0; i < n_q; i++) {
        size_t visible = causal ? i + offset + 1 : n_kv;
        if (visible > n_kv) visible = n_kv;
        attend_one_query(q + i * d, k, v, out + i * d, visible, d, scale);
    }
}

int tfb_reference_attention_mh(const double *q, const double *k, const double *v, double *out,
                               const tfb_attention_shape *s, int causal, double scale)
{
    if (!s->batch || !s->heads || !s->kv_heads || !s->n_q || !s->n_kv || !s->d || s->heads % s->kv_heads) return -1;
    size_t group = s->heads / s->kv_heads;
    size_t q_head = s->n_q * s->d, kv_head = s->n_kv * s->d;
    for (size_t b = 0; b < s->batch; b++)
        for (size_t h = 0; h < s->heads; h++) {
            size_t qi = (b * s->heads + h) * q_head;
            size_t kvi = (b * s->kv_heads + h / group) * kv_head;
            tfb_reference_attention(q + qi, k + kvi, v + kvi, out + qi, s->n_q, s->n_kv, s->d, causal, scale);
        }
    return 0;
}

#ifdef TFB_HAVE_CBLAS
#include <cblas.h>

/* One thread: the check runs between timed cases, and idle OpenBLAS workers spin on the cores PoCL needs next. */
static void blas_one_thread(void)
{
    openblas_set_num_threads(1);
}

static void scores_of(const double *q, const double *k, double *scores, size_t rows, size_t keys, size_t n_kv,
                      size_t d, double scale)
{
    blas_one_thread();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)keys, (int)d, scale, q, (int)d, k, (int)d,
                0.0, scores, (int)n_kv);
}

static void weighted_values(const double *p, const double *v, double *out, size_t rows, size_t keys, size_t n_kv,
                            size_t d)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)d, (int)keys, 1.0, p, (int)n_kv, v,
                (int)d, 0.0, out, (int)d);
}
#else
static void scores_of(const double *q, const double *k, double *scores, size_t rows, size_t keys, size_t n_kv,
                      size_t d, double scale)
{
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < keys; j++) scores[i * n_kv + j] = dot(q + i * d, k + j * d, d) * scale;
}

static void weighted_values(const double *p, const double *v, double *out, size_t rows, size_t keys, size_t n_kv,
                            size_t d)
{
    for (size_t i = 0; i < rows; i++) {
        double *o = out + i * d;
        for (size_t c = 0; c < d; c++) o[c] = 0.0;
        for (size_t j = 0; j < keys; j++)
            for (size_t c = 0; c < d; c++) o[c] += p[i * n_kv + j] * v[j * d + c];
    }
}
#endif

const char *tfb_reference_backend(void)
{
#ifdef TFB_HAVE_CBLAS
    return "openblas";
#else
    return "loops";
#endif
}

/* Keys the block's last query sees (all of them but for causal blocks), and how many row i sees. */
static size_t block_keys(size_t first, size_t rows, size_t n_q, size_t n_kv, int causal)
{
    size_t offset = n_kv >= n_q ? n_kv - n_q : 0, keys = causal ? first + rows + offset : n_kv;
    return keys < n_kv ? keys : n_kv;
}

static size_t visible_keys(size_t first, size_t i, size_t n_q, size_t n_kv, int causal, size_t keys)
{
    size_t offset = n_kv >= n_q ? n_kv - n_q : 0, visible = causal ? first + i + offset + 1 : n_kv;
    return visible < keys ? visible : keys;
}

/* m->largest from |Q| |K|^T, in the scores workspace before the scores themselves. */
static void largest_magnitudes(const double *q, double *scores, size_t first, size_t rows, size_t n_q, size_t n_kv,
                               size_t d, int causal, double scale, const tfb_attention_magnitudes *m)
{
    size_t keys = block_keys(first, rows, n_q, n_kv, causal);
    for (size_t i = 0; i < rows * d; i++) m->q_abs[i] = fabs(q[i]);
    scores_of(m->q_abs, m->k_abs, scores, rows, keys, n_kv, d, scale);
    for (size_t i = 0; i < rows; i++) {
        double top = 0.0;
        size_t visible = visible_keys(first, i, n_q, n_kv, causal, keys);
        for (size_t j = 0; j < visible; j++) top = fmax(top, scores[i * n_kv + j]);
        m->largest[i] = top;
    }
}

void tfb_reference_attention_rows_bounded(const double *q, const double *k, const double *v, double *out,
                                          double *scores, size_t first, size_t rows, size_t n_q, size_t n_kv,
                                          size_t d, int causal, double scale, const tfb_attention_magnitudes *m)
{
    if (rows > TFB_REFERENCE_BLOCK_ROWS) rows = TFB_REFERENCE_BLOCK_ROWS;
    size_t keys = block_keys(first, rows, n_q, n_kv, causal);
    if (m) largest_magnitudes(q, scores, first, rows, n_q, n_kv, d, causal, scale, m);
    scores_of(q, k, scores, rows, keys, n_kv, d, scale);
    double sums[TFB_REFERENCE_BLOCK_ROWS];
    for (size_t i = 0; i < rows; i++) {
        double *s = scores + i * n_kv, largest = -INFINITY;
        size_t visible = visible_keys(first, i, n_q, n_kv, causal, keys);
        for (size_t j = 0; j < visible; j++) largest = s[j] > largest ? s[j] : largest;  /* fmax: a call per score */
        sums[i] = tfb_exp_shifted_sum(s, visible, largest);
        for (size_t j = visible; j < keys; j++) s[j] = 0.0;
    }
    weighted_values(scores, v, out, rows, keys, n_kv, d);
    if (m) weighted_values(scores, m->v_abs, m->weighted, rows, keys, n_kv, d);
    for (size_t i = 0; i < rows; i++)
        for (size_t c = 0; c < d; c++) {
            out[i * d + c] /= sums[i];
            if (m) m->weighted[i * d + c] /= sums[i];
        }
}

void tfb_reference_attention_rows(const double *q, const double *k, const double *v, double *out, double *scores,
                                  size_t first, size_t rows, size_t n_q, size_t n_kv, size_t d, int causal,
                                  double scale)
{
    tfb_reference_attention_rows_bounded(q, k, v, out, scores, first, rows, n_q, n_kv, d, causal, scale, NULL);
}
