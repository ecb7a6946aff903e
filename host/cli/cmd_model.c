/* tfbench model: the analytical model of a transformer configuration on a device (datasheet or measured). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "cli.h"
#include "tfbench/report.h"
#include "tfbench/datasheet.h"
#include "tfbench/model.h"
#include "tfbench/parse.h"
#include "tfbench/results.h"
#include "tfbench/results_schema.h"


typedef struct model_args {
    const char *name, *config_path, *device_spec, *measured_path;
    uint64_t seq, batch;
    tfb_model_dtype dtype, kv_dtype;  /* kv_dtype: the KV cache's (--kv-dtype), else the weights' */
    int kv_dtype_given;
    tfb_model_mode mode;
    int json, list, help;
} model_args;

typedef struct model_run {
    tfb_model_config config;
    const char *builtin_id;
    tfb_model_device device;
    char device_source[4200]; /* "datasheet" or "measured (the results file)": a path up to PATH_MAX fits */
    char peak_note[160];      /* which peak the ridge uses, when it is not the obvious one */
    tfb_model_params params;
    tfb_model_flops flops;
    tfb_model_decode decode;
    double crossover;
} model_run;

static const char USAGE[] =
    "usage: tfbench model NAME|--config FILE.json [--seq N] [--batch B] [--dtype fp32|fp16|bf16|int8|int4]\n"
    "                     [--kv-dtype T] [--device-spec NAME | --measured RESULTS.json] [--mha] [--json]\n"
    "       tfbench model --list\n"
    "  --seq N          context length (default 2048)    --batch B   sequences decoded together (default 1)\n"
    "  --dtype T        weight and KV-cache type (default fp16)   --kv-dtype T  the KV cache's own type\n"
    "  --device-spec    a datasheet: A100, \"H100 SXM\" (default), \"H100 NVL\", \"TPU v4\", H200\n"
    "  --measured FILE  the ceilings measured by `tfbench --json FILE`\n"
    "  --mha            the lecture's arithmetic: every layer MHA, output head always counted, intensity 2*batch\n";

static int usage_error(const char *fmt, const char *detail)
{
    return tfb_cli_usage_error("model", USAGE, 2, fmt, detail);
}

static int parse_count(const char *option, const char *text, uint64_t *out)
{
    tfb_error err;
    unsigned long long value = 0;
    if (tfb_parse_whole(text, UINT64_MAX, &value, &err) != TFB_OK || value == 0)
        return usage_error("%s needs a positive integer", option);
    *out = value;
    return 0;
}

/* Options that take a value; returns how many argv slots were used, or -1 after printing an error. */
static int takes_value(const char *opt)
{
    static const char *const VALUED[] = {"--config", "--device-spec", "--measured", "--seq", "--batch", "--dtype",
                                         "--kv-dtype"};
    for (size_t i = 0; i < sizeof VALUED / sizeof VALUED[0]; i++)
        if (strcmp(opt, VALUED[i]) == 0) return 1;
    return 0;
}

static int parse_valued(model_args *a, const char *opt, const char *value)
{
    if (!takes_value(opt)) return usage_error("unknown option %s", opt), -1;
    if (!value) return usage_error("%s needs a value", opt), -1;
    if (strcmp(opt, "--config") == 0) a->config_path = value;
    else if (strcmp(opt, "--device-spec") == 0) a->device_spec = value;
    else if (strcmp(opt, "--measured") == 0) a->measured_path = value;
    else if (strcmp(opt, "--seq") == 0) return parse_count(opt, value, &a->seq) ? -1 : 2;
    else if (strcmp(opt, "--batch") == 0) return parse_count(opt, value, &a->batch) ? -1 : 2;
    else if (strcmp(opt, "--dtype") == 0) {
        if (tfb_model_dtype_parse(value, &a->dtype)) return usage_error("unknown dtype \"%s\"", value), -1;
    } else if (strcmp(opt, "--kv-dtype") == 0) {
        if (tfb_model_dtype_parse(value, &a->kv_dtype)) return usage_error("unknown dtype \"%s\"", value), -1;
        a->kv_dtype_given = 1;
    } else
        return usage_error("unknown option %s", opt), -1;
    return 2;
}

