/* The analytical model against every figure the lecture prints (with its MHA simplification) and against the
 * published parameter counts of the real GQA / MoE models. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/datasheet.h"
#include "tfbench/model.h"

static const char *const LECTURE_MODELS[] = {"Llama 2 7B", "Llama 2 13B", "Llama 2 70B", "Llama 3 405B"};

/* The lecture prints rounded figures; comparing the same formatting is exact and free of tolerance guesses. */
static void assert_prints(double value, const char *format, const char *expected)
{
    char text[64];
    snprintf(text, sizeof text, format, value);
    if (strcmp(text, expected) != 0) fail_msg("%s printed as %s, lecture says %s", format, text, expected);
}

static const tfb_model_config *builtin(const char *name)
{
    const tfb_model_config *c = tfb_model_builtin(name);
    assert_non_null(c);
    return c;
}

static void lecture_parameter_table(void **state)
{
    static const char *const expected[4][6] = {
        {"6.7", "31.9", "64.2", "3.9", "13.5", "6.7"},
        {"13.0", "32.2", "65.3", "2.5", "26.0", "13.0"},
        {"78.4", "27.4", "71.9", "0.7", "156.7", "78.4"},
        {"469.3", "28.8", "70.3", "0.9", "938.5", "469.3"},
    };
    for (int m = 0; m < 4; m++) {
        const tfb_model_config *c = builtin(LECTURE_MODELS[m]);
        tfb_model_params p;
        tfb_model_count_params(c, TFB_MODEL_LECTURE, &p);
        double total = (double)p.total, attn = 100.0 * (double)p.attention / total;
        double ffn = 100.0 * (double)p.ffn / total;
        assert_prints(total / 1e9, "%.1f", expected[m][0]);
        assert_prints(attn, "%.1f", expected[m][1]);
        assert_prints(ffn, "%.1f", expected[m][2]);
        assert_prints(100.0 - attn - ffn, "%.1f", expected[m][3]);
        assert_prints((double)tfb_model_bytes(p.total, TFB_MODEL_FP16) / 1e9, "%.1f", expected[m][4]);
        assert_prints((double)tfb_model_bytes(p.total, TFB_MODEL_INT8) / 1e9, "%.1f", expected[m][5]);
    }
}

/* The lecture's per-layer shapes of Llama 2 7B: 16.8M per attention matrix, 45.1M per FFN matrix, ~202M per layer. */
static void lecture_llama2_7b_layer(void **state)
{
    const tfb_model_config *c = builtin("llama2-7b");
    tfb_model_params p;
    tfb_model_count_params(c, TFB_MODEL_LECTURE, &p);
    assert_int_equal(p.attention / 32, 4ull * 4096 * 4096);
    assert_int_equal(p.attention / 32, 67108864ull);
    assert_int_equal(p.ffn / 32, 135266304ull);
    assert_int_equal(p.expert, 3ull * 4096 * 11008);
    assert_int_equal((p.attention + p.ffn + p.norms - 4096) / 32, 202383360ull);
}

static void lecture_flops_table(void **state)
{
    static const uint64_t seqs[4] = {512, 2048, 8192, 32768};
    static const char *const tflops[4][4] = {
        {"0.01", "0.01", "0.02", "0.03"}, {"0.03", "0.03", "0.03", "0.05"},
        {"0.16", "0.16", "0.18", "0.24"}, {"0.93", "0.95", "1.00", "1.20"},
    };
    static const char *const attn_pct[4][4] = {
        {"34.5", "38.3", "49.8", "71.3"}, {"34.1", "37.2", "47.1", "67.5"},
        {"28.2", "30.0", "36.4", "53.3"}, {"29.4", "30.4", "33.9", "45.1"},
    };
    for (int m = 0; m < 4; m++)
        for (int s = 0; s < 4; s++) {
            tfb_model_flops f;
            tfb_model_count_flops(builtin(LECTURE_MODELS[m]), TFB_MODEL_LECTURE, seqs[s], &f);
            assert_int_equal(f.head, 0);
            assert_int_equal(f.total, f.attention + f.ffn);
            assert_prints((double)f.total / 1e12, "%.2f", tflops[m][s]);
            assert_prints(100.0 * tfb_model_attention_fraction(&f), "%.1f", attn_pct[m][s]);
        }
}

/* L * (8 d^2 + 4 n d + 6 d d_ff), the lecture's closed form, for Llama 2 7B at 2,048. */
static void lecture_flops_closed_form(void **state)
{
    tfb_model_flops f;
    uint64_t d = 4096, n = 2048, dff = 11008;
    tfb_model_count_flops(builtin("llama2-7b"), TFB_MODEL_LECTURE, n, &f);
    assert_int_equal(f.total, 32 * (8 * d * d + 4 * n * d + 6 * d * dff));
    assert_int_equal(f.attention_scores, 32 * 4 * n * d);
}

static void lecture_kv_cache_table(void **state)
{
    static const char *const names[3] = {"Llama 2 7B", "Llama 2 70B", "Llama 3 405B"};
    static const uint64_t seqs[4] = {2048, 8192, 32768, 131072};
    static const char *const gb[3][4] = {
        {"1.1", "4.3", "17.2", "68.7"}, {"5.4", "21.5", "85.9", "343.6"}, {"16.9", "67.6", "270.6", "1082.3"},
    };
    for (int m = 0; m < 3; m++)
        for (int s = 0; s < 4; s++) {
            uint64_t bytes = tfb_model_kv_cache_bytes(builtin(names[m]), TFB_MODEL_LECTURE, seqs[s], 1, TFB_MODEL_FP16);
            assert_prints((double)bytes / 1e9, "%.1f", gb[m][s]);
        }
    assert_int_equal(tfb_model_kv_cache_bytes(builtin("llama2-7b"), TFB_MODEL_LECTURE, 2048, 1, TFB_MODEL_FP16),
                     1073741824ull);
}

