/* libFuzzer target: `tfbench compare` reads two results files, or two lists of rounds (tfbench's, Google
 * Benchmark's): any bytes must become documents or an error message, and documents must go through every step
 * compare takes (pooling the rounds, --normalize roof, the work equalized, the provenance warnings, the verdicts in
 * each metric) without a crash, leak or undefined behaviour. The input is one document (compared with itself) or
 * several separated by "--8<--" lines (fuzz_input.h): the first is the baseline, the rest the current rounds. */
#include "fuzz_input.h"
#include "tfbench/compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void compare(const tfb_compare_doc *base, tfb_compare_doc *current)
{
    char warnings[4][512];
    tfb_compare_provenance_warnings(base, current, warnings, 4);
    (void)tfb_compare_ceilings_change(base, current);
    tfb_compare_equalize_work(base, current);
    tfb_compare_normalize_roof(base, current);
    for (int metric = TFB_METRIC_TIME; metric <= TFB_METRIC_GBPS; metric++) {
        tfb_compare_report report;
        tfb_error err = {{0}};
        if (tfb_compare_docs_at(base, current, (tfb_metric)metric, 0.1, 0.05, &report, &err) == TFB_OK) {
            /* every baseline benchmark is a pair, each current one is paired or new, each pair has one verdict */
            size_t verdicts = 0;
            for (int v = 0; v < TFB_VERDICT_COUNT; v++) verdicts += report.counts[v];
            if (report.count < base->count || report.count > base->count + current->count || verdicts != report.count)
                __builtin_trap();
            tfb_compare_report_free(&report);
        } else {
            FUZZ_REQUIRE_MESSAGE(err);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parts parts;
    tfb_compare_doc docs[FUZZ_MAX_PARTS];
    size_t loaded = 0;
    int ok = fuzz_split(data, size, &parts);
    for (; ok && loaded < parts.count; loaded++) {
        tfb_error err = {{0}};
        if (tfb_compare_load_text(parts.text[loaded], parts.length[loaded], &docs[loaded], &err) != TFB_OK) {
            FUZZ_REQUIRE_MESSAGE(err);
            ok = 0;
            break;
        }
    }
    if (ok && loaded == 1) {
        tfb_compare_doc copy;
        tfb_error err = {{0}};
        /* the pool of one round is the document itself: compared with it, through the same steps */
        if (tfb_compare_pool(docs, 1, &copy, &err) == TFB_OK) {
            compare(&docs[0], &copy);
            tfb_compare_doc_free(&copy);
        } else {
            FUZZ_REQUIRE_MESSAGE(err);
        }
    } else if (ok) {
        tfb_compare_doc pooled;
        tfb_error err = {{0}};
        if (tfb_compare_pool(docs + 1, loaded - 1, &pooled, &err) == TFB_OK) {
            compare(&docs[0], &pooled);
            tfb_compare_doc_free(&pooled);
        } else {
            FUZZ_REQUIRE_MESSAGE(err);
        }
    }
    for (size_t i = 0; i < loaded; i++) tfb_compare_doc_free(&docs[i]);
    fuzz_parts_free(&parts);
    return 0;
}
