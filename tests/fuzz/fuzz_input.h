/* Fuzz inputs that hold several documents (two results files to compare, each rank's state and results), one after
 * another, separated by a line "--8<--". JSON text never holds a raw newline inside a string, so a valid document
 * cannot contain the separator and the seed files stay readable. Each part is copied into a buffer of its own
 * exact length, so a reader that runs past the end of its part is caught by ASan, not hidden by the next part. */
#ifndef TFB_FUZZ_INPUT_H
#define TFB_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_SEPARATOR "\n--8<--\n"
#define FUZZ_MAX_PARTS 8

typedef struct fuzz_parts {
    char *text[FUZZ_MAX_PARTS];
    size_t length[FUZZ_MAX_PARTS];
    size_t count;
} fuzz_parts;

static inline const char *fuzz_find_separator(const char *text, size_t length)
{
    const size_t separator = sizeof FUZZ_SEPARATOR - 1;
    for (size_t i = 0; i + separator <= length; i++)
        if (text[i] == '\n' && memcmp(text + i, FUZZ_SEPARATOR, separator) == 0) return text + i;
    return NULL;
}

/* Up to FUZZ_MAX_PARTS parts (the last takes the rest); returns 0 when out of memory. */
static inline int fuzz_split(const uint8_t *data, size_t size, fuzz_parts *parts)
{
    const char *text = (const char *)data, *end = text + size;
    memset(parts, 0, sizeof *parts);
    while (parts->count < FUZZ_MAX_PARTS) {
        const char *at = parts->count + 1 < FUZZ_MAX_PARTS ? fuzz_find_separator(text, (size_t)(end - text)) : NULL;
        size_t length = (size_t)((at ? at : end) - text);
        char *copy = malloc(length ? length : 1);
        if (!copy) return 0;
        if (length) memcpy(copy, text, length);
        parts->text[parts->count] = copy;
        parts->length[parts->count++] = length;
        if (!at) break;
        text = at + sizeof FUZZ_SEPARATOR - 1;
    }
    return 1;
}

static inline void fuzz_parts_free(fuzz_parts *parts)
{
    for (size_t i = 0; i < parts->count; i++) free(parts->text[i]);
    parts->count = 0;
}

/* An error must always come with a message: a reader that fails silently leaves the user guessing. */
#define FUZZ_REQUIRE_MESSAGE(err)                                                                                 \
    do {                                                                                                          \
        if (!memchr((err).message, '\0', sizeof (err).message) || !(err).message[0]) __builtin_trap();            \
    } while (0)

#endif