/* Exact: (6 d d_ff - 8 d^2) / (4 d) = 8,320 for Llama 2 7B; the lecture's 50-point log grid lands on 7,906. */
static void lecture_crossover(void **state)
{
    const tfb_model_config *c = builtin("llama2-7b");
    assert_true(tfb_model_crossover_context(c, TFB_MODEL_LECTURE) == 8320.0);
    assert_true(tfb_model_crossover_context(c, TFB_MODEL_EXACT) == 8320.0);  /* MHA: the two agree */
    double grid = tfb_model_crossover_on_grid(c, TFB_MODEL_LECTURE, 2.0, 5.0, 50);
    assert_int_equal((int)grid, 7906);
    tfb_model_flops at;
    tfb_model_count_flops(c, TFB_MODEL_LECTURE, 8320, &at);
    assert_int_equal(at.attention, at.ffn);
}

static tfb_model_device h100(void)
{
    tfb_model_device d = {"H100", 3350.0, 990000.0, 80e9};
    return d;
}

static void lecture_ridge_and_batch(void **state)
{
    tfb_model_device dev = h100();
    tfb_model_decode d;
    tfb_model_analyze_decode(builtin("llama2-7b"), TFB_MODEL_LECTURE, 2048, 1, TFB_MODEL_FP16, &dev, &d);
    assert_prints(d.ridge_point, "%.0f", "296");
    assert_true(d.arithmetic_intensity == 2.0);
    assert_int_equal(d.ridge_batch, 148);
    assert_prints(2.0 * dev.bandwidth_gbps / 1000.0, "%.1f", "6.7");  /* batch-1 TFLOP/s on the roofline */
}

/* 3350 / 140 ~ 24 tokens/s: the lecture's nominal 140 GB, and our exact 69.0B-parameter Llama 2 70B. */
static void lecture_tokens_per_second(void **state)
{
    assert_prints(tfb_model_tokens_per_second(140e9, 3350.0), "%.0f", "24");
    tfb_model_device dev = h100();
    tfb_model_decode d;
    tfb_model_analyze_decode(builtin("llama2-70b"), TFB_MODEL_EXACT, 2048, 1, TFB_MODEL_FP16, &dev, &d);
    assert_prints(d.tokens_per_second, "%.0f", "24");
    tfb_model_analyze_decode(builtin("llama2-70b"), TFB_MODEL_EXACT, 2048, 8, TFB_MODEL_FP16, &dev, &d);
    assert_true(fabs(d.tokens_per_second_aggregate - 8.0 * d.tokens_per_second) < 1e-9);
    assert_int_equal(d.max_batch_in_memory, 0);  /* 138 GB of weights do not fit 80 GB */
}

/* Published parameter counts (Hugging Face checkpoints) of the real GQA / MoE layouts. */
static void exact_published_counts(void **state)
{
    static const struct { const char *name; uint64_t total; } known[] = {
        {"llama2-7b", 6738415616ull}, {"llama2-13b", 13015864320ull}, {"llama2-70b", 68976648192ull},
        {"llama3-405b", 405853388800ull}, {"mixtral-8x7b", 46702792704ull},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        tfb_model_params p;
        tfb_model_count_params(builtin(known[i].name), TFB_MODEL_EXACT, &p);
        assert_int_equal(p.total, known[i].total);
    }
}

static void exact_gqa_llama2_70b(void **state)
{
    const tfb_model_config *c = builtin("Llama 2 70B");
    tfb_model_params p;
    tfb_model_count_params(c, TFB_MODEL_EXACT, &p);
    assert_int_equal(p.attention, 80ull * (2 * 8192 * 8192 + 2 * 8192 * 1024));
    assert_int_equal(p.active, p.total);
    assert_prints((double)p.total / 1e9, "%.1f", "69.0");
    uint64_t kv = tfb_model_kv_cache_bytes(c, TFB_MODEL_EXACT, 2048, 1, TFB_MODEL_FP16);
    assert_int_equal(kv, 80ull * 2 * 8 * 128 * 2048 * 2);
    assert_int_equal(tfb_model_kv_cache_bytes(c, TFB_MODEL_LECTURE, 2048, 1, TFB_MODEL_FP16), 8 * kv);
    tfb_model_flops f;
    tfb_model_count_flops(c, TFB_MODEL_EXACT, 4096, &f);
    assert_int_equal(f.attention_projections, 2 * p.attention);
    assert_int_equal(f.attention_scores, 80ull * 4 * 4096 * 8192);  /* GQA shares K/V, not the score FLOPs */
    assert_int_equal(f.head, 2ull * 8192 * 32000);
}

static void exact_moe_active(void **state)
{
    const tfb_model_config *c = builtin("mixtral-8x7b");
    tfb_model_params p;
    tfb_model_flops f;
    tfb_model_count_params(c, TFB_MODEL_EXACT, &p);
    assert_int_equal(p.expert, 3ull * 4096 * 14336);
    assert_int_equal(p.active, 46702792704ull - 32ull * 6 * p.expert);
    assert_int_equal(p.active, 12879925248ull);
    tfb_model_count_flops(c, TFB_MODEL_EXACT, 1, &f);
    assert_int_equal(f.ffn, 32ull * 2 * (2 * p.expert + 4096 * 8));  /* two experts and the router */
}

static void exact_tied_embeddings(void **state)
{
    tfb_model_params exact, lecture;
    tfb_model_count_params(builtin("gpt3-175b"), TFB_MODEL_EXACT, &exact);
    tfb_model_count_params(builtin("gpt3-175b"), TFB_MODEL_LECTURE, &lecture);
    assert_int_equal(exact.output_head, 0);
    assert_int_equal(lecture.output_head, 50257ull * 12288);
    /* GELU: up and down only, each with its bias */
    assert_int_equal(exact.ffn, 96ull * (2 * 12288 * 49152 + 49152 + 12288));
    assert_int_equal(exact.attention, 96ull * (4 * 12288 * 12288 + 4 * 12288));
    assert_int_equal(exact.norms, (2 * 96 + 1) * 2 * 12288ull);  /* LayerNorm: gain and bias */
    assert_int_equal(exact.positions, 2048ull * 12288);
    /* the matrices alone were 174,566,105,088 (one gain per norm); biases, LayerNorm biases and positions add */
    assert_int_equal(exact.total, 174566105088ull + 96ull * (4 * 12288 + 49152 + 12288) + 193ull * 12288 +
                                      2048ull * 12288);
    assert_int_equal(exact.total, 174604259328ull);
}

/* GPT-2 XL as its published checkpoint counts it (wte, wpe, 48 blocks of c_attn, c_proj, c_fc, c_proj with
 * biases and two LayerNorms, ln_f): 1,557,611,200. */
