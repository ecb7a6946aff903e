#include <string.h>
#include "tfbench/parse.h"
#include "tfbench/workload.h"

int tfb_workload_resolve(const tfb_options *opt, tfb_workload *out, tfb_error *err)
{
    memset(out, 0, sizeof *out);
    out->model_named = opt->model || opt->config;
    if (tfb_model_select(opt->model, opt->config, &out->model, err) != TFB_OK) return TFB_ERROR;
    if (!opt->shape) return TFB_OK;
    out->has_shape = 1;
    return tfb_parse_shape(opt->shape, &out->shape_m, &out->shape_n, &out->shape_k, err);
}