static int parse_flag(model_args *a, const char *opt)
{
    if (strcmp(opt, "--mha") == 0) a->mode = TFB_MODEL_LECTURE;
    else if (strcmp(opt, "--json") == 0) a->json = 1;
    else if (strcmp(opt, "--list") == 0) a->list = 1;
    else if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) a->help = 1;
    else return 0;
    return 1;
}

static int parse_args(int argc, char **argv, model_args *a)
{
    memset(a, 0, sizeof *a);
    a->seq = 2048;
    a->batch = 1;
    a->dtype = TFB_MODEL_FP16;
    for (int i = 1; i < argc; i++) {
        if (parse_flag(a, argv[i])) continue;
        if (argv[i][0] != '-') {
            if (a->name) return usage_error("more than one model named (\"%s\")", argv[i]);
            a->name = argv[i];
            continue;
        }
        int used = parse_valued(a, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
        if (used < 0) return 2;
        i += used - 1;
    }
    if (!a->kv_dtype_given) a->kv_dtype = a->dtype;
    if (a->help || a->list) return 0;
    if (!a->name == !a->config_path) return usage_error("%s", "name one built-in model or give --config FILE");
    if (a->device_spec && a->measured_path) return usage_error("%s", "--device-spec and --measured exclude each other");
    return 0;
}

static int list_builtins(void)
{
    size_t count;
    const tfb_model_config *all = tfb_model_builtins(&count);
    printf("%-14s %-14s %7s %6s %6s %9s %7s %8s %s\n", "id", "name", "d_model", "layers", "heads", "kv_heads",
           "d_ff", "vocab", "ffn");
    for (size_t i = 0; i < count; i++) {
        const tfb_model_config *c = &all[i];
        char experts[48] = "";
        if (c->n_experts > 1)
            snprintf(experts, sizeof experts, ", %" PRIu64 " experts, %" PRIu64 " per token", c->n_experts,
                     c->experts_per_token);
        printf("%-14s %-14s %7" PRIu64 " %6" PRIu64 " %6" PRIu64 " %9" PRIu64 " %7" PRIu64 " %8" PRIu64 " %s%s%s\n",
               tfb_model_builtin_id(c), c->name, c->d_model, c->n_layers, c->n_heads, c->n_kv_heads, c->d_ff,
               c->vocab_size, c->ffn == TFB_FFN_SWIGLU ? "swiglu" : "gelu", c->tied_embeddings ? ", tied" : "",
               experts);
    }
    return 0;
}

static int resolve_config(const model_args *a, model_run *run)
{
    tfb_error err;
    if (a->config_path) {
        if (tfb_model_load_json(a->config_path, &run->config, &err) == TFB_OK) return 0;
        fprintf(stderr, "tfbench: model: %s\n", err.message);
        return 2;
    }
    const tfb_model_config *builtin = tfb_model_builtin(a->name);
    if (!builtin) {
        fprintf(stderr, "tfbench: model: unknown model \"%s\" (tfbench model --list shows the built-in ones)\n",
                a->name);
        return 2;
    }
    run->config = *builtin;
    run->builtin_id = tfb_model_builtin_id(builtin);
    return 0;
}

/* fp32 weights run on the fp32 units; fp16, int8 and int4 weights are taken as dequantized to the fp16 matrix rate. */
static double pick_peak(double fp16, double fp32, tfb_model_dtype dtype, char *note, size_t size)
{
    int wants_fp32 = dtype == TFB_MODEL_FP32;
    double wanted = wants_fp32 ? fp32 : fp16, other = wants_fp32 ? fp16 : fp32;
    if (wanted > 0) return wanted;
    snprintf(note, size, "no %s peak known; the ridge uses the %s peak", wants_fp32 ? "fp32" : "fp16",
             wants_fp32 ? "fp16" : "fp32");
    return other;
}

static int device_from_datasheet(const model_args *a, model_run *run)
{
    const char *name = a->device_spec ? a->device_spec : "H100 SXM";
    const tfb_datasheet *sheet = tfb_datasheet_find(name);
    if (!sheet) {
        fprintf(stderr, "tfbench: model: unknown device \"%s\" (A100, H100 SXM, H100 NVL, TPU v4, H200)\n", name);
        return 2;
    }
    snprintf(run->device.name, sizeof run->device.name, "%s", sheet->name);
    snprintf(run->device_source, sizeof run->device_source, "datasheet");
    run->device.bandwidth_gbps = sheet->bandwidth_gbps;
    run->device.memory_bytes = sheet->memory_gb * 1e9;
    run->device.peak_gflops = pick_peak(sheet->fp16_gflops, sheet->fp32_gflops, a->dtype, run->peak_note,
                                        sizeof run->peak_note);
    return 0;
}

static double json_number_at(const cJSON *root, const char *a, const char *b, const char *c)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, a), b);
    item = cJSON_GetObjectItemCaseSensitive(item, c);
    return cJSON_IsNumber(item) ? item->valuedouble : -1.0;
}