static void exact_gpt2_xl(void **state)
{
    tfb_model_params p;
    const tfb_model_config *c = builtin("gpt2-xl");
    tfb_model_count_params(c, TFB_MODEL_EXACT, &p);
    assert_int_equal(p.attention, 48ull * (1600 * 4800 + 4800 + 1600 * 1600 + 1600));
    assert_int_equal(p.ffn, 48ull * (1600 * 6400 + 6400 + 6400 * 1600 + 1600));
    assert_int_equal(p.norms, 97ull * 3200);
    assert_int_equal(p.positions, 1024ull * 1600);
    assert_int_equal(p.output_head, 0);
    assert_int_equal(p.total, 1557611200ull);
    assert_int_equal(p.active, p.total);
    assert_int_equal(c->gelu, TFB_GELU_TANH);
    assert_int_equal(c->post_norm, 0);
}

/* One GPT-2 XL layer as the layer suite accounts it: every weight once, the biases and both LayerNorms' gains and
 * biases included (30,740,800: the checkpoint's per-block count), FLOPs of the products alone. */
static void exact_gpt2_xl_layer(void **state)
{
    tfb_model_layer layer;
    tfb_model_layer_decode(builtin("gpt2-xl"), TFB_MODEL_EXACT, 1024, 1, TFB_MODEL_FP16, TFB_MODEL_FP32, &layer);
    assert_int_equal(layer.weight_elements, 30740800ull);
    assert_int_equal(layer.weight_bytes, 2 * 30740800ull);
    assert_int_equal(layer.flops_projections, 2ull * 4 * 1600 * 1600);
    assert_int_equal(layer.flops_ffn, 2ull * 2 * 1600 * 6400);
    assert_int_equal(layer.kv_read_bytes, 4ull * 2 * 1600 * 1024);
}

/* BERT-base: 108,891,648 in the encoder and embeddings of the published checkpoint, less its token-type table
 * (2 x 768), which the model does not count; the embedding LayerNorm takes the place of the final norm. */
static void exact_bert_base(void **state)
{
    tfb_model_params p;
    const tfb_model_config *c = builtin("bert-base");
    tfb_model_count_params(c, TFB_MODEL_EXACT, &p);
    assert_int_equal(p.total, 108891648ull - 2 * 768);
    assert_int_equal(p.norms, 25ull * 2 * 768);
    assert_int_equal(c->gelu, TFB_GELU_ERF);
    assert_int_equal(c->post_norm, 1);
}

/* E (1 - (1 - k/E)^B): k at B = 1, 8 (1 - (3/4)^B) for Mixtral, and the bytes that follow. */
static void moe_expected_experts(void **state)
{
    const tfb_model_config *c = builtin("mixtral-8x7b");
    assert_true(tfb_model_expected_experts(c, 1) == 2.0);
    assert_true(fabs(tfb_model_expected_experts(c, 2) - 8.0 * (1.0 - 0.5625)) < 1e-12);
    assert_true(fabs(tfb_model_expected_experts(c, 32) - 8.0 * (1.0 - pow(0.75, 32))) < 1e-12);
    assert_true(tfb_model_expected_experts(builtin("llama2-7b"), 32) == 1.0);
    uint64_t total, active;
    tfb_model_moe_memory(c, TFB_MODEL_FP16, &total, &active);
    assert_int_equal(total, 2 * 46702792704ull);
    assert_int_equal(active, 2 * 12879925248ull);
    assert_prints((double)total / 1e9 / 2, "%.1f", "46.7");
    assert_prints((double)active / 1e9 / 2, "%.1f", "12.9");
    tfb_model_moe_point one, two;
    tfb_model_decode d;
    tfb_model_device dev = h100();
    tfb_model_moe_point_at(c, 2048, 1, TFB_MODEL_FP16, TFB_MODEL_FP16, 3350.0, &one);
    tfb_model_analyze_decode(c, TFB_MODEL_EXACT, 2048, 1, TFB_MODEL_FP16, &dev, &d);
    assert_true(one.step_bytes == (double)(d.weight_bytes_per_step + d.kv_cache_bytes));  /* B = 1: exact */
    uint64_t expert_bytes = 2ull * 3 * 4096 * 14336;
    uint64_t layer = 2ull * (2 * 4096 * 4096 + 2 * 4096 * 1024 + 4096 * 8 + 2 * 4096) + 2 * expert_bytes;
    assert_true(one.layer_bytes == (double)layer);
    tfb_model_moe_point_at(c, 2048, 2, TFB_MODEL_FP16, TFB_MODEL_FP16, 3350.0, &two);
    /* B = 2: 3.5 experts expected where the worst case counts 4 */
    assert_true(fabs(two.layer_bytes - ((double)layer + 1.5 * (double)expert_bytes)) < 1.0);
    assert_true(fabs(two.tokens_per_second - 2 * 3350e9 / two.step_bytes) < 1e-6);
}

/* Decode step of Llama 2 7B, batch 1, fp16, context 2048, counted by hand. */
static void exact_decode_llama2_7b(void **state)
{
    tfb_model_device dev = h100();
    tfb_model_decode d;
    tfb_model_analyze_decode(builtin("llama2-7b"), TFB_MODEL_EXACT, 2048, 1, TFB_MODEL_FP16, &dev, &d);
    uint64_t read = 2 * (6738415616ull - 131072000ull + 4096);  /* untied table: one embedding row read */
    uint64_t kv = 1073741824ull;
    uint64_t flops = 32ull * (8 * 4096ull * 4096 + 4 * 2048ull * 4096 + 6 * 4096ull * 11008) + 2 * 4096ull * 32000;
    assert_int_equal(d.weight_bytes, 2 * 6738415616ull);
    assert_int_equal(d.weight_bytes_per_step, read);
    assert_int_equal(d.kv_cache_bytes, kv);
    assert_int_equal(d.flops_per_step, flops);
    assert_true(fabs(d.arithmetic_intensity - (double)flops / (double)(read + kv)) < 1e-12);
    assert_true(fabs(d.tokens_per_second - 3350e9 / (double)(read + kv)) < 1e-9);
    assert_int_equal(d.max_batch_in_memory, (uint64_t)((80e9 - 2 * 6738415616.0) / (double)kv));
    assert_int_equal(d.max_batch_in_memory, 61);
    assert_int_equal(d.ridge_batch, 0);  /* MHA KV reads cap the intensity near 14 FLOP/byte */
    /* Weights alone: 14.29 GFLOP per sequence over 13.21 GB is 1.081 FLOP/byte per sequence; 295.5 / 1.081 = 273.3. */
    assert_int_equal(d.ridge_batch_weights_only, 274);
    assert_true(fabs(d.ridge_point / ((double)flops / (double)read) - 273.3) < 0.05);
}

