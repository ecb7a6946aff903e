/* User model configurations from JSON, and the checks every configuration passes before it is counted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "tfbench/model.h"
#include "tfbench/file_io.h"

enum { MAX_CONFIG_BYTES = 1 << 20 };
/* Counts are exact in uint64_t; refusing anything whose estimate passes 2^62 leaves a safe margin. */
#define COUNT_LIMIT 4.6e18

typedef struct size_key {
    const char *key;
    size_t offset;
    int required;
    uint64_t fallback;  /* when optional and absent; 0 = copy n_heads */
} size_key;

static const size_key SIZE_KEYS[] = {
    {"d_model", offsetof(tfb_model_config, d_model), 1, 0},
    {"n_layers", offsetof(tfb_model_config, n_layers), 1, 0},
    {"n_heads", offsetof(tfb_model_config, n_heads), 1, 0},
    {"n_kv_heads", offsetof(tfb_model_config, n_kv_heads), 0, 0},
    {"d_ff", offsetof(tfb_model_config, d_ff), 1, 0},
    {"vocab_size", offsetof(tfb_model_config, vocab_size), 1, 0},
    {"n_experts", offsetof(tfb_model_config, n_experts), 0, 1},
    {"experts_per_token", offsetof(tfb_model_config, experts_per_token), 0, 1},
};
static const char *const OTHER_KEYS[] = {"name", "ffn", "tied_embeddings", "norm", "bias", "positions",
                                         "max_positions", "gelu", "norm_placement"};

static int is_known_key(const char *key)
{
    for (size_t i = 0; i < sizeof SIZE_KEYS / sizeof SIZE_KEYS[0]; i++)
        if (strcmp(key, SIZE_KEYS[i].key) == 0) return 1;
    for (size_t i = 0; i < sizeof OTHER_KEYS / sizeof OTHER_KEYS[0]; i++)
        if (strcmp(key, OTHER_KEYS[i]) == 0) return 1;
    return 0;
}

static const char *json_type_name(const cJSON *item)
{
    if (cJSON_IsString(item)) return "a string";
    if (cJSON_IsBool(item)) return "a boolean";
    if (cJSON_IsNull(item)) return "null";
    if (cJSON_IsArray(item)) return "an array";
    if (cJSON_IsObject(item)) return "an object";
    return "a number";
}

static int read_size(const cJSON *root, const size_key *k, tfb_model_config *out, tfb_error *err)
{
    uint64_t *field = (uint64_t *)((char *)out + k->offset);
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, k->key);
    if (!item) {
        if (k->required) return tfb_fail(err, "config key \"%s\" is missing", k->key);
        *field = k->fallback ? k->fallback : out->n_heads;
        return TFB_OK;
    }
    if (!cJSON_IsNumber(item))
        return tfb_fail(err, "config key \"%s\" must be a positive integer, not %s", k->key, json_type_name(item));
    double value = item->valuedouble;
    if (!(value >= 1.0) || value > 9007199254740992.0 || value != floor(value))
        return tfb_fail(err, "config key \"%s\" must be a positive integer, got %g", k->key, value);
    *field = (uint64_t)value;
    return TFB_OK;
}

static int read_name(const cJSON *root, tfb_model_config *out, tfb_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (!item) return tfb_fail(err, "config key \"name\" is missing");
    if (!cJSON_IsString(item) || !item->valuestring[0])
        return tfb_fail(err, "config key \"name\" must be a non-empty string");
    if (strlen(item->valuestring) >= sizeof out->name)  /* a cut name would label another model */
        return tfb_fail(err, "config key \"name\" is longer than %zu bytes", sizeof out->name - 1);
    snprintf(out->name, sizeof out->name, "%s", item->valuestring);
    return TFB_OK;
}

