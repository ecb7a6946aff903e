#include <string.h>
#include "tfbench/kv_dtype.h"

static const char *const NAMES[TFB_KV_DTYPE_COUNT] = {"fp32", "fp16", "q8_0"};

const char *tfb_kv_dtype_name(tfb_kv_dtype dtype)
{
    return (unsigned)dtype < TFB_KV_DTYPE_COUNT ? NAMES[dtype] : "?";
}

double tfb_kv_dtype_bytes(tfb_kv_dtype dtype, double values)
{
    switch (dtype) {
    case TFB_KV_FP16: return 2.0 * values;
    case TFB_KV_Q8_0: return values * (2.0 + TFB_KV_Q8_GROUP) / TFB_KV_Q8_GROUP;
    default: return 4.0 * values;
    }
}

static const char *const WEIGHT_NAMES[TFB_WEIGHTS_COUNT] = {"fp32", "fp16", "q8_0", "q4_0", "int4-g128"};

const char *tfb_weight_format_name(tfb_weight_format format)
{
    return (unsigned)format < TFB_WEIGHTS_COUNT ? WEIGHT_NAMES[format] : "?";
}

/* A comma-separated list of `names` (no repeats) into their indexes; `what` and `choices` for the message. */
static int parse_names(const char *text, const char *const *names, size_t n, const char *what, const char *choices,
                       size_t *out, size_t max, size_t *count, tfb_error *err)
{
    *count = 0;
    for (const char *p = text;;) {
        size_t length = strcspn(p, ","), found = n;
        for (size_t i = 0; i < n; i++)
            if (strlen(names[i]) == length && strncmp(p, names[i], length) == 0) found = i;
        if (found == n)
            return tfb_fail(err, "\"%.*s\" is not a %s (%s)", (int)(length < 40 ? length : 40), p, what, choices);
        for (size_t i = 0; i < *count; i++)
            if (out[i] == found) return tfb_fail(err, "%s is named twice", names[found]);
        if (*count == max) return tfb_fail(err, "more than %zu formats", max);
        out[(*count)++] = found;
        if (!p[length]) return TFB_OK;
        p += length + 1;
    }
}

int tfb_kv_dtype_parse_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err)
{
    return parse_names(text, NAMES, TFB_KV_DTYPE_COUNT, "KV-cache format", "fp32, fp16, q8_0", out, max, count, err);
}

int tfb_weight_format_parse_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err)
{
    return parse_names(text, WEIGHT_NAMES, TFB_WEIGHTS_COUNT, "weight format", "fp32, fp16, q8_0, q4_0, int4-g128",
                       out, max, count, err);
}
