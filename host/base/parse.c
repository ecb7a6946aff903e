#include <ctype.h>
#include "tfbench/parse.h"

/* Digits from text to the first non-digit: *end points there; 0 when there is no digit or the value passes max. */
static int leading_whole(const char *text, unsigned long long max, unsigned long long *out, const char **end)
{
    unsigned long long value = 0;
    const char *p = text;
    int fits = isdigit((unsigned char)*p) != 0;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (digit > max || value > (max - digit) / 10) fits = 0;  /* max - digit must not wrap (a max under 9) */
        else value = value * 10 + digit;
    }
    *end = p;
    *out = value;
    return fits;
}

int tfb_parse_whole(const char *text, unsigned long long max, unsigned long long *out, tfb_error *err)
{
    const char *end;
    if (!text || !isdigit((unsigned char)text[0]))
        return tfb_fail(err, "\"%.100s\" is not a whole number (digits only)", text ? text : "");
    int fits = leading_whole(text, max, out, &end);
    if (*end) return tfb_fail(err, "\"%.100s\" is not a whole number (digits only)", text);
    if (!fits) return tfb_fail(err, "\"%.100s\" is above %llu", text, max);
    return TFB_OK;
}

int tfb_parse_size_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err)
{
    *count = 0;
    const char *p = text;
    if (!*p) return tfb_fail(err, "empty list");
    for (;;) {
        if (!isdigit((unsigned char)*p)) return tfb_fail(err, "\"%s\": expected positive integers, like 1,2,4", text);
        const char *end;
        unsigned long long value;
        if (!leading_whole(p, 1ull << 40, &value, &end) || value == 0)
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
        const char *end;
        unsigned long long value;
        char expected = i < 2 ? 'x' : '\0';
        if (!leading_whole(p, 1ull << 31, &value, &end) || value == 0 || *end != expected)
            return tfb_fail(err, "--shape \"%s\": expected MxNxK with three positive integers (e.g. 1x4096x4096)",
                            text);
        *dims[i] = (size_t)value;
        p = end + 1;
    }
    return TFB_OK;
}
