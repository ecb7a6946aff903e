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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
