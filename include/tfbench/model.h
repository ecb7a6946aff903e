/* Analytical transformer model: parameters, FLOPs, KV cache and decode roofline of a model configuration.
 * Exact (integer) for MHA, GQA, MQA and MoE; TFB_MODEL_LECTURE reproduces the lecture's MHA-everywhere arithmetic. */
#ifndef TFBENCH_MODEL_H
#define TFBENCH_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "tfbench/error.h"

typedef enum { TFB_FFN_SWIGLU = 0, TFB_FFN_GELU = 1 } tfb_ffn_kind;
typedef enum { TFB_NORM_RMS = 0, TFB_NORM_LAYER = 1 } tfb_norm_kind;     /* LayerNorm: a gain and a bias per feature */
typedef enum { TFB_POSITIONS_ROPE = 0, TFB_POSITIONS_LEARNED = 1 } tfb_positions_kind;
typedef enum { TFB_GELU_TANH = 0, TFB_GELU_ERF = 1 } tfb_gelu_form;      /* GPT-2's tanh form, BERT's exact erf */

typedef struct tfb_model_config {
    char name[64];
    uint64_t d_model, n_layers, n_heads, n_kv_heads, d_ff, vocab_size;
    tfb_ffn_kind ffn;            /* SwiGLU: gate, up, down (3 matrices); GELU: up, down (2) */
    int tied_embeddings;         /* output head shares the embedding matrix */
    uint64_t n_experts;          /* 1 = dense FFN */
    uint64_t experts_per_token;  /* routed experts each token uses (1 for dense) */
    /* The classic (GPT-2/GPT-3/BERT) block's keys; all zero is the Llama-style block. */
    tfb_norm_kind norm;
    int bias;                    /* every projection has a bias (Q, K, V, O, up (and gate), down) */
    tfb_positions_kind positions;
    uint64_t max_positions;      /* learned positions: rows of the position table (0 with RoPE) */
    tfb_gelu_form gelu;
    int post_norm;               /* BERT: the norm after each residual add, not before each sublayer */
} tfb_model_config;

/* EXACT counts K/V projections and KV cache by n_kv_heads, counts the output head only when untied and the head's
 * FLOPs per token. LECTURE is the lecture's simplification: every layer MHA (K/V d_model x d_model), the output head
 * always counted, no head FLOPs, decode intensity 2*batch FLOP/byte and tokens/s = bandwidth / weight bytes. */
typedef enum { TFB_MODEL_EXACT = 0, TFB_MODEL_LECTURE = 1 } tfb_model_mode;

/* INT8 and INT4 are bare values (no scales); Q8_0, Q4_0 and INT4_G128 are the block formats of docs/quantization.md,
 * their scales counted: 34 bytes per 32 values, 18 per 32, 66 per 128 (8.5, 4.5, 4.125 bits a value). In a block
 * format the matrices (embedding, positions, attention, FFN, router, output head) are stored in blocks along their
 * rows and the vectors (norms, biases) stay fp32; a KV cache in q8_0 is blocked along the head dimension. */
typedef enum {
    TFB_MODEL_FP32, TFB_MODEL_FP16, TFB_MODEL_INT8, TFB_MODEL_INT4, TFB_MODEL_Q8_0, TFB_MODEL_Q4_0, TFB_MODEL_INT4_G128
} tfb_model_dtype;

/* Built-in configurations ("llama2-7b", "Llama 2 7B", ... case-insensitive, spaces/dashes/dots ignored). */
const tfb_model_config *tfb_model_builtins(size_t *count);
const tfb_model_config *tfb_model_builtin(const char *name);
/* Short id of a built-in ("llama2-7b"), or NULL for a user config. */
const char *tfb_model_builtin_id(const tfb_model_config *config);

/* User config: keys name, d_model, n_layers, n_heads, n_kv_heads, d_ff, vocab_size, ffn, tied_embeddings, n_experts,
 * experts_per_token, and the classic block's norm (rmsnorm|layernorm), bias (true|false), positions (rope|learned),
 * max_positions (required with learned positions), gelu (tanh|erf), norm_placement (pre|post); absent, they take
 * the Llama-style values (rmsnorm, no bias, rope, tanh, pre). The error names the offending key. */