static int measured_fail(const char *path, const char *what)
{
    fprintf(stderr, "tfbench: model: %s: %s\n", path, what);
    return 2;
}

static int read_measured_ceilings(const cJSON *root, const model_args *a, model_run *run)
{
    const char *path = a->measured_path;
    double bandwidth = json_number_at(root, TFB_KEY_CONTEXT, TFB_KEY_CEILINGS, TFB_KEY_BANDWIDTH_GBPS);
    double fp32 = json_number_at(root, TFB_KEY_CONTEXT, TFB_KEY_CEILINGS, TFB_KEY_PEAK_GFLOPS_FP32);
    double fp16 = json_number_at(root, TFB_KEY_CONTEXT, TFB_KEY_CEILINGS, TFB_KEY_PEAK_GFLOPS_FP16);
    double memory = json_number_at(root, TFB_KEY_CONTEXT, "device", "global_mem_bytes");
    if (bandwidth <= 0) return measured_fail(path, "no measured context.ceilings.bandwidth_gbps (run the stream suite)");
    if (fp32 <= 0 && fp16 <= 0) return measured_fail(path, "no measured context.ceilings.peak_gflops_fp32 or _fp16");
    if (memory <= 0) return measured_fail(path, "no context.device.global_mem_bytes");
    run->device.bandwidth_gbps = bandwidth;
    run->device.memory_bytes = memory;
    run->device.peak_gflops = pick_peak(fp16 > 0 ? fp16 : 0, fp32 > 0 ? fp32 : 0, a->dtype, run->peak_note,
                                        sizeof run->peak_note);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, TFB_KEY_CONTEXT), "device"), "name");
    const char *device = cJSON_IsString(name) ? name->valuestring : "measured";
    if (strlen(device) >= sizeof run->device.name) return measured_fail(path, "context.device.name is too long");
    snprintf(run->device.name, sizeof run->device.name, "%s", device);
    int n = snprintf(run->device_source, sizeof run->device_source, "measured (%s)", path);
    if (n < 0 || (size_t)n >= sizeof run->device_source) return measured_fail(path, "path too long");
    return 0;
}

static int device_from_results(const model_args *a, model_run *run)
{
    tfb_error err;
    cJSON *root = NULL;
    if (tfb_report_load_results(a->measured_path, &root, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: model: --measured: %s\n", err.message);
        return 2;
    }
    int status = read_measured_ceilings(root, a, run);
    cJSON_Delete(root);
    return status;
}

static void compute(const model_args *a, model_run *run)
{
    tfb_model_count_params(&run->config, a->mode, &run->params);
    tfb_model_count_flops(&run->config, a->mode, a->seq, &run->flops);
    tfb_model_analyze_decode_kv(&run->config, a->mode, a->seq, a->batch, a->dtype, a->kv_dtype, &run->device,
                                &run->decode);
    run->crossover = tfb_model_crossover_context(&run->config, a->mode);
}

/* cJSON stores numbers as doubles; raw text keeps 64-bit counts exact. */
static void add_count(cJSON *object, const char *key, uint64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRIu64, value);
    cJSON_AddRawToObject(object, key, text);
}

