#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include "tfbench/parse.h"

int tfb_parse_size_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err)
{
    *count = 0;
    const char *p = text;
    if (!*p) return tfb_fail(err, "empty list");
    for (;;) {
        if (!isdigit((unsigned char)*p)) return tfb_fail(err, "\"%s\": expected positive integers, like 1,2,4", text);
        errno = 0;
        char *end;
        unsigned long long value = strtoull(p, &end, 10);
        if (errno || value == 0 || value > (1ull << 40))
            return tfb_fail(err, "\"%s\": %.*s is not a usable size", text, (int)(end - p), p);
        if (*count == max) return tfb_fail(err, "\"%s\": more than %zu values", text, max);
        out[(*count)++] = (size_t)value;
        if (*end == '\0') return TFB_OK;
        if (*end != ',') return tfb_fail(err, "\"%s\": unexpected '%c'", text, *end);
        p = end + 1;
    }
}

int tfb_parse_shape(const char *text, size_t *m, size_t *n, size_t *k, tfb_error *err)
{
    size_t *dims[] = {m, n, k};
    const char *p = text;
    for (int i = 0; i < 3; i++) {
        char *end;
        errno = 0;
        unsigned long long value = strtoull(p, &end, 10);
        char expected = i < 2 ? 'x' : '\0';
        if (!isdigit((unsigned char)*p) || errno || value == 0 || value > (1ull << 31) || *end != expected)
            return tfb_fail(err, "--shape \"%s\": expected MxNxK with three positive integers (e.g. 1x4096x4096)",
                            text);
        *dims[i] = (size_t)value;
        p = end + 1;
    }
    return TFB_OK;
}