static void dtype_sizes(void **state)
{
    tfb_model_dtype t;
    assert_int_equal(tfb_model_dtype_parse("bf16", &t), 0);
    assert_int_equal(t, TFB_MODEL_FP16);
    assert_int_equal(tfb_model_dtype_parse("fp8", &t), -1);
    assert_int_equal(tfb_model_bytes(3, TFB_MODEL_INT4), 2);
    assert_int_equal(tfb_model_bytes(3, TFB_MODEL_FP32), 12);
    assert_int_equal(tfb_model_bytes(UINT64_MAX / 4, TFB_MODEL_FP32), UINT64_MAX / 4 * 4);
}

/* The block formats of docs/quantization.md: scales counted, norms fp32 beside them, KV q8_0 along d_head. */
static void block_format_sizes(void **state)
{
    tfb_model_dtype t;
    assert_int_equal(tfb_model_dtype_parse("int4-g128", &t), 0);
    assert_int_equal(t, TFB_MODEL_INT4_G128);
    assert_true(tfb_model_dtype_bits_per_value(TFB_MODEL_Q8_0) == 8.5);
    assert_true(tfb_model_dtype_bits_per_value(TFB_MODEL_Q4_0) == 4.5);
    assert_true(tfb_model_dtype_bits_per_value(TFB_MODEL_INT4_G128) == 4.125);
    assert_true(tfb_model_dtype_bits_per_value(TFB_MODEL_FP16) == 16.0);
    assert_int_equal(tfb_model_bytes(64, TFB_MODEL_Q8_0), 68);
    assert_int_equal(tfb_model_bytes(33, TFB_MODEL_Q4_0), 36);  /* a partial block is a whole block */
    assert_int_equal(tfb_model_bytes(256, TFB_MODEL_INT4_G128), 132);
    assert_int_equal(tfb_model_weight_bytes(256, 10, TFB_MODEL_INT4_G128), 132 + 40);
    assert_int_equal(tfb_model_weight_bytes(256, 10, TFB_MODEL_FP16), 532);
}

/* Llama 2 7B, one decode step at batch 1, context 2048, by hand: every layer's matrices 4 x 4096^2 + 3 x 4096 x
 * 11008 = 202,375,168 (x 32 = 6,476,005,376), the head 32000 x 4096 = 131,072,000, one embedding row 4096: 6,607,081,472
 * matrix weights = 206,471,296 blocks of 32 (51,617,824 of 128); norms (2 x 32 + 1) x 4096 = 266,240 in fp32 =
 * 1,064,960 bytes; the KV cache read 32 x 2 x 32 x 128 x 2048 = 536,870,912 values. */
static void exact_decode_quantized(void **state)
{
    static const struct {
        tfb_model_dtype weights, kv;
        uint64_t weight_bytes_per_step, bytes_per_step;
    } CASES[] = {
        {TFB_MODEL_Q4_0, TFB_MODEL_FP16, 206471296ull * 18 + 1064960, 206471296ull * 18 + 1064960 + 536870912ull * 2},
        {TFB_MODEL_Q8_0, TFB_MODEL_Q8_0, 206471296ull * 34 + 1064960,
         206471296ull * 34 + 1064960 + 536870912ull / 32 * 34},
        {TFB_MODEL_INT4_G128, TFB_MODEL_FP32, 51617824ull * 66 + 1064960,
         51617824ull * 66 + 1064960 + 536870912ull * 4},
    };
    const tfb_model_config *c = tfb_model_builtin("llama2-7b");
    tfb_model_device h100 = {"H100 SXM", 3350.0, 989000.0, 80e9};
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        tfb_model_decode d;
        tfb_model_analyze_decode_kv(c, TFB_MODEL_EXACT, 2048, 1, CASES[i].weights, CASES[i].kv, &h100, &d);
        assert_int_equal(d.weight_bytes_per_step, CASES[i].weight_bytes_per_step);
        assert_int_equal(d.bytes_per_step, CASES[i].bytes_per_step);
        assert_true(fabs(d.tokens_per_second - 3350e9 / (double)CASES[i].bytes_per_step) < 1e-9 * d.tokens_per_second);
    }
    /* all weights stored: 6,738,415,616 parameters, 266,240 of them norm gains */
    tfb_model_decode d;
    tfb_model_analyze_decode_kv(c, TFB_MODEL_EXACT, 2048, 1, TFB_MODEL_Q4_0, TFB_MODEL_FP16, &h100, &d);
    assert_int_equal(d.weight_bytes, (6738415616ull - 266240) / 32 * 18 + 266240 * 4);
    /* the layer's own accounting (the layer suite's) agrees: one layer's matrices and its two norms */
    tfb_model_layer layer;
    tfb_model_layer_decode(c, TFB_MODEL_EXACT, 2048, 1, TFB_MODEL_Q4_0, TFB_MODEL_Q8_0, &layer);
    assert_int_equal(layer.weight_bytes, 202375168ull / 32 * 18 + 2 * 4096 * 4);
    assert_int_equal(layer.kv_read_bytes, 2ull * 32 * 128 * 2048 / 32 * 34);
    /* GPT-2 XL: LayerNorms (gain and bias) and every projection's bias stay fp32, 20,800 of the layer's 30,740,800:
     * 2 x 3200 norm values + Q, K, V, O biases 4 x 1600 + up 6400 + down 1600 */
    tfb_model_layer_decode(tfb_model_builtin("gpt2-xl"), TFB_MODEL_EXACT, 1024, 1, TFB_MODEL_Q8_0, TFB_MODEL_FP32,
                           &layer);
    assert_int_equal(layer.vector_elements, 20800);
    assert_int_equal(layer.weight_bytes, (30740800ull - 20800) / 32 * 34 + 20800 * 4);
}