static cJSON *config_json(const tfb_model_config *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", c->name);
    add_count(o, "d_model", c->d_model);
    add_count(o, "n_layers", c->n_layers);
    add_count(o, "n_heads", c->n_heads);
    add_count(o, "n_kv_heads", c->n_kv_heads);
    add_count(o, "d_ff", c->d_ff);
    add_count(o, "vocab_size", c->vocab_size);
    cJSON_AddStringToObject(o, "ffn", c->ffn == TFB_FFN_SWIGLU ? "swiglu" : "gelu");
    cJSON_AddBoolToObject(o, "tied_embeddings", c->tied_embeddings);
    add_count(o, "n_experts", c->n_experts);
    add_count(o, "experts_per_token", c->experts_per_token);
    cJSON_AddStringToObject(o, "norm", c->norm == TFB_NORM_LAYER ? "layernorm" : "rmsnorm");
    cJSON_AddBoolToObject(o, "bias", c->bias);
    cJSON_AddStringToObject(o, "positions", c->positions == TFB_POSITIONS_LEARNED ? "learned" : "rope");
    if (c->positions == TFB_POSITIONS_LEARNED) add_count(o, "max_positions", c->max_positions);
    if (c->ffn == TFB_FFN_GELU) cJSON_AddStringToObject(o, "gelu", c->gelu == TFB_GELU_ERF ? "erf" : "tanh");
    cJSON_AddStringToObject(o, "norm_placement", c->post_norm ? "post" : "pre");
    return o;
}

static cJSON *device_json(const model_run *run)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", run->device.name);
    cJSON_AddStringToObject(o, "source", run->device_source);
    cJSON_AddNumberToObject(o, "bandwidth_gbps", run->device.bandwidth_gbps);
    cJSON_AddNumberToObject(o, "peak_gflops", run->device.peak_gflops);
    cJSON_AddNumberToObject(o, "memory_bytes", run->device.memory_bytes);
    if (run->peak_note[0]) cJSON_AddStringToObject(o, "note", run->peak_note);
    return o;
}

static void add_params_json(cJSON *o, const tfb_model_params *p)
{
    add_count(o, "params_total", p->total);
    add_count(o, "params_active", p->active);
    add_count(o, "params_embedding", p->embedding);
    add_count(o, "params_positions", p->positions);
    add_count(o, "params_attention", p->attention);
    add_count(o, "params_ffn", p->ffn);
    add_count(o, "params_norms", p->norms);
    add_count(o, "params_output_head", p->output_head);
}

static void add_flops_json(cJSON *o, const model_run *run)
{
    add_count(o, "flops_per_token", run->flops.total);
    add_count(o, "flops_attention", run->flops.attention);
    add_count(o, "flops_ffn", run->flops.ffn);
    add_count(o, "flops_head", run->flops.head);
    cJSON_AddNumberToObject(o, "attention_flops_fraction", tfb_model_attention_fraction(&run->flops));
    cJSON_AddNumberToObject(o, "crossover_context", run->crossover);
}

