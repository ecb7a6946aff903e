/* The float64 reference attention: the lecture's worked example, and the properties the kernels' checks rely on. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/reference.h"

/* Section 2 of the lecture (np.random.seed(42), 4 tokens, d_k 3). Q, K and V are rounded to 2 decimals by the
 * lecture's own code, so the printed values are its exact inputs; the printed output is rounded to 2 decimals. */
static const double LECTURE_Q[4][3] = {{0.5, -0.14, 0.65}, {1.52, -0.23, -0.23}, {1.58, 0.77, -0.47}, {0.54, -0.46, -0.47}};
static const double LECTURE_K[4][3] = {{0.24, -1.91, -1.72}, {-0.56, -1.01, 0.31}, {-0.91, -1.41, 1.47}, {-0.23, 0.07, -1.42}};
static const double LECTURE_V[4][3] = {{-0.54, 0.11, -1.15}, {0.38, -0.6, -0.29}, {-0.6, 1.85, -0.01}, {-1.06, 0.82, -1.22}};
static const double LECTURE_OUT[4][3] = {{-0.38, 0.71, -0.46}, {-0.52, 0.35, -0.9}, {-0.67, 0.46, -1.0}, {-0.51, 0.37, -0.88}};

static void lecture_worked_example(void **state)
{
    double out[4][3];
    tfb_reference_attention(&LECTURE_Q[0][0], &LECTURE_K[0][0], &LECTURE_V[0][0], &out[0][0], 4, 4, 3, 0,
                            1.0 / sqrt(3.0));
    for (int i = 0; i < 4; i++)
        for (int c = 0; c < 3; c++)
            if (fabs(out[i][c] - LECTURE_OUT[i][c]) > 0.005)
                fail_msg("out[%d][%d] = %.4f, lecture prints %.2f", i, c, out[i][c], LECTURE_OUT[i][c]);
}

/* Step 3 of the example: the first row's weights print as [0.176 0.278 0.401 0.146]. With V = identity columns the
 * output is the weight row itself. */
static void lecture_softmax_weights(void **state)
{
    const double identity[4][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    const double expected[4] = {0.176, 0.278, 0.401, 0.146};
    double q[3], k[4][4] = {{0}}, weights[4];
    memcpy(q, LECTURE_Q[0], sizeof q);
    for (int j = 0; j < 4; j++) memcpy(k[j], LECTURE_K[j], sizeof LECTURE_K[j]);
    double q4[4] = {q[0], q[1], q[2], 0.0};  /* pad to width 4 so V can be the identity */
    tfb_reference_attention(q4, &k[0][0], &identity[0][0], weights, 1, 4, 4, 0, 1.0 / sqrt(3.0));
    for (int j = 0; j < 4; j++) assert_true(fabs(weights[j] - expected[j]) <= 0.0005);
}

/* Equal scores average V; causal rows see their prefix; a single decode query sees every key. */
static void causal_and_uniform(void **state)
{
    const double q[3][1] = {{0}, {0}, {0}}, k[3][1] = {{1}, {2}, {3}}, v[3][1] = {{3}, {6}, {9}};
    double out[3][1];
    tfb_reference_attention(&q[0][0], &k[0][0], &v[0][0], &out[0][0], 3, 3, 1, 0, 1.0);
    for (int i = 0; i < 3; i++) assert_true(fabs(out[i][0] - 6.0) < 1e-15);
    tfb_reference_attention(&q[0][0], &k[0][0], &v[0][0], &out[0][0], 3, 3, 1, 1, 1.0);
    assert_true(out[0][0] == 3.0);
    assert_true(fabs(out[1][0] - 4.5) < 1e-15);
    assert_true(fabs(out[2][0] - 6.0) < 1e-15);
    tfb_reference_attention(&q[0][0], &k[0][0], &v[0][0], &out[0][0], 1, 3, 1, 1, 1.0);
    assert_true(fabs(out[0][0] - 6.0) < 1e-15);
}

/* Huge scores must not overflow: the max is subtracted before exp. */
static void large_scores_are_stable(void **state)
{
    const double q[1] = {1000.0}, k[2] = {1.0, 0.999}, v[2] = {1.0, 2.0};
    double out[1];
    tfb_reference_attention(q, k, v, out, 1, 2, 1, 0, 1.0);
    double w1 = 1.0 / (1.0 + exp(-1.0));  /* score gap 1000 * 0.001 = 1 */
    assert_true(fabs(out[0] - (w1 * 1.0 + (1.0 - w1) * 2.0)) < 1e-12);
}

/* GQA with 4 query heads on 2 KV heads equals MHA with each KV head repeated for its group. */
static void gqa_matches_repeated_mha(void **state)
{
    enum { B = 2, H = 4, KVH = 2, NQ = 3, NKV = 5, D = 4 };
    double q[B][H][NQ][D], k[B][KVH][NKV][D], v[B][KVH][NKV][D];
    double k_rep[B][H][NKV][D], v_rep[B][H][NKV][D], gqa[B][H][NQ][D], mha[B][H][NQ][D];
    double *qf = &q[0][0][0][0], *kf = &k[0][0][0][0], *vf = &v[0][0][0][0];
    for (size_t i = 0; i < sizeof q / sizeof(double); i++) qf[i] = sin(0.37 * (double)i);
    for (size_t i = 0; i < sizeof k / sizeof(double); i++) kf[i] = cos(0.11 * (double)i);
    for (size_t i = 0; i < sizeof v / sizeof(double); i++) vf[i] = sin(0.23 * (double)i + 1.0);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            memcpy(k_rep[b][h], k[b][h / 2], sizeof k_rep[b][h]);
            memcpy(v_rep[b][h], v[b][h / 2], sizeof v_rep[b][h]);
        }
    tfb_attention_shape gqa_shape = {B, H, KVH, NQ, NKV, D}, mha_shape = {B, H, H, NQ, NKV, D};
    assert_int_equal(tfb_reference_attention_mh(qf, kf, vf, &gqa[0][0][0][0], &gqa_shape, 1, 0.5), 0);
    assert_int_equal(tfb_reference_attention_mh(qf, &k_rep[0][0][0][0], &v_rep[0][0][0][0], &mha[0][0][0][0],
                                                &mha_shape, 1, 0.5), 0);
    assert_memory_equal(gqa, mha, sizeof gqa);
    tfb_attention_shape bad = {B, 3, 2, NQ, NKV, D};
    assert_int_equal(tfb_reference_attention_mh(qf, kf, vf, &gqa[0][0][0][0], &bad, 0, 0.5), -1);
}