static void block_format_refusals(void **state)
{
    tfb_model_config c = *tfb_model_builtin("llama2-7b");
    tfb_error err;
    assert_int_equal(tfb_model_check_dtypes(&c, TFB_MODEL_INT4_G128, TFB_MODEL_Q8_0, &err), TFB_OK);
    assert_int_equal(tfb_model_check_dtypes(&c, TFB_MODEL_Q4_0, TFB_MODEL_Q4_0, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "KV cache takes"));
    c.d_ff = 11008 + 64;  /* 32-blocks still fit, 128-blocks do not */
    assert_int_equal(tfb_model_check_dtypes(&c, TFB_MODEL_Q4_0, TFB_MODEL_FP16, &err), TFB_OK);
    assert_int_equal(tfb_model_check_dtypes(&c, TFB_MODEL_INT4_G128, TFB_MODEL_FP16, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "multiples of 128"));
    c.n_heads = 64;  /* d_head 64: q8_0 fits; 4096 / 128 = 32 would too, so make it 48 */
    c.d_model = 48 * 64;
    c.d_ff = 8192;
    assert_int_equal(tfb_model_check_dtypes(&c, TFB_MODEL_FP16, TFB_MODEL_Q8_0, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "d_head a multiple of 32"));
}

static void builtin_names(void **state)
{
    size_t count;
    tfb_model_builtins(&count);
    assert_true(count >= 6);
    assert_ptr_equal(tfb_model_builtin("llama2-7b"), tfb_model_builtin("Llama 2 7B"));
    assert_ptr_equal(tfb_model_builtin("LLAMA-2-7B"), tfb_model_builtin("llama_2_7b"));
    assert_string_equal(tfb_model_builtin_id(tfb_model_builtin("GPT-3 175B")), "gpt3-175b");
    assert_non_null(tfb_model_builtin("bert-base"));
    assert_null(tfb_model_builtin("llama2-8b"));
    assert_null(tfb_model_builtin(""));
    /* a name past the comparison buffer is no name, whatever its first 79 characters; dropped characters are free */
    char name[200];
    snprintf(name, sizeof name, "llama2-7b%0150d", 0);
    assert_null(tfb_model_builtin(name));
    snprintf(name, sizeof name, "llama2-7b%150s", "");
    assert_ptr_equal(tfb_model_builtin(name), tfb_model_builtin("llama2-7b"));
}

static const char MQA_CONFIG[] =
    "{\"name\": \"tiny-mqa\", \"d_model\": 64, \"n_layers\": 2, \"n_heads\": 8, \"n_kv_heads\": 1, \"d_ff\": 256,"
    " \"vocab_size\": 100, \"ffn\": \"gelu\", \"tied_embeddings\": true}";

static void json_config_mqa(void **state)
{
    tfb_model_config c;
    tfb_error err;
    tfb_model_params p;
    assert_int_equal(tfb_model_parse_json(MQA_CONFIG, &c, &err), 0);
    assert_string_equal(c.name, "tiny-mqa");
    assert_int_equal(c.n_experts, 1);
    assert_int_equal(c.experts_per_token, 1);
    tfb_model_count_params(&c, TFB_MODEL_EXACT, &p);
    assert_int_equal(p.attention, 2 * (2 * 64 * 64 + 2 * 64 * 8));  /* one KV head of width 8 */
    assert_int_equal(p.ffn, 2 * 2 * 64 * 256);
    assert_int_equal(p.total, 100 * 64 + p.attention + p.ffn + 5 * 64);
    assert_int_equal(tfb_model_kv_cache_bytes(&c, TFB_MODEL_EXACT, 10, 3, TFB_MODEL_FP32), 2 * 2 * 8 * 10 * 3 * 4);
}

static void json_default_kv_heads(void **state)
{
    tfb_model_config c;
    tfb_error err;
    const char *text = "{\"name\": \"x\", \"d_model\": 8, \"n_layers\": 1, \"n_heads\": 2, \"d_ff\": 16,"
                       " \"vocab_size\": 4, \"ffn\": \"swiglu\", \"tied_embeddings\": false,"
                       " \"n_experts\": 4, \"experts_per_token\": 2}";
    assert_int_equal(tfb_model_parse_json(text, &c, &err), 0);
    assert_int_equal(c.n_kv_heads, 2);
    assert_int_equal(c.n_experts, 4);
}

static void expect_rejected(const char *text, const char *needle)
{
    tfb_model_config c;
    tfb_error err = {{0}};
    assert_int_equal(tfb_model_parse_json(text, &c, &err), -1);
    if (!strstr(err.message, needle)) fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
}

static void json_classic_keys(void **state)
{
    tfb_model_config c;
    tfb_error err;
    tfb_model_params p;
    const char *text = "{\"name\": \"tiny-gpt\", \"d_model\": 8, \"n_layers\": 2, \"n_heads\": 2, \"d_ff\": 32,"
                       " \"vocab_size\": 10, \"ffn\": \"gelu\", \"tied_embeddings\": true, \"norm\": \"layernorm\","
                       " \"bias\": true, \"positions\": \"learned\", \"max_positions\": 16, \"gelu\": \"erf\","
                       " \"norm_placement\": \"post\"}";
    assert_int_equal(tfb_model_parse_json(text, &c, &err), 0);
    assert_int_equal(c.norm, TFB_NORM_LAYER);
    assert_int_equal(c.bias, 1);
    assert_int_equal(c.positions, TFB_POSITIONS_LEARNED);
    assert_int_equal(c.max_positions, 16);
    assert_int_equal(c.gelu, TFB_GELU_ERF);
    assert_int_equal(c.post_norm, 1);
    tfb_model_count_params(&c, TFB_MODEL_EXACT, &p);
    assert_int_equal(p.attention, 2 * (4 * 8 * 8 + 4 * 8));
    assert_int_equal(p.ffn, 2 * (2 * 8 * 32 + 32 + 8));
    assert_int_equal(p.norms, 5 * 2 * 8);
    assert_int_equal(p.total, 10 * 8 + 16 * 8 + p.attention + p.ffn + p.norms);
}

