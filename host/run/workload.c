#include <errno.h>
#include <regex.h>
#include <string.h>
#include <sys/stat.h>
#include "tfbench/parse.h"
#include "tfbench/workload.h"

/* A --kernel-dir that does not exist would silently mean the embedded kernels: bad input instead. (Files missing
 * from an existing folder still come from the embedded copies, so a folder may override just one kernel.) */
static int check_kernel_dir(const char *dir, tfb_error *err)
{
    struct stat st;
    if (!dir) return TFB_OK;
    if (stat(dir, &st) != 0) return tfb_fail(err, "--kernel-dir %.300s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return tfb_fail(err, "--kernel-dir %.300s is not a folder", dir);
    return TFB_OK;
}

int tfb_workload_resolve(const tfb_options *opt, tfb_workload *out, tfb_error *err)
{
    memset(out, 0, sizeof *out);
    out->model_named = opt->model || opt->config;
    memcpy(out->batches, opt->batches, sizeof out->batches), out->batch_count = opt->batch_count;
    memcpy(out->kv_heads, opt->kv_heads, sizeof out->kv_heads), out->kv_head_count = opt->kv_head_count;
    memcpy(out->seqs, opt->seqs, sizeof out->seqs), out->seq_count = opt->seq_count;
    memcpy(out->head_dims, opt->head_dims, sizeof out->head_dims), out->head_dim_count = opt->head_dim_count;
    memcpy(out->kv_dtypes, opt->kv_dtypes, sizeof out->kv_dtypes), out->kv_dtype_count = opt->kv_dtype_count;
    memcpy(out->weight_formats, opt->weight_formats, sizeof out->weight_formats);
    out->weight_format_count = opt->weight_format_count;
    out->quick = opt->quick;
    if (opt->sweep) out->sweep = strcmp(opt->sweep, "seq") == 0 ? TFB_SWEEP_SEQ : TFB_SWEEP_BATCH;
    if (opt->filter) {
        regex_t pattern;
        int bad = regcomp(&pattern, opt->filter, REG_EXTENDED | REG_NOSUB);
        if (bad) return tfb_fail(err, "--filter: \"%.200s\" is not a POSIX extended regular expression", opt->filter);
        regfree(&pattern);
        out->filter = opt->filter;
    }
    out->suites_named = opt->suites != NULL;
    if (check_kernel_dir(opt->kernel_dir, err) != TFB_OK) return TFB_ERROR;
    if (tfb_model_select(opt->model, opt->config, &out->model, err) != TFB_OK) return TFB_ERROR;
    if (!opt->shape) return TFB_OK;
    out->has_shape = 1;
    return tfb_parse_shape(opt->shape, &out->shape_m, &out->shape_n, &out->shape_k, err);
}