static void add_decode_json(cJSON *o, const tfb_model_decode *d)
{
    add_count(o, "kv_cache_bytes", d->kv_cache_bytes);
    add_count(o, "weight_bytes", d->weight_bytes);
    add_count(o, "weight_bytes_per_step", d->weight_bytes_per_step);
    cJSON_AddNumberToObject(o, "arithmetic_intensity", d->arithmetic_intensity);
    cJSON_AddNumberToObject(o, "ridge_point", d->ridge_point);
    if (d->ridge_batch) add_count(o, "ridge_batch", d->ridge_batch);
    else cJSON_AddNullToObject(o, "ridge_batch");
    if (d->ridge_batch_weights_only) add_count(o, "ridge_batch_weights_only", d->ridge_batch_weights_only);
    else cJSON_AddNullToObject(o, "ridge_batch_weights_only");
    cJSON_AddNumberToObject(o, "tokens_per_second_bound", d->tokens_per_second);
    cJSON_AddNumberToObject(o, "tokens_per_second_aggregate", d->tokens_per_second_aggregate);
    cJSON_AddNumberToObject(o, "tokens_per_second_roofline", d->tokens_per_second_roofline);
    add_count(o, "max_batch_in_memory", d->max_batch_in_memory);
}

/* The MoE batch curve: expected distinct experts, bytes and the bandwidth bound at B = 1 .. 32. */
static cJSON *moe_json(const model_args *a, const model_run *run)
{
    cJSON *o = cJSON_CreateObject(), *curve = cJSON_AddArrayToObject(o, "batch_curve");
    uint64_t total, active;
    tfb_model_moe_memory(&run->config, a->dtype, &total, &active);
    add_count(o, "memory_bytes", total);
    add_count(o, "active_bytes_per_token", active);
    for (int i = 0; i < TFB_MODEL_MOE_CURVE; i++) {
        tfb_model_moe_point pt;
        tfb_model_moe_point_at(&run->config, a->seq, tfb_model_moe_batches[i], a->dtype, a->kv_dtype,
                               run->device.bandwidth_gbps, &pt);
        cJSON *row = cJSON_CreateObject();
        add_count(row, "batch", pt.batch);
        cJSON_AddNumberToObject(row, "expected_experts_per_layer", pt.experts);
        cJSON_AddNumberToObject(row, "layer_weight_bytes", pt.layer_bytes);
        cJSON_AddNumberToObject(row, "step_bytes", pt.step_bytes);
        cJSON_AddNumberToObject(row, "bytes_per_token", pt.bytes_per_token);
        cJSON_AddNumberToObject(row, "tokens_per_second_bound", pt.tokens_per_second);
        cJSON_AddItemToArray(curve, row);
    }
    return o;
}

static int print_json(const model_args *a, const model_run *run)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", run->config.name);
    if (run->builtin_id) cJSON_AddStringToObject(o, "id", run->builtin_id);
    cJSON_AddStringToObject(o, "mode", a->mode == TFB_MODEL_LECTURE ? "lecture-mha" : "exact");
    add_count(o, "seq", a->seq);
    add_count(o, "batch", a->batch);
    cJSON_AddStringToObject(o, "dtype", tfb_model_dtype_name(a->dtype));
    cJSON_AddStringToObject(o, "kv_dtype", tfb_model_dtype_name(a->kv_dtype));
    cJSON_AddItemToObject(o, "config", config_json(&run->config));
    add_params_json(o, &run->params);
    add_flops_json(o, run);
    cJSON_AddItemToObject(o, "device", device_json(run));
    add_decode_json(o, &run->decode);
    if (run->config.n_experts > 1) cJSON_AddItemToObject(o, "moe", moe_json(a, run));
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) {
        fprintf(stderr, "tfbench: model: out of memory\n");
        return 1;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

/* "6738415616" -> "6,738,415,616" */
static const char *grouped(uint64_t value, char *buf, size_t size)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, value);
    size_t j = 0;
    for (int i = 0; i < n && j + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0) buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
    return buf;
}

static void print_param_row(const char *label, uint64_t value, uint64_t total)
{
    char buf[40];
    printf("  %-18s %22s  %5.1f%%\n", label, grouped(value, buf, sizeof buf), 100.0 * (double)value / (double)total);
}

