#include <ctype.h>
#include <math.h>
#include <string.h>
#include "tfbench/model.h"

/* Published architectures. Llama 2 70B and Llama 3 405B use grouped-query attention with 8 KV heads; the lecture's
 * tables treat every model as MHA, which --mha reproduces. Vocabulary sizes are the real tokenizers' (Llama 3: 128,256;
 * the lecture rounds to 128,000, which changes none of its printed figures). */
#define LLAMA_STYLE TFB_NORM_RMS, 0, TFB_POSITIONS_ROPE, 0, TFB_GELU_TANH, 0
static const tfb_model_config BUILTINS[] = {
    {"Llama 2 7B", 4096, 32, 32, 32, 11008, 32000, TFB_FFN_SWIGLU, 0, 1, 1, LLAMA_STYLE},
    {"Llama 2 13B", 5120, 40, 40, 40, 13824, 32000, TFB_FFN_SWIGLU, 0, 1, 1, LLAMA_STYLE},
    {"Llama 2 70B", 8192, 80, 64, 8, 28672, 32000, TFB_FFN_SWIGLU, 0, 1, 1, LLAMA_STYLE},
    {"Llama 3 405B", 16384, 126, 128, 8, 53248, 128256, TFB_FFN_SWIGLU, 0, 1, 1, LLAMA_STYLE},
    {"GPT-3 175B", 12288, 96, 96, 96, 49152, 50257, TFB_FFN_GELU, 1, 1, 1, TFB_NORM_LAYER, 1, TFB_POSITIONS_LEARNED,
     2048, TFB_GELU_TANH, 0},
    {"BERT-base", 768, 12, 12, 12, 3072, 30522, TFB_FFN_GELU, 1, 1, 1, TFB_NORM_LAYER, 1, TFB_POSITIONS_LEARNED, 512,
     TFB_GELU_ERF, 1},
    {"Mixtral 8x7B", 4096, 32, 32, 8, 14336, 32000, TFB_FFN_SWIGLU, 0, 8, 2, LLAMA_STYLE},
    {"GPT-2 XL", 1600, 48, 25, 25, 6400, 50257, TFB_FFN_GELU, 1, 1, 1, TFB_NORM_LAYER, 1, TFB_POSITIONS_LEARNED, 1024,
     TFB_GELU_TANH, 0},
};
#undef LLAMA_STYLE
/* Same order as BUILTINS: the short names the CLI prints. */
static const char *const BUILTIN_IDS[] = {
    "llama2-7b", "llama2-13b", "llama2-70b", "llama3-405b", "gpt3-175b", "bert-base", "mixtral-8x7b", "gpt2-xl",
};
enum { BUILTIN_COUNT = sizeof BUILTINS / sizeof BUILTINS[0] };

const tfb_model_config *tfb_model_builtins(size_t *count)
{
    *count = BUILTIN_COUNT;
    return BUILTINS;
}

/* Lowercase, dropping spaces, dashes, underscores and dots: "Llama 2 7B", "llama-2-7b" and "llama2-7b" compare equal. */
static int normalize_name(const char *in, char *out, size_t size)
{
    size_t j = 0;
    for (; *in && j + 1 < size; in++)
        if (!strchr(" -_.", *in)) out[j++] = (char)tolower((unsigned char)*in);
    out[j] = '\0';
    while (*in && strchr(" -_.", *in)) in++;
    return *in == '\0';  /* 0: cut, and a cut name is no name */
}

const tfb_model_config *tfb_model_builtin(const char *name)
{
    char want[80], id[80], display[80];
    if (!normalize_name(name, want, sizeof want)) return NULL;
    for (size_t i = 0; i < BUILTIN_COUNT; i++) {
        normalize_name(BUILTIN_IDS[i], id, sizeof id);
        normalize_name(BUILTINS[i].name, display, sizeof display);
        if (strcmp(want, id) == 0 || strcmp(want, display) == 0) return &BUILTINS[i];
    }
    return NULL;
}

const char *tfb_model_builtin_id(const tfb_model_config *config)
{
    for (size_t i = 0; i < BUILTIN_COUNT; i++)
        if (config == &BUILTINS[i]) return BUILTIN_IDS[i];
    return NULL;
}

int tfb_model_dtype_parse(const char *text, tfb_model_dtype *out)
{
    static const struct { const char *name; tfb_model_dtype dtype; } NAMES[] = {
        {"fp32", TFB_MODEL_FP32}, {"fp16", TFB_MODEL_FP16}, {"bf16", TFB_MODEL_FP16},
        {"int8", TFB_MODEL_INT8}, {"int4", TFB_MODEL_INT4},
    };
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (strcmp(text, NAMES[i].name) == 0) {
            *out = NAMES[i].dtype;
            return TFB_OK;
        }
    return TFB_ERROR;
}

const char *tfb_model_dtype_name(tfb_model_dtype dtype)
{
    switch (dtype) {
    case TFB_MODEL_FP32: return "fp32";
    case TFB_MODEL_FP16: return "fp16";
    case TFB_MODEL_INT8: return "int8";
    case TFB_MODEL_INT4: return "int4";
    }
    return "?";
}

