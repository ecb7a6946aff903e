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

int tfb_kv_dtype_parse_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err)
{
    *count = 0;
    for (const char *p = text;;) {
        size_t length = strcspn(p, ","), found = TFB_KV_DTYPE_COUNT;
        for (size_t i = 0; i < TFB_KV_DTYPE_COUNT; i++)
            if (strlen(NAMES[i]) == length && strncmp(p, NAMES[i], length) == 0) found = i;
        if (found == TFB_KV_DTYPE_COUNT)
            return tfb_fail(err, "\"%.*s\" is not a KV-cache format (fp32, fp16, q8_0)",
                            (int)(length < 40 ? length : 40), p);
        for (size_t i = 0; i < *count; i++)
            if (out[i] == found) return tfb_fail(err, "%s is named twice", NAMES[found]);
        if (*count == max) return tfb_fail(err, "more than %zu formats", max);
        out[(*count)++] = found;
        if (!p[length]) return TFB_OK;
        p += length + 1;
    }
}