int tfb_model_parse_json(const char *text, tfb_model_config *out, tfb_error *err);
int tfb_model_load_json(const char *path, tfb_model_config *out, tfb_error *err);
/* Checks sizes are positive, divide evenly and are small enough that every count fits 64 bits. */
int tfb_model_validate(const tfb_model_config *config, tfb_error *err);
/* The model a benchmark run's --config FILE or --model NAME selects (default llama2-7b), validated. */
int tfb_model_select(const char *model_name, const char *config_path, tfb_model_config *out, tfb_error *err);
/* Checks a sequence length and batch keep the KV cache and FLOP counts of `config` within 64 bits. */
int tfb_model_check_workload(const tfb_model_config *config, uint64_t seq, uint64_t batch, tfb_error *err);

int tfb_model_dtype_parse(const char *text, tfb_model_dtype *out);
const char *tfb_model_dtype_name(tfb_model_dtype dtype);
unsigned tfb_model_dtype_bits(tfb_model_dtype dtype);  /* of a value, without the block's scale */
/* Values per block (1 for the plain types) and the bytes of one block. */
unsigned tfb_model_dtype_block(tfb_model_dtype dtype);
unsigned tfb_model_dtype_block_bytes(tfb_model_dtype dtype);
/* Bits per value, scales included: 8 * block bytes / block (q4_0: 4.5). */
double tfb_model_dtype_bits_per_value(tfb_model_dtype dtype);
/* Bytes of `elements` values of `dtype`, rounded up (int4 packs two per byte; a block format counts whole blocks). */
uint64_t tfb_model_bytes(uint64_t elements, tfb_model_dtype dtype);
/* Bytes of weights: `matrix` matrix elements in `dtype` and `vectors` norm gains, norm biases and projection biases,
 * in `dtype` too for the plain types and fp32 beside a block format. */
uint64_t tfb_model_weight_bytes(uint64_t matrix, uint64_t vectors, tfb_model_dtype dtype);
/* All the model's vectors (every norm's gains and biases, every projection's bias): the part of the parameters a
 * block format keeps in fp32. */
uint64_t tfb_model_vector_params(const tfb_model_config *config, tfb_model_mode mode);
/* The block formats fit this model: the weights' rows (d_model and d_ff wide) and the KV cache's head dimension are
 * whole blocks, and the KV cache is not in a 4-bit block format. The error says which. */
int tfb_model_check_dtypes(const tfb_model_config *config, tfb_model_dtype weights, tfb_model_dtype kv,
                           tfb_error *err);

uint64_t tfb_model_d_head(const tfb_model_config *config);
/* n_kv_heads, or n_heads in LECTURE mode. */
uint64_t tfb_model_kv_heads(const tfb_model_config *config, tfb_model_mode mode);

typedef struct tfb_model_params {
    uint64_t embedding;    /* vocab x d_model */
    uint64_t positions;    /* learned position table: max_positions x d_model (0 with RoPE) */
    uint64_t attention;    /* Q, K, V, O of all layers, with their biases */
    uint64_t ffn;          /* all experts of all layers (with their biases), plus the MoE routers */
    uint64_t norms;        /* two per layer plus the final one: d_model gains each, and as many biases for LayerNorm */
    uint64_t output_head;  /* vocab x d_model when untied (always in LECTURE mode), else 0 */
    uint64_t total;
    uint64_t active;       /* used by one token: total minus the experts it does not route to */
    uint64_t expert;       /* one expert of one layer, biases included */
} tfb_model_params;

void tfb_model_count_params(const tfb_model_config *config, tfb_model_mode mode, tfb_model_params *out);

/* FLOPs to produce one token attending to `context` tokens (2*m*n*k per matmul; norms, softmax, activations left out). */
typedef struct tfb_model_flops {
    uint64_t attention_projections;  /* Q, K, V, O of all layers */
    uint64_t attention_scores;       /* QK^T and A*V of all layers: 4 * context * n_heads * d_head each */
    uint64_t attention;              /* the two above */
    uint64_t ffn;                    /* routed experts (+ router) of all layers */
    uint64_t head;                   /* output head, 2 * d_model * vocab (0 in LECTURE mode) */
    uint64_t total;
} tfb_model_flops;