static void json_bad_configs(void **state)
{
#define BASE "\"name\": \"x\", \"n_layers\": 2, \"d_ff\": 16, \"vocab_size\": 4, \"ffn\": \"gelu\", " \
             "\"tied_embeddings\": false"
    expect_rejected("{" BASE ", \"n_heads\": 2}", "\"d_model\" is missing");
    expect_rejected("{" BASE ", \"d_model\": \"8\", \"n_heads\": 2}", "\"d_model\" must be a positive integer, not a string");
    expect_rejected("{" BASE ", \"d_model\": 0, \"n_heads\": 2}", "\"d_model\"");
    expect_rejected("{" BASE ", \"d_model\": -8, \"n_heads\": 2}", "\"d_model\"");
    expect_rejected("{" BASE ", \"d_model\": 8.5, \"n_heads\": 2}", "\"d_model\"");
    expect_rejected("{" BASE ", \"d_model\": 8, \"n_heads\": 3}", "\"n_heads\" (3) must divide d_model (8)");
    expect_rejected("{" BASE ", \"d_model\": 8, \"n_heads\": 4, \"n_kv_heads\": 3}", "\"n_kv_heads\" (3) must divide");
    expect_rejected("{" BASE ", \"d_model\": 8, \"n_heads\": 4, \"n_experts\": 2, \"experts_per_token\": 3}",
                    "\"experts_per_token\"");
    expect_rejected("{" BASE ", \"d_model\": 8, \"n_heads\": 4, \"n_kv_head\": 2}", "unknown config key \"n_kv_head\"");
    expect_rejected("{\"name\": \"x\", \"ffn\": \"relu\"}", "\"ffn\" must be \"swiglu\" or \"gelu\"");
    expect_rejected("{\"name\": \"x\", \"d_model\": 8}", "is missing");
    expect_rejected("{\"name\": \"x\", \"d_model\": 8, \"n_layers\": 2, \"n_heads\": 2, \"d_ff\": 16, \"vocab_size\": 4, \"ffn\": "
                    "\"gelu\", \"tied_embeddings\": 1}", "\"tied_embeddings\" must be true or false");
    expect_rejected("{" BASE ", \"d_model\": 1e15, \"n_heads\": 1}", "too large");
    expect_rejected("{" BASE ", \"d_model\": 8, \"n_heads\": 2, \"norm\": \"batchnorm\"}",
                    "\"norm\" must be \"rmsnorm\" or \"layernorm\"");
    expect_rejected("{" BASE ", \"d_model\": 8, \"n_heads\": 2, \"bias\": 1}", "\"bias\" must be true or false");
    expect_rejected("{" BASE ", \"d_model\": 8, \"n_heads\": 2, \"positions\": \"learned\"}",
                    "\"max_positions\" is missing");
    expect_rejected("{" BASE ", \"d_model\": 8, \"n_heads\": 2, \"max_positions\": 4}", "needs \"positions\"");
    expect_rejected("{" BASE ", \"d_model\": 8, \"n_heads\": 2, \"gelu\": \"fast\"}", "\"gelu\" must be");
    expect_rejected("d_model = 8", "not valid JSON");
    expect_rejected("[1, 2]", "must be a JSON object");
    /* a name cut to the config's 63 bytes would label another model */
    expect_rejected("{\"name\": \"0123456789012345678901234567890123456789012345678901234567890123\", \"d_model\": 8, "
                    "\"n_layers\": 2, \"n_heads\": 2, \"d_ff\": 16, \"vocab_size\": 4, \"ffn\": \"gelu\"}",
                    "config key \"name\" is longer than 63 bytes");
#undef BASE
}

static void workload_limits(void **state)
{
    tfb_error err;
    const tfb_model_config *c = builtin("llama3-405b");
    assert_int_equal(tfb_model_check_workload(c, 131072, 64, &err), 0);
    assert_int_equal(tfb_model_check_workload(c, 1ull << 40, 1ull << 20, &err), -1);
    assert_non_null(strstr(err.message, "too large"));
}

/* The memory wall, fp16 weights and cache, 90% of the datasheet's memory usable (1 GB = 1e9 bytes):
 *   Llama 2 7B: 6,738,415,616 parameters x 2 = 13,476,831,232 bytes of weights;
 *     KV per sequence = 32 layers x 2 (K, V) x 4096 (32 KV heads x 128) x n x 2 bytes = 524,288 x n:
 *     n 2048: 1,073,741,824; n 32768: 17,179,869,184.
 *     A100 / H100 80 GB: usable 72,000,000,000; room 58,523,168,768 -> n 2048: 54.50 -> 54; n 32768: 3.41 -> 3.
 *     H200 141 GB: usable 126,900,000,000; room 113,423,168,768 -> n 2048: 105.63 -> 105; n 32768: 6.60 -> 6.
 *   Llama 2 70B: 68,976,648,192 parameters x 2 = 137,953,296,384 bytes, more than even the H200's 126.9 GB usable:
 *     no batch on any of the three (KV per sequence 80 x 2 x 1024 (8 KV heads x 128) x n x 2 = 327,680 x n). */