static void print_header(const model_args *a, const model_run *run)
{
    const tfb_model_config *c = &run->config;
    printf("%s: %" PRIu64 " layers, d_model %" PRIu64 ", %" PRIu64 " heads / %" PRIu64 " KV heads (d_head %" PRIu64
           "), d_ff %" PRIu64 " %s, vocab %" PRIu64 "%s",
           c->name, c->n_layers, c->d_model, c->n_heads, c->n_kv_heads, tfb_model_d_head(c), c->d_ff,
           c->ffn == TFB_FFN_SWIGLU ? "SwiGLU" : "GELU", c->vocab_size, c->tied_embeddings ? ", tied" : "");
    if (c->n_experts > 1) printf(", %" PRIu64 " experts (%" PRIu64 " per token)", c->n_experts, c->experts_per_token);
    if (c->norm == TFB_NORM_LAYER || c->bias || c->positions == TFB_POSITIONS_LEARNED)
        printf("\n%s%s, %s%s, %s", c->norm == TFB_NORM_LAYER ? "LayerNorm" : "RMSNorm", c->post_norm ? " (post)" : "",
               c->bias ? "biases" : "no biases",
               c->ffn == TFB_FFN_GELU ? (c->gelu == TFB_GELU_ERF ? ", GELU erf" : ", GELU tanh") : "",
               c->positions == TFB_POSITIONS_LEARNED ? "learned positions" : "RoPE");
    printf("\n%s; context %" PRIu64 ", batch %" PRIu64 ", %s\n\n",
           a->mode == TFB_MODEL_LECTURE ? "lecture arithmetic (--mha: every layer MHA, K/V d_model x d_model)"
                                        : "exact (K/V sized by the KV heads)",
           a->seq, a->batch, tfb_model_dtype_name(a->dtype));
}

static void print_params(const model_run *run)
{
    const tfb_model_params *p = &run->params;
    char buf[40];
    printf("Parameters\n");
    print_param_row("embedding", p->embedding, p->total);
    if (p->positions) print_param_row("positions", p->positions, p->total);
    print_param_row("attention", p->attention, p->total);
    print_param_row("ffn", p->ffn, p->total);
    print_param_row("norms", p->norms, p->total);
    print_param_row(p->output_head ? "output head" : "output head (tied)", p->output_head, p->total);
    printf("  %-18s %22s  (%.1f B)\n", "total", grouped(p->total, buf, sizeof buf), (double)p->total / 1e9);
    printf("  %-18s %22s  (%.1f B)\n\n", "active per token", grouped(p->active, buf, sizeof buf),
           (double)p->active / 1e9);
}

static void print_flops(const model_args *a, const model_run *run)
{
    const tfb_model_flops *f = &run->flops;
    char buf[40];
    printf("FLOPs per token at context %" PRIu64 "\n", a->seq);
    printf("  %-18s %22s\n", "attention proj.", grouped(f->attention_projections, buf, sizeof buf));
    printf("  %-18s %22s\n", "QK^T + A*V", grouped(f->attention_scores, buf, sizeof buf));
    printf("  %-18s %22s\n", "ffn", grouped(f->ffn, buf, sizeof buf));
    printf("  %-18s %22s\n", "output head", grouped(f->head, buf, sizeof buf));
    printf("  %-18s %22s  (%.2f GFLOP)\n", "total", grouped(f->total, buf, sizeof buf), (double)f->total / 1e9);
    printf("  attention / (attention + ffn) = %.1f%%; attention passes the FFN at context %.0f\n\n",
           100.0 * tfb_model_attention_fraction(f), run->crossover);
}