void tfb_model_count_flops(const tfb_model_config *config, tfb_model_mode mode, uint64_t context,
                           tfb_model_flops *out);
/* attention / (attention + ffn): the lecture's attention/FFN split. */
double tfb_model_attention_fraction(const tfb_model_flops *flops);
/* Context where attention FLOPs equal FFN FLOPs (real solution of the linear equation; 0 if attention already leads). */
double tfb_model_crossover_context(const tfb_model_config *config, tfb_model_mode mode);
/* The lecture's way: `points` log-spaced contexts 10^lo_exp..10^hi_exp (truncated to integers), the one whose
 * attention share is closest to 50% (np.logspace + argmin |attn% - 50|). Returns the grid value, untruncated. */
double tfb_model_crossover_on_grid(const tfb_model_config *config, tfb_model_mode mode, double lo_exp,
                                   double hi_exp, int points);

/* layers x 2 x kv_heads x d_head x seq x batch x dtype bytes. */
uint64_t tfb_model_kv_cache_bytes(const tfb_model_config *config, tfb_model_mode mode, uint64_t seq, uint64_t batch,
                                  tfb_model_dtype dtype);

/* One decoder layer's work and minimum traffic (the layer suite's accounting, and the per-layer terms of the counts
 * above: tfb_model_count_flops and the decode step are built from these). FLOPs follow the 2*m*n*k rule (norms,
 * softmax, RoPE and activations left out); bytes are what a layer that never spills an intermediate must move. */
typedef struct tfb_model_layer {
    uint64_t tokens;              /* tokens processed: the batch (decode) or the prompt length (prefill) */
    uint64_t pairs_per_head;      /* (query, key) pairs each query head scores, summed over the tokens */
    uint64_t flops_projections;   /* Q, K, V, O: 2 x attention weights per token */
    uint64_t flops_attention;     /* Q K^T and P V: 4 x d_head per pair and query head */
    uint64_t flops_ffn;           /* the routed experts (and the router) per token */
    uint64_t flops_total;
    uint64_t weight_elements;     /* read once: attention, the routed experts (+ router) and the two norm gains */
    uint64_t vector_elements;     /* of those, the vectors: norm gains (and biases) and the projections' biases,
                                   * which stay fp32 beside a block format (tfb_model_weight_bytes) */
    uint64_t weight_bytes;
    uint64_t kv_read_bytes;       /* the keys and values the attention reads (each cached token once) */
    uint64_t kv_write_bytes;      /* the new tokens' keys and values, appended to the cache */
    uint64_t activation_bytes;    /* the layer's input read and its output written, fp32 (d_model per token each) */
    uint64_t bytes;               /* weights + KV read + KV written + activations */
} tfb_model_layer;

/* K and V elements one layer caches per token: 2 x kv_heads x d_head. */
uint64_t tfb_model_layer_kv_elements(const tfb_model_config *config, tfb_model_mode mode);
/* A decode step of `batch` sequences, one new token each, at context `context`: every sequence's cache holds
 * `context` tokens with the new one appended (the new token sees all of them), as tfbench model counts a decode
 * step. Weights and the KV cache have their own dtypes (the model's counts above use one for both). */
void tfb_model_layer_decode(const tfb_model_config *config, tfb_model_mode mode, uint64_t context, uint64_t batch,
                            tfb_model_dtype weights, tfb_model_dtype kv, tfb_model_layer *out);
/* A causal prefill of `tokens` prompt tokens of one sequence: token i sees keys 0..i, so tokens (tokens + 1) / 2
 * pairs per head (exact; the attention suites' n^2 / 2 leaves out the diagonal's n / 2). */
void tfb_model_layer_prefill(const tfb_model_config *config, tfb_model_mode mode, uint64_t tokens,
                             tfb_model_dtype weights, tfb_model_dtype kv, tfb_model_layer *out);

/* The ceilings a prediction is made against: a datasheet or a measured results file. */
typedef struct tfb_model_device {
    char name[256];
    double bandwidth_gbps;  /* GB/s (1e9) */
    double peak_gflops;     /* matrix rate used for the ridge point */
    double memory_bytes;
} tfb_model_device;