static int read_ffn(const cJSON *root, tfb_model_config *out, tfb_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, "ffn");
    if (!item) return tfb_fail(err, "config key \"ffn\" is missing");
    if (cJSON_IsString(item) && strcmp(item->valuestring, "swiglu") == 0)
        out->ffn = TFB_FFN_SWIGLU;
    else if (cJSON_IsString(item) && strcmp(item->valuestring, "gelu") == 0)
        out->ffn = TFB_FFN_GELU;
    else
        return tfb_fail(err, "config key \"ffn\" must be \"swiglu\" or \"gelu\"");
    return TFB_OK;
}

static int read_tied(const cJSON *root, tfb_model_config *out, tfb_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, "tied_embeddings");
    if (!item) return tfb_fail(err, "config key \"tied_embeddings\" is missing");
    if (!cJSON_IsBool(item))
        return tfb_fail(err, "config key \"tied_embeddings\" must be true or false, not %s", json_type_name(item));
    out->tied_embeddings = cJSON_IsTrue(item);
    return TFB_OK;
}

/* An optional key naming one of two choices: absent, choice 0 (the Llama-style value). */
static int read_choice(const cJSON *root, const char *key, const char *zero, const char *one, int *out, tfb_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
    *out = 0;
    if (!item) return TFB_OK;
    if (cJSON_IsString(item) && strcmp(item->valuestring, zero) == 0) return TFB_OK;
    if (cJSON_IsString(item) && strcmp(item->valuestring, one) == 0) {
        *out = 1;
        return TFB_OK;
    }
    return tfb_fail(err, "config key \"%s\" must be \"%s\" or \"%s\"", key, zero, one);
}

/* The classic block's keys; learned positions need the table's size. */
static int read_classic_keys(const cJSON *root, tfb_model_config *out, tfb_error *err)
{
    int norm, positions, gelu, post;
    const cJSON *bias = cJSON_GetObjectItemCaseSensitive(root, "bias");
    if (bias && !cJSON_IsBool(bias))
        return tfb_fail(err, "config key \"bias\" must be true or false, not %s", json_type_name(bias));
    out->bias = cJSON_IsTrue(bias);
    if (read_choice(root, "norm", "rmsnorm", "layernorm", &norm, err) ||
        read_choice(root, "positions", "rope", "learned", &positions, err) ||
        read_choice(root, "gelu", "tanh", "erf", &gelu, err) ||
        read_choice(root, "norm_placement", "pre", "post", &post, err))
        return TFB_ERROR;
    out->norm = norm ? TFB_NORM_LAYER : TFB_NORM_RMS;
    out->positions = positions ? TFB_POSITIONS_LEARNED : TFB_POSITIONS_ROPE;
    out->gelu = gelu ? TFB_GELU_ERF : TFB_GELU_TANH;
    out->post_norm = post;
    const cJSON *table = cJSON_GetObjectItemCaseSensitive(root, "max_positions");
    if (!positions && table) return tfb_fail(err, "config key \"max_positions\" needs \"positions\": \"learned\"");
    if (!positions) return TFB_OK;
    if (!table) return tfb_fail(err, "config key \"max_positions\" is missing (learned positions need it)");
    size_key key = {"max_positions", offsetof(tfb_model_config, max_positions), 1, 0};
    return read_size(root, &key, out, err);
}

static int read_config_object(const cJSON *root, tfb_model_config *out, tfb_error *err)
{
    if (!cJSON_IsObject(root)) return tfb_fail(err, "config must be a JSON object, not %s", json_type_name(root));
    for (const cJSON *item = root->child; item; item = item->next)
        if (!is_known_key(item->string)) return tfb_fail(err, "unknown config key \"%s\"", item->string);
    memset(out, 0, sizeof *out);
    if (read_name(root, out, err) || read_ffn(root, out, err) || read_tied(root, out, err) ||
        read_classic_keys(root, out, err))
        return TFB_ERROR;
    for (size_t i = 0; i < sizeof SIZE_KEYS / sizeof SIZE_KEYS[0]; i++)
        if (read_size(root, &SIZE_KEYS[i], out, err)) return TFB_ERROR;
    return tfb_model_validate(out, err);
}