static void print_decode(const model_args *a, const model_run *run)
{
    const tfb_model_decode *d = &run->decode;
    if (a->kv_dtype != a->dtype)
        printf("Memory (%s weights, %s KV cache)\n", tfb_model_dtype_name(a->dtype), tfb_model_dtype_name(a->kv_dtype));
    else
        printf("Memory (%s)\n", tfb_model_dtype_name(a->dtype));
    printf("  weights %.2f GB, read per decode step %.2f GB; KV cache %.3f GB (%" PRIu64 " x %" PRIu64 " tokens)\n\n",
           (double)d->weight_bytes / 1e9, (double)d->weight_bytes_per_step / 1e9, (double)d->kv_cache_bytes / 1e9,
           a->batch, a->seq);
    printf("Decode on %s [%s]: %.0f GB/s, %.0f GFLOP/s, %.0f GB\n", run->device.name, run->device_source,
           run->device.bandwidth_gbps, run->device.peak_gflops, run->device.memory_bytes / 1e9);
    if (run->peak_note[0]) printf("  note: %s\n", run->peak_note);
    printf("  arithmetic intensity %.2f FLOP/byte at batch %" PRIu64 "; ridge point %.1f FLOP/byte\n",
           d->arithmetic_intensity, a->batch, d->ridge_point);
    if (d->ridge_batch) printf("  batch needed to reach the ridge: %" PRIu64 "\n", d->ridge_batch);
    else printf("  no batch reaches the ridge: the KV cache read grows with the batch too\n");
    if (d->ridge_batch_weights_only && d->ridge_batch_weights_only != d->ridge_batch)
        printf("  (without the KV-cache traffic: batch %" PRIu64 ")\n", d->ridge_batch_weights_only);
    printf("  bandwidth bound: %.1f tokens/s per sequence, %.1f tokens/s in aggregate (roofline: %.1f per sequence)\n",
           d->tokens_per_second, d->tokens_per_second_aggregate, d->tokens_per_second_roofline);
    if (d->max_batch_in_memory)
        printf("  largest batch in memory at context %" PRIu64 ": %" PRIu64 "\n", a->seq, d->max_batch_in_memory);
    else
        printf("  does not fit: the weights (or one sequence's KV cache) exceed the device memory\n");
}

static void print_moe(const model_args *a, const model_run *run)
{
    uint64_t total, active;
    tfb_model_moe_memory(&run->config, a->dtype, &total, &active);
    printf("\nMixture of experts: memory %.2f GB (every expert), active %.2f GB per token\n", (double)total / 1e9,
           (double)active / 1e9);
    printf("  expected experts per layer at batch B, uniform routing: E (1 - (1 - k/E)^B)\n");
    printf("  %5s %8s %14s %14s %14s %14s\n", "B", "experts", "layer GB", "step GB", "GB/token", "tokens/s");
    for (int i = 0; i < TFB_MODEL_MOE_CURVE; i++) {
        tfb_model_moe_point pt;
        tfb_model_moe_point_at(&run->config, a->seq, tfb_model_moe_batches[i], a->dtype, a->kv_dtype,
                               run->device.bandwidth_gbps, &pt);
        printf("  %5" PRIu64 " %8.3f %14.4f %14.3f %14.4f %14.1f\n", pt.batch, pt.experts, pt.layer_bytes / 1e9,
               pt.step_bytes / 1e9, pt.bytes_per_token / 1e9, pt.tokens_per_second);
    }
}

int tfb_cmd_model(int argc, char **argv)
{
    model_args a;
    model_run run;
    tfb_error err;
    int status = parse_args(argc, argv, &a);
    if (status) return status;
    if (a.help) return printf("%s", USAGE), 0;
    if (a.list) return list_builtins();
    memset(&run, 0, sizeof run);
    if ((status = resolve_config(&a, &run))) return status;
    if (tfb_model_check_workload(&run.config, a.seq, a.batch, &err)) {
        fprintf(stderr, "tfbench: model: %s\n", err.message);
        return 2;
    }
    status = a.measured_path ? device_from_results(&a, &run) : device_from_datasheet(&a, &run);
    if (status) return status;
    compute(&a, &run);
    if (a.json) return print_json(&a, &run);
    print_header(&a, &run);
    print_params(&run);
    print_flops(&a, &run);
    print_decode(&a, &run);
    if (run.config.n_experts > 1) print_moe(&a, &run);
    return 0;
}