unsigned tfb_model_dtype_bits(tfb_model_dtype dtype)
{
    switch (dtype) {
    case TFB_MODEL_FP32: return 32;
    case TFB_MODEL_FP16: return 16;
    case TFB_MODEL_INT8: return 8;
    case TFB_MODEL_INT4: return 4;
    }
    return 0;
}

uint64_t tfb_model_bytes(uint64_t elements, tfb_model_dtype dtype)
{
    unsigned bits = tfb_model_dtype_bits(dtype);
    /* Divide first so elements * bits cannot overflow for counts near 2^64 / 32. */
    return elements / 8 * bits + (elements % 8 * bits + 7) / 8;
}

uint64_t tfb_model_d_head(const tfb_model_config *config)
{
    return config->d_model / config->n_heads;
}

uint64_t tfb_model_kv_heads(const tfb_model_config *config, tfb_model_mode mode)
{
    return mode == TFB_MODEL_LECTURE ? config->n_heads : config->n_kv_heads;
}

static uint64_t ffn_matrices(const tfb_model_config *config)
{
    return config->ffn == TFB_FFN_SWIGLU ? 3 : 2;
}

/* Router: a d_model x n_experts linear layer per MoE layer; dense FFNs have none. */
static uint64_t router_params(const tfb_model_config *config)
{
    return config->n_experts > 1 ? config->d_model * config->n_experts : 0;
}

/* The weights of Q, K, V and O (what the 2*m*n*k FLOPs multiply). */
static uint64_t attention_matrix_params(const tfb_model_config *config, tfb_model_mode mode)
{
    uint64_t d = config->d_model;
    uint64_t kv_width = tfb_model_kv_heads(config, mode) * tfb_model_d_head(config);
    return 2 * d * d + 2 * d * kv_width;  /* Q and O are d x d; K and V are d x (kv_heads * d_head) */
}

/* The same with a bias per output feature when the config has biases. */
static uint64_t attention_params_per_layer(const tfb_model_config *config, tfb_model_mode mode)
{
    uint64_t kv_width = tfb_model_kv_heads(config, mode) * tfb_model_d_head(config);
    uint64_t biases = config->bias ? 2 * config->d_model + 2 * kv_width : 0;
    return attention_matrix_params(config, mode) + biases;
}

/* One expert: its matrices, and with biases one per output feature (d_ff per gate or up matrix, d_model for down). */
static uint64_t expert_params(const tfb_model_config *config)
{
    uint64_t matrices = ffn_matrices(config), d = config->d_model;
    return matrices * d * config->d_ff + (config->bias ? (matrices - 1) * config->d_ff + d : 0);
}

/* One norm: RMSNorm has a gain per feature, LayerNorm a gain and a bias. */
static uint64_t norm_params(const tfb_model_config *config)
{
    return config->norm == TFB_NORM_LAYER ? 2 * config->d_model : config->d_model;
}

void tfb_model_count_params(const tfb_model_config *config, tfb_model_mode mode, tfb_model_params *out)
{
    uint64_t d = config->d_model, layers = config->n_layers;
    int head_untied = mode == TFB_MODEL_LECTURE || !config->tied_embeddings;
    memset(out, 0, sizeof *out);
    out->expert = expert_params(config);
    out->embedding = config->vocab_size * d;
    out->positions = config->positions == TFB_POSITIONS_LEARNED ? config->max_positions * d : 0;
    out->attention = layers * attention_params_per_layer(config, mode);
    out->ffn = layers * (config->n_experts * out->expert + router_params(config));
    out->norms = (2 * layers + 1) * norm_params(config);
    out->output_head = head_untied ? config->vocab_size * d : 0;
    out->total = out->embedding + out->positions + out->attention + out->ffn + out->norms + out->output_head;
    out->active = out->total - layers * (config->n_experts - config->experts_per_token) * out->expert;
}

uint64_t tfb_model_layer_kv_elements(const tfb_model_config *config, tfb_model_mode mode)
{
    return 2 * tfb_model_kv_heads(config, mode) * tfb_model_d_head(config);
}

/* The work of one layer on `tokens` tokens seeing `pairs` (query, key) pairs per query head, with `routed` distinct
 * experts' weights read (every token's FLOPs use experts_per_token of them). */
static void layer_work(const tfb_model_config *config, tfb_model_mode mode, uint64_t tokens, uint64_t pairs,
                       uint64_t routed, tfb_model_layer *out)
{
    uint64_t expert = expert_params(config);
    uint64_t query_width = config->n_heads * tfb_model_d_head(config);
    memset(out, 0, sizeof *out);
    out->tokens = tokens;
    out->pairs_per_head = pairs;
    out->flops_projections = tokens * 2 * attention_matrix_params(config, mode);  /* biases left out, as norms */
    out->flops_attention = 4 * pairs * query_width;  /* every query head scores and mixes its pairs */
    out->flops_ffn = tokens * 2 * (config->experts_per_token * ffn_matrices(config) * config->d_model * config->d_ff +
                                   router_params(config));
    out->flops_total = out->flops_projections + out->flops_attention + out->flops_ffn;
    uint64_t experts = routed < config->n_experts ? routed : config->n_experts;
    out->weight_elements = attention_params_per_layer(config, mode) + router_params(config) + experts * expert +
                           2 * norm_params(config);
}

