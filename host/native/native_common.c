#include <stdlib.h>
#include <string.h>
#include "native_common.h"
#include "tfbench/parse.h"

int native_parse_args(int argc, char **argv, void (*usage)(FILE *out), native_options *opt, tfb_error *err)
{
    memset(opt, 0, sizeof *opt);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quick") == 0) opt->quick = 1;
        else if (strcmp(a, "--stream-only") == 0) opt->stream_only = 1;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return usage(stdout), exit(0), TFB_OK;
        else if (!value) return tfb_fail(err, "unknown option or missing value: \"%s\"", a);
        else if (strcmp(a, "--json") == 0) opt->json_path = argv[++i];
        else if (strcmp(a, "--shape") == 0) {
            if (tfb_parse_shape(argv[++i], &opt->m, &opt->n, &opt->k, err) != TFB_OK) return TFB_ERROR;
        } else if (strcmp(a, "--batch") == 0) {
            if (tfb_parse_size_list(argv[++i], opt->batches, TFB_MAX_LIST, &opt->batch_count, err) != TFB_OK)
                return TFB_ERROR;
        } else {
            return tfb_fail(err, "unknown option \"%s\" (see --help)", a);
        }
    }
    return TFB_OK;
}

void native_shapes_for(const native_options *opt, native_shapes *out)
{
    static const size_t GEMV_SHAPES[][2] = {{4096, 4096}, {11008, 4096}, {4096, 11008}};
    static const size_t DEFAULT_BATCHES[] = {8, 32, 128, 512}, QUICK_BATCHES[] = {16, 128};
    memset(out, 0, sizeof *out);
    out->n = opt->m ? opt->n : 4096;
    out->k = opt->m ? opt->k : 4096;
    out->gemv_count = opt->m ? 1 : 3;
    for (size_t i = 0; i < out->gemv_count; i++) {
        out->gemv[i][0] = opt->m ? out->n : GEMV_SHAPES[i][0];
        out->gemv[i][1] = opt->m ? out->k : GEMV_SHAPES[i][1];
    }
    const size_t *batches = opt->quick ? QUICK_BATCHES : DEFAULT_BATCHES;
    size_t count = opt->quick ? 2 : 4;
    if (opt->batch_count) batches = opt->batches, count = opt->batch_count;
    else if (opt->m) batches = &opt->m, count = 1;
    for (size_t i = 0; i < count; i++)
        if (batches[i] > 1) out->batches[out->batch_count++] = batches[i];
    out->square = !opt->m && !opt->batch_count && !opt->quick;
}

tfb_result *native_add_result(tfb_results *results, const char *name, const char *suite, const char *impl,
                              const char *shape, const char *series)
{
    tfb_result *r = tfb_results_add(results);
    if (!r) return NULL;
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->suite, sizeof r->suite, "%s", suite);
    snprintf(r->impl, sizeof r->impl, "%s", impl);
    snprintf(r->dtype, sizeof r->dtype, "fp32");
    snprintf(r->shape, sizeof r->shape, "%s", shape);
    snprintf(r->series, sizeof r->series, "%s", series);
    return r;
}

tfb_result *native_add_gemm_result(tfb_results *results, const char *impl, const char *dtype, size_t m, size_t n,
                                   size_t k)
{
    char name[192], shape[64], series[128];
    const char *suite = m == 1 ? "gemv" : "gemm";
    if (m == 1) snprintf(shape, sizeof shape, "%zux%zu", n, k);
    else snprintf(shape, sizeof shape, "%zux%zux%zu", m, n, k);
    snprintf(name, sizeof name, "native/%s/%s/%s/%s", impl, suite, shape, dtype);
    if (m == 1) snprintf(series, sizeof series, "native/%s/gemv/%s", impl, dtype);
    else snprintf(series, sizeof series, "native/%s/gemm/%zux%zu/%s", impl, n, k, dtype);
    tfb_result *r = native_add_result(results, name, suite, impl, shape, series);
    if (!r) return NULL;
    snprintf(r->dtype, sizeof r->dtype, "%s", dtype);
    r->m = (long long)m, r->n = (long long)n, r->k = (long long)k;
    return r;
}