/* The blocked reference of the checks equals the one-query-at-a-time reference, causal or not, with n_kv > n_q
 * (queries at the end of the sequence) and a last block shorter than TFB_REFERENCE_BLOCK_ROWS. */
static void blocked_rows_match_one_at_a_time(void **state)
{
    enum { NQ = 150, NKV = 170, D = 24 };
    static double q[NQ * D], k[NKV * D], v[NKV * D], want[NQ * D], got[TFB_REFERENCE_BLOCK_ROWS * D];
    static double scores[TFB_REFERENCE_BLOCK_ROWS * NKV];
    for (size_t i = 0; i < NQ * D; i++) q[i] = sin(0.37 * (double)i);
    for (size_t i = 0; i < NKV * D; i++) k[i] = cos(0.11 * (double)i), v[i] = sin(0.05 * (double)i + 1.0);
    for (int causal = 0; causal <= 1; causal++) {
        tfb_reference_attention(q, k, v, want, NQ, NKV, D, causal, 0.3);
        for (size_t first = 0; first < NQ; first += TFB_REFERENCE_BLOCK_ROWS) {
            size_t rows = NQ - first < TFB_REFERENCE_BLOCK_ROWS ? NQ - first : TFB_REFERENCE_BLOCK_ROWS;
            tfb_reference_attention_rows(q + first * D, k, v, got, scores, first, rows, NQ, NKV, D, causal, 0.3);
            for (size_t i = 0; i < rows * D; i++)
                if (fabs(got[i] - want[first * D + i]) > 1e-12 * (1.0 + fabs(want[first * D + i])))
                    fail_msg("causal %d, row %zu: %.15g vs %.15g", causal, first + i / D, got[i], want[first * D + i]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lecture_worked_example), cmocka_unit_test(lecture_softmax_weights),
        cmocka_unit_test(causal_and_uniform),     cmocka_unit_test(large_scores_are_stable),
        cmocka_unit_test(gqa_matches_repeated_mha),  cmocka_unit_test(blocked_rows_match_one_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