typedef struct tfb_model_decode {
    uint64_t weight_bytes;            /* all weights stored */
    uint64_t weight_bytes_per_step;   /* weights read by one decode step of the batch (MoE: routed experts only) */
    uint64_t kv_cache_bytes;          /* whole batch at `seq` */
    uint64_t bytes_per_step;          /* exact: the weights and the KV cache one decode step reads (EXACT mode) */
    uint64_t flops_per_step;          /* batch x flops per token */
    double arithmetic_intensity;      /* FLOP per byte moved by one decode step */
    double ridge_point;               /* device peak / bandwidth */
    uint64_t ridge_batch;             /* smallest batch reaching the ridge; 0 when no batch does */
    uint64_t ridge_batch_weights_only;/* the same with the KV-cache traffic left out */
    double tokens_per_second;         /* per sequence, bandwidth bound */
    double tokens_per_second_aggregate;
    double tokens_per_second_roofline;/* per sequence, the slower of the bandwidth and compute bounds */
    uint64_t max_batch_in_memory;     /* weights + batch x KV cache <= device memory; 0 when the weights alone overflow */
} tfb_model_decode;

void tfb_model_analyze_decode(const tfb_model_config *config, tfb_model_mode mode, uint64_t seq, uint64_t batch,
                              tfb_model_dtype dtype, const tfb_model_device *device, tfb_model_decode *out);

/* tfb_model_analyze_decode with the KV cache in its own dtype (the layer suite keeps an fp32 cache beside fp16
 * weights); tfb_model_analyze_decode is this with kv = weights. */
void tfb_model_analyze_decode_kv(const tfb_model_config *config, tfb_model_mode mode, uint64_t seq, uint64_t batch,
                                 tfb_model_dtype weights, tfb_model_dtype kv, const tfb_model_device *device,
                                 tfb_model_decode *out);

/* Mixture of experts at batch B (host/model/model_moe.c). With uniform, independent routing each of the E experts
 * escapes all B tokens' k picks with probability (1 - k/E)^B, so E (1 - (1 - k/E)^B) distinct experts are expected
 * (k at B = 1, E as B grows). Dense models: 1. */
double tfb_model_expected_experts(const tfb_model_config *config, uint64_t batch);

typedef struct tfb_model_moe_point {
    uint64_t batch;
    double experts;               /* expected distinct experts per layer */
    double layer_bytes;           /* one layer's weights read: attention, router, norms, the expected experts */
    double step_bytes;            /* a decode step: every layer, the outside weights, every sequence's KV cache */
    double bytes_per_token;       /* step_bytes / batch */
    double tokens_per_second;     /* aggregate, bandwidth bound: batch x bandwidth / step_bytes */
} tfb_model_moe_point;

/* The expected-experts decode step at `batch`, context `seq` (exact mode), on `bandwidth_gbps`. */
void tfb_model_moe_point_at(const tfb_model_config *config, uint64_t seq, uint64_t batch, tfb_model_dtype weights,
                            tfb_model_dtype kv, double bandwidth_gbps, tfb_model_moe_point *out);
/* Bytes of every weight stored (memory) and of those one token uses (active), in `dtype`. */
void tfb_model_moe_memory(const tfb_model_config *config, tfb_model_dtype dtype, uint64_t *total_bytes,
                          uint64_t *active_bytes);
/* The batch curve's batches: 1, 2, 4, 8, 16, 32. */
enum { TFB_MODEL_MOE_CURVE = 6 };
extern const uint64_t tfb_model_moe_batches[TFB_MODEL_MOE_CURVE];

/* Serving predictions (host/model/model_serving.c, docs/serving.md). */

/* The memory wall's headroom rule: the weights and the KV cache may fill this share of a device's global memory; the
 * rest stays free for activations, the runtime and fragmentation (vLLM's default gpu_memory_utilization). */
#define TFB_MODEL_WALL_USABLE 0.9

typedef struct tfb_model_wall {
    uint64_t seq;
    double memory_bytes;              /* the device's global memory */
    double usable_bytes;              /* floor(TFB_MODEL_WALL_USABLE x memory_bytes) */
    uint64_t weight_bytes;            /* every weight stored */
    uint64_t kv_bytes_per_sequence;   /* K and V of every layer for `seq` tokens */
    int weights_fit;                  /* weight_bytes <= usable_bytes */
    uint64_t max_batch;               /* floor((usable - weights) / KV per sequence); 0 when none fits */
} tfb_model_wall;