static void serving_memory_wall(void **state)
{
    static const struct {
        const char *model, *device;
        uint64_t seq, max_batch;
    } cases[] = {
        {"llama2-7b", "A100", 2048, 54},          {"llama2-7b", "A100", 32768, 3},
        {"llama2-7b", "H100 SXM", 2048, 54},      {"llama2-7b", "H100 SXM", 32768, 3},
        {"llama2-7b", "H200", 2048, 105},         {"llama2-7b", "H200", 32768, 6},
        {"llama2-70b", "A100", 2048, 0},          {"llama2-70b", "A100", 32768, 0},
        {"llama2-70b", "H100 SXM", 2048, 0},      {"llama2-70b", "H100 SXM", 32768, 0},
        {"llama2-70b", "H200", 2048, 0},          {"llama2-70b", "H200", 32768, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const tfb_datasheet *sheet = tfb_datasheet_find(cases[i].device);
        assert_non_null(sheet);
        tfb_model_wall w;
        tfb_model_memory_wall(builtin(cases[i].model), cases[i].seq, TFB_MODEL_FP16, TFB_MODEL_FP16,
                              sheet->memory_gb * 1e9, &w);
        if (w.max_batch != cases[i].max_batch)
            fail_msg("%s on %s at n %llu: batch %llu, expected %llu", cases[i].model, cases[i].device,
                     (unsigned long long)cases[i].seq, (unsigned long long)w.max_batch,
                     (unsigned long long)cases[i].max_batch);
    }
    tfb_model_wall w;
    tfb_model_memory_wall(builtin("llama2-7b"), 2048, TFB_MODEL_FP16, TFB_MODEL_FP16, 80e9, &w);
    assert_int_equal(w.weight_bytes, 13476831232ull);
    assert_int_equal(w.kv_bytes_per_sequence, 1073741824ull);
    assert_true(w.usable_bytes == 72e9 && w.weights_fit);
    tfb_model_memory_wall(builtin("llama2-70b"), 32768, TFB_MODEL_FP16, TFB_MODEL_FP16, 141e9, &w);
    assert_int_equal(w.weight_bytes, 137953296384ull);
    assert_int_equal(w.kv_bytes_per_sequence, 10737418240ull);
    assert_false(w.weights_fit);
    tfb_model_memory_wall(builtin("llama2-7b"), 2048, TFB_MODEL_FP16, TFB_MODEL_FP16, 0.0, &w);  /* no memory */
    assert_int_equal(w.max_batch, 0);
}

/* The crossover in bytes: n = (FFN weights - attention weights) x weight bytes / (2 x kv_heads x d_head x KV bytes).
 *   Llama 2 7B (MHA): FFN 3 x 4096 x 11008 = 135,266,304; attention 4 x 4096^2 = 67,108,864; gap 68,157,440;
 *     per token 2 x 4096: fp16 both -> 8320 (the lecture's FLOPs crossover: fp16 moves 2 bytes per 2 FLOPs);
 *     fp16 weights, fp32 cache (the layer suite's) -> 4160.
 *   Mistral 7B (GQA, 8 KV heads): FFN 3 x 4096 x 14336 = 176,160,768; attention 2 x 4096^2 + 2 x 4096 x 1024 =
 *     41,943,040; gap 134,217,728; per token 2 x 1024: fp16 -> 65536, fp32 cache -> 32768; the lecture's MHA
 *     FLOPs say (6 x 4096 x 14336 - 8 x 4096^2) / (4 x 4096) = 13312.
 *   Llama 2 70B (GQA): FFN 3 x 8192 x 28672 = 704,643,072; attention 2 x 8192^2 + 2 x 8192 x 1024 = 150,994,944;
 *     gap 553,648,128 over 2 x 1024 -> 270336 (fp16). */
static void serving_crossovers(void **state)
{
    (void)state;
    const tfb_model_config *llama = builtin("llama2-7b"), *mistral = builtin("mistral-7b");
    assert_true(tfb_model_crossover_bytes(llama, TFB_MODEL_FP16, TFB_MODEL_FP16) == 8320.0);
    assert_true(tfb_model_crossover_bytes(llama, TFB_MODEL_FP16, TFB_MODEL_FP32) == 4160.0);
    assert_true(tfb_model_crossover_bytes(mistral, TFB_MODEL_FP16, TFB_MODEL_FP16) == 65536.0);
    assert_true(tfb_model_crossover_bytes(mistral, TFB_MODEL_FP16, TFB_MODEL_FP32) == 32768.0);
    assert_true(tfb_model_crossover_context(mistral, TFB_MODEL_LECTURE) == 13312.0);
    assert_true(tfb_model_crossover_bytes(builtin("llama2-70b"), TFB_MODEL_FP16, TFB_MODEL_FP16) == 270336.0);
    assert_true(tfb_model_attention_share_bytes(mistral, 32768, TFB_MODEL_FP16, TFB_MODEL_FP32) == 0.5);
    assert_true(tfb_model_attention_share_bytes(llama, 8320, TFB_MODEL_FP16, TFB_MODEL_FP16) == 0.5);
    /* n 0: 67,108,864 / (67,108,864 + 135,266,304) */
    assert_true(fabs(tfb_model_attention_share_bytes(llama, 0, TFB_MODEL_FP16, TFB_MODEL_FP16) -
                     67108864.0 / 202375168.0) < 1e-15);
    assert_true(tfb_model_attention_share_lecture(llama, 8320) == 0.5);
}

/* The crossover in roofline time: each op takes max(bytes / W, FLOPs / P); on W = 40 GB/s and P = 200 GFLOP/s
 * (ridge 5 FLOP/byte), fp16 weights (1 FLOP/byte: the projections and the FFN stay memory-bound) and an fp32 cache.
 *   MQA Llama 2 7B (1 KV head): a cached token's K and V are 2 x 128 x 4 = 1024 bytes (25.6 ns) against
 *     4 x 32 x 128 = 16384 FLOPs (81.92 ns): compute-bound. Attention weights 2 x 4096^2 + 2 x 4096 x 128 =
 *     34,603,008, FFN 135,266,304: their bytes differ by 201,326,592 (5.0331648 ms), / 81.92 ns = 61440; the bytes
 *     say 201,326,592 / 1024 = 196608.
 *   Llama 2 7B (MHA): 32768 bytes (819.2 ns) against 16384 FLOPs (81.92 ns): memory-bound, so the bytes' 4160.
 *   Llama 2 70B (8 of 64 heads): 8192 bytes (204.8 ns) against 32768 FLOPs (163.84 ns): the bytes' 135168; at
 *     P = 100 (327.68 ns, compute) 1,107,296,256 bytes of gap (27.6824064 ms) / 327.68 ns = 84480.
 *   With P = 20 every op is compute-bound and the MHA crossover is the lecture's FLOPs: (270,532,608 - 134,217,728)
 *     / 16384 = 8320. Shares: MQA at 61440 is 0.5; at 0, 1.7301504 / (1.7301504 + 6.7633152) ms. */
static void serving_crossover_roofline(void **state)
{
    (void)state;
    tfb_model_config mqa = *builtin("llama2-7b");
    mqa.n_kv_heads = 1;
    tfb_model_device cpu = {"cpu", 40.0, 200.0, 0.0};
    const double tolerance = 1e-12;
    assert_true(tfb_model_crossover_bytes(&mqa, TFB_MODEL_FP16, TFB_MODEL_FP32) == 196608.0);
    assert_true(fabs(tfb_model_crossover_roofline(&mqa, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) / 61440.0 - 1) < tolerance);
    assert_true(fabs(tfb_model_attention_share_roofline(&mqa, 61440, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) - 0.5) <
                tolerance);
    assert_true(fabs(tfb_model_attention_share_roofline(&mqa, 0, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) -
                     1.7301504 / (1.7301504 + 6.7633152)) < tolerance);
    const tfb_model_config *llama = builtin("llama2-7b"), *big = builtin("llama2-70b");
    assert_true(fabs(tfb_model_crossover_roofline(llama, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) / 4160.0 - 1) < tolerance);
    assert_true(fabs(tfb_model_crossover_roofline(big, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) / 135168.0 - 1) < tolerance);
    cpu.peak_gflops = 100.0;
    assert_true(fabs(tfb_model_crossover_roofline(big, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) / 84480.0 - 1) < tolerance);
    cpu.peak_gflops = 20.0;
    assert_true(fabs(tfb_model_crossover_roofline(llama, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) / 8320.0 - 1) < tolerance);
    cpu.peak_gflops = 0.0;  /* a ceiling missing: no prediction */
    assert_true(tfb_model_crossover_roofline(llama, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) == 0.0);
    assert_true(tfb_model_attention_share_roofline(llama, 4096, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) == 0.0);
}

/* The batch curve's bound: batch / max(step bytes / bandwidth, step FLOPs / peak), tfb_model_analyze_decode's. */
static void serving_batch_bound(void **state)
{
    (void)state;
    tfb_model_device d = {"H100", 3350.0, 990000.0, 80e9};
    tfb_model_decode one;
    tfb_model_analyze_decode(builtin("llama2-7b"), TFB_MODEL_EXACT, 2048, 8, TFB_MODEL_FP16, &d, &one);
    double bound = tfb_model_batch_bound(builtin("llama2-7b"), 2048, 8, TFB_MODEL_FP16, TFB_MODEL_FP16, &d);
    assert_true(bound == 8 * one.tokens_per_second_roofline);
    d.bandwidth_gbps = 0;
    assert_true(tfb_model_batch_bound(builtin("llama2-7b"), 2048, 8, TFB_MODEL_FP16, TFB_MODEL_FP16, &d) == 0.0);
}

/* Past the weights' ridge the step's ops bind differently: the bound is the sum of their roofline times. Llama 2 7B,
 * n 4096, batch 8, fp16 weights, fp32 cache, W = 50 GB/s, P = 200 GFLOP/s (ridge 4; the weights do 8 FLOP/byte):
 *   projections: 67,108,864 weights, 134,217,728 bytes (2.68435456 ms) for 8 x 2 x 67,108,864 FLOPs (5.36870912 ms):
 *     2.68435456 ms over;
 *   FFN: 135,266,304 weights and the two norm gains (8192 at 2 bytes), 270,548,992 bytes (5.41097984 ms) for
 *     8 x 2 x 135,266,304 FLOPs (10.82130432 ms): 5.41032448 ms over;
 *   scores: 8 x 4096 x 32768 bytes (21.5 ms) for about 0.54 GFLOP (2.7 ms): none; one layer 8.09467904 ms;
 *   head: 32000 x 4096 weights, 262,144,000 bytes (5.24288 ms) for twice that x 8 FLOPs (10.48576 ms): 5.24288 ms.
 *   The step: its bytes / W + 32 x 8.09467904 + 5.24288 = bytes / W + 264.27260928 ms. */
static void serving_batch_bound_per_op(void **state)
{
    (void)state;
    const tfb_model_config *llama = builtin("llama2-7b");
    tfb_model_device cpu = {"cpu", 50.0, 200.0, 0.0};
    double layer = tfb_model_decode_layer_excess(llama, 4096, 8, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu);
    assert_true(fabs(layer / 8.09467904e-3 - 1) < 1e-12);
    assert_true(fabs(tfb_model_head_excess(262144000.0, 2097152000.0, &cpu) / 5.24288e-3 - 1) < 1e-12);
    tfb_model_decode d;
    tfb_model_analyze_decode_kv(llama, TFB_MODEL_EXACT, 4096, 8, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu, &d);
    double want = 8.0 / ((double)d.bytes_per_step / 50e9 + 264.27260928e-3);
    assert_true(fabs(tfb_model_batch_bound(llama, 4096, 8, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) / want - 1) < 1e-12);
    /* tighter than the roofline of the step's sums, which lets the KV reads' spare FLOPs pay for the weights' */
    assert_true(tfb_model_batch_bound(llama, 4096, 8, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) <
                8.0 * d.tokens_per_second_roofline);
    cpu.peak_gflops = 0.0;  /* no peak: bytes alone */
    assert_true(tfb_model_decode_layer_excess(llama, 4096, 8, TFB_MODEL_FP16, TFB_MODEL_FP32, &cpu) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lecture_parameter_table), cmocka_unit_test(lecture_llama2_7b_layer),
        cmocka_unit_test(lecture_flops_table),     cmocka_unit_test(lecture_flops_closed_form),
        cmocka_unit_test(lecture_kv_cache_table),  cmocka_unit_test(lecture_crossover),
        cmocka_unit_test(lecture_ridge_and_batch), cmocka_unit_test(lecture_tokens_per_second),
        cmocka_unit_test(exact_published_counts),  cmocka_unit_test(exact_gqa_llama2_70b),
        cmocka_unit_test(exact_moe_active),        cmocka_unit_test(exact_tied_embeddings),
        cmocka_unit_test(exact_decode_llama2_7b),  cmocka_unit_test(dtype_sizes),
        cmocka_unit_test(builtin_names),           cmocka_unit_test(json_config_mqa),
        cmocka_unit_test(json_default_kv_heads),   cmocka_unit_test(json_bad_configs),
        cmocka_unit_test(workload_limits),         cmocka_unit_test(exact_gpt2_xl),
        cmocka_unit_test(exact_bert_base),         cmocka_unit_test(exact_gpt2_xl_layer),         cmocka_unit_test(moe_expected_experts),
        cmocka_unit_test(json_classic_keys),
        cmocka_unit_test(serving_memory_wall),
        cmocka_unit_test(serving_crossovers),      cmocka_unit_test(serving_batch_bound),
        cmocka_unit_test(serving_crossover_roofline), cmocka_unit_test(serving_batch_bound_per_op),
        cmocka_unit_test(block_format_sizes),
        cmocka_unit_test(exact_decode_quantized),  cmocka_unit_test(block_format_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