int tfb_model_parse_json(const char *text, tfb_model_config *out, tfb_error *err)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) return tfb_fail(err, "not valid JSON (error near byte %td)", end ? end - text : (ptrdiff_t)0);
    int status = read_config_object(root, out, err);
    cJSON_Delete(root);
    return status;
}

int tfb_model_load_json(const char *path, tfb_model_config *out, tfb_error *err)
{
    char *text = NULL;
    size_t length = 0;
    if (tfb_read_file(path, MAX_CONFIG_BYTES, &text, &length, err)) return TFB_ERROR;
    tfb_error inner;
    int status = tfb_model_parse_json(text, out, &inner);
    free(text);
    if (status) return tfb_fail(err, "%s: %s", path, inner.message);
    return TFB_OK;
}

/* Upper estimate of the parameter count in floating point, so an absurd config is refused before integer overflow. */
static double estimated_params(const tfb_model_config *c)
{
    double d = (double)c->d_model;
    double per_layer = 4.0 * d * d + 3.0 * d * (double)c->d_ff * (double)c->n_experts + d * (double)c->n_experts +
                       4.0 * d + (double)c->n_experts * (3.0 * (double)c->d_ff + d);  /* + biases */
    return (double)c->n_layers * per_layer + 2.0 * (double)c->vocab_size * d + 4.0 * (double)c->n_layers * d +
           (double)c->max_positions * d;
}

int tfb_model_validate(const tfb_model_config *c, tfb_error *err)
{
    if (!c->d_model || !c->n_layers || !c->n_heads || !c->n_kv_heads || !c->d_ff || !c->vocab_size ||
        !c->n_experts || !c->experts_per_token)
        return tfb_fail(err, "model sizes must all be positive");
    if (c->d_model % c->n_heads)
        return tfb_fail(err, "config key \"n_heads\" (%llu) must divide d_model (%llu)",
                        (unsigned long long)c->n_heads, (unsigned long long)c->d_model);
    if (c->n_heads % c->n_kv_heads)
        return tfb_fail(err, "config key \"n_kv_heads\" (%llu) must divide n_heads (%llu)",
                        (unsigned long long)c->n_kv_heads, (unsigned long long)c->n_heads);
    if (c->experts_per_token > c->n_experts)
        return tfb_fail(err, "config key \"experts_per_token\" (%llu) must not exceed n_experts (%llu)",
                        (unsigned long long)c->experts_per_token, (unsigned long long)c->n_experts);
    if (estimated_params(c) > COUNT_LIMIT / 64)
        return tfb_fail(err, "model is too large to count exactly (about %.3g parameters)", estimated_params(c));
    return TFB_OK;
}

int tfb_model_check_workload(const tfb_model_config *c, uint64_t seq, uint64_t batch, tfb_error *err)
{
    if (seq == 0 || batch == 0) return tfb_fail(err, "sequence length and batch must be positive");
    double kv_elements = 2.0 * (double)c->n_layers * (double)c->d_model * (double)seq * (double)batch;
    double flops = (2.0 * estimated_params(c) + 4.0 * (double)c->n_layers * (double)c->d_model * (double)seq) *
                   (double)batch;
    if (kv_elements * 4.0 > COUNT_LIMIT || flops > COUNT_LIMIT)
        return tfb_fail(err, "sequence length %llu x batch %llu is too large to count exactly",
                        (unsigned long long)seq, (unsigned long long)batch);
    return TFB_OK;
}

int tfb_model_select(const char *model_name, const char *config_path, tfb_model_config *out, tfb_error *err)
{
    if (config_path) {
        if (tfb_model_load_json(config_path, out, err) != TFB_OK) return TFB_ERROR;
    } else {
        const char *name = model_name ? model_name : "llama2-7b";
        const tfb_model_config *builtin = tfb_model_builtin(name);
        if (!builtin) return tfb_fail(err, "--model \"%s\": no such built-in model (tfbench model --list)", name);
        *out = *builtin;
    }
    return tfb_model_validate(out, err);
}
