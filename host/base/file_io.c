#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "tfbench/file_io.h"

int tfb_read_file(const char *path, size_t max_bytes, char **data, size_t *length, tfb_error *err)
{
    struct stat st;
    *data = NULL;
    *length = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return tfb_fail(err, "cannot open %s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return tfb_fail(err, "%s is not a regular file", path);
    }
    if ((uint64_t)st.st_size > max_bytes) {
        fclose(f);
        return tfb_fail(err, "%s is too large (%lld bytes, limit %zu)", path, (long long)st.st_size, max_bytes);
    }
    char *buffer = malloc((size_t)st.st_size + 1);
    if (!buffer) {
        fclose(f);
        return tfb_fail(err, "out of memory reading %s", path);
    }
    size_t got = fread(buffer, 1, (size_t)st.st_size, f);
    fclose(f);
    buffer[got] = '\0';
    *data = buffer;
    *length = got;
    return TFB_OK;
}
