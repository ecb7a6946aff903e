/* libFuzzer target: the results reader of `tfbench compare` must turn any byte string into either a document
   or an error message, never a crash, leak or undefined behaviour. Built with -DTFB_FUZZ=ON (clang). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tfbench/compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tfb_compare_doc doc;
    tfb_error err;
    if (tfb_compare_load_text((const char *)data, size, &doc, &err) == TFB_OK) {
        /* Exercise the comparison too: a document against itself must pair every entry with itself. */
        tfb_compare_report report;
        if (tfb_compare_docs(&doc, &doc, TFB_METRIC_GFLOPS, 0.1, &report, &err) == TFB_OK) {
            if (report.count != doc.count) __builtin_trap();
            tfb_compare_report_free(&report);
        }
        tfb_compare_doc_free(&doc);
    } else if (!memchr(err.message, '\0', sizeof err.message) || !err.message[0]) {
        __builtin_trap();  /* an error must always come with a message */
    }
    return 0;
}