/* The largest batch whose weights + KV cache of all layers at context `seq` fit the headroom rule's share of
 * `memory_bytes`. */
void tfb_model_memory_wall(const tfb_model_config *config, uint64_t seq, tfb_model_dtype weights,
                           tfb_model_dtype kv, double memory_bytes, tfb_model_wall *out);
/* The wall as JSON (context.serving.memory_wall's entries, tfbench model --json's): device, memory_bytes,
 * usable_bytes, weight_bytes, kv_bytes_per_sequence, weights_fit, max_batch, seq. */
struct cJSON;
struct cJSON *tfb_model_wall_json(const tfb_model_wall *w, const char *device);
/* The context where a batch-1 decode step's attention bytes (Q, K, V, O weights + K and V of every cached token)
 * equal its FFN bytes (the routed weights), GQA-aware: (ffn - attention weights) x weight bytes / (2 x kv_heads x
 * d_head x KV bytes). 0 when attention already leads with an empty cache. */
double tfb_model_crossover_bytes(const tfb_model_config *config, tfb_model_dtype weights, tfb_model_dtype kv);
/* attention / (attention + ffn) of those bytes at context `seq`. */
double tfb_model_attention_share_bytes(const tfb_model_config *config, uint64_t seq, tfb_model_dtype weights,
                                       tfb_model_dtype kv);
/* The crossover in roofline time on `device`: each op of a batch-1 decode step takes max(bytes / bandwidth, FLOPs /
 * peak), the projections and the FFN for their weights (2 FLOPs per weight), the scores per cached token for K and V
 * (2 x kv_heads x d_head values) against 4 x n_heads x d_head FLOPs. Where the scores' FLOP per cache byte passes the
 * ridge (MQA, a deep GQA group, a wide cache) attention is compute-bound and crosses before its bytes say:
 * (ffn time - projections time) / the time per cached token. 0 without both ceilings or when attention leads. */
double tfb_model_crossover_roofline(const tfb_model_config *config, tfb_model_dtype weights, tfb_model_dtype kv,
                                    const tfb_model_device *device);
/* attention / (attention + ffn) of those roofline times at context `seq` (0 without both ceilings). */
double tfb_model_attention_share_roofline(const tfb_model_config *config, uint64_t seq, tfb_model_dtype weights,
                                          tfb_model_dtype kv, const tfb_model_device *device);
/* The lecture's share: attention / (attention + ffn) FLOPs, every layer MHA (its crossover is
 * tfb_model_crossover_context with TFB_MODEL_LECTURE). */
double tfb_model_attention_share_lecture(const tfb_model_config *config, uint64_t seq);
/* A decode step runs its ops one after another, so its bound is the sum of their roofline times, not the roofline of
 * its sums (which lets an op's spare bandwidth pay for another's FLOPs): step bytes / W plus, for each op whose FLOPs
 * bind, max(0, FLOPs / P - bytes / W). These are the excesses in seconds (0 without a peak): one layer's Q/K/V/O
 * projections, scores and FFN at `batch` sequences of context `seq`, and the output head's. */
double tfb_model_decode_layer_excess(const tfb_model_config *config, uint64_t seq, uint64_t batch,
                                     tfb_model_dtype weights, tfb_model_dtype kv, const tfb_model_device *device);
double tfb_model_head_excess(double bytes, double flops, const tfb_model_device *device);
/* Aggregate tokens/s bound of a decode step of `batch` sequences: batch / (bytes / bandwidth + every layer's
 * excess + the head's, d_model x vocab weights at 2 x batch FLOPs each). */
double tfb_model_batch_bound(const tfb_model_config *config, uint64_t seq, uint64_t batch, tfb_model_dtype weights,
                             tfb_model_dtype kv, const tfb_model_device *device);

/* Lecture's rule of thumb: bandwidth / bytes per token. */
double tfb_model_tokens_per_second(double bytes_per_token, double bandwidth_gbps);

#endif