static void layer_bytes(const tfb_model_config *config, tfb_model_mode mode, uint64_t kv_read_tokens,
                        tfb_model_dtype weights, tfb_model_dtype kv, tfb_model_layer *out)
{
    uint64_t kv_per_token = tfb_model_layer_kv_elements(config, mode);
    out->weight_bytes = tfb_model_bytes(out->weight_elements, weights);
    out->kv_read_bytes = tfb_model_bytes(kv_per_token * kv_read_tokens, kv);
    out->kv_write_bytes = tfb_model_bytes(kv_per_token * out->tokens, kv);
    out->activation_bytes = 2 * out->tokens * config->d_model * 4;
    out->bytes = out->weight_bytes + out->kv_read_bytes + out->kv_write_bytes + out->activation_bytes;
}

void tfb_model_layer_decode(const tfb_model_config *config, tfb_model_mode mode, uint64_t context, uint64_t batch,
                            tfb_model_dtype weights, tfb_model_dtype kv, tfb_model_layer *out)
{
    /* the batch's batch x k routed experts taken as distinct, as the decode step counts them */
    layer_work(config, mode, batch, batch * context, batch * config->experts_per_token, out);
    layer_bytes(config, mode, batch * context, weights, kv, out);
}

void tfb_model_layer_prefill(const tfb_model_config *config, tfb_model_mode mode, uint64_t tokens,
                             tfb_model_dtype weights, tfb_model_dtype kv, tfb_model_layer *out)
{
    layer_work(config, mode, tokens, tokens * (tokens + 1) / 2, tokens * config->experts_per_token, out);
    layer_bytes(config, mode, tokens, weights, kv, out);  /* each new key and value written once, read once */
}

/* Per token: one layer's decode step at batch 1, times the layers, plus the output head. */
void tfb_model_count_flops(const tfb_model_config *config, tfb_model_mode mode, uint64_t context,
                           tfb_model_flops *out)
{
    tfb_model_layer layer;
    uint64_t layers = config->n_layers;
    tfb_model_layer_decode(config, mode, context, 1, TFB_MODEL_FP16, TFB_MODEL_FP16, &layer);
    memset(out, 0, sizeof *out);
    out->attention_projections = layers * layer.flops_projections;
    out->attention_scores = layers * layer.flops_attention;
    out->attention = out->attention_projections + out->attention_scores;
    out->ffn = layers * layer.flops_ffn;
    out->head = mode == TFB_MODEL_LECTURE ? 0 : 2 * config->d_model * config->vocab_size;
    out->total = out->attention + out->ffn + out->head;
}

double tfb_model_attention_fraction(const tfb_model_flops *flops)
{
    uint64_t both = flops->attention + flops->ffn;
    return both ? (double)flops->attention / (double)both : 0.0;
}

double tfb_model_crossover_context(const tfb_model_config *config, tfb_model_mode mode)
{
    tfb_model_flops at_zero, at_one;
    tfb_model_count_flops(config, mode, 0, &at_zero);
    tfb_model_count_flops(config, mode, 1, &at_one);
    double per_token = (double)(at_one.attention_scores - at_zero.attention_scores);
    double gap = (double)at_zero.ffn - (double)at_zero.attention;
    return gap > 0 ? gap / per_token : 0.0;
}

double tfb_model_crossover_on_grid(const tfb_model_config *config, tfb_model_mode mode, double lo_exp,
                                   double hi_exp, int points)
{
    double best = 0.0, best_distance = INFINITY;
    for (int i = 0; i < points; i++) {
        double exponent = points > 1 ? lo_exp + (hi_exp - lo_exp) * i / (points - 1) : lo_exp;
        double context = pow(10.0, exponent);
        tfb_model_flops flops;
        tfb_model_count_flops(config, mode, (uint64_t)context, &flops);
        double distance = fabs(tfb_model_attention_fraction(&flops) * 100.0 - 50.0);
        if (distance < best_distance) {  /* strict: ties keep the first, as np.argmin does */
            best_distance = distance;
            best = context;
        }
    }
    return best;
}

uint64_t tfb_model_kv_cache_bytes(const tfb_model_config *config, tfb_model_mode mode, uint64_t seq, uint64_t batch,
                                  tfb_model_dtype dtype)
{
    uint64_t per_token = config->n_layers * tfb_model_layer_kv_elements(config, mode);
    return tfb_model_bytes(per_token * seq * batch, dtype);
}

double tfb_model_tokens_per_second(double bytes_per_token, double bandwidth_gbps)
{
    return bytes_per_token > 0 ? bandwidth_gbps * 1e9 / bytes_per_token : 0.0;
}
