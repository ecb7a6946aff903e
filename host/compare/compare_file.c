/* Reading a results file for `tfbench compare`; kept apart from the parser so the fuzz target needs no file I/O. */
#include <stdlib.h>
#include <string.h>
#include "tfbench/compare.h"
#include "tfbench/file_io.h"
#include "tfbench/results.h"

int tfb_compare_load_file(const char *path, tfb_compare_doc *doc, tfb_error *err)
{
    char *text = NULL;
    size_t length = 0;
    memset(doc, 0, sizeof *doc);
    if (tfb_read_file(path, TFB_COMPARE_MAX_BYTES, &text, &length, err)) return TFB_ERROR;
    int rc = tfb_compare_load_text(text, length, doc, err);
    free(text);
    return rc;
}
