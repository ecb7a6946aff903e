#include <math.h>
#include "tfbench/reference.h"

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
