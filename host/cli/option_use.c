/* Which suite reads which option is each suite's own word (its table entry's options_used bits), so a new suite
 * states it once and this check never compares suite names. */
#include <stdio.h>
#include "cli.h"
#include "tfbench/options.h"
#include "tfbench/suite.h"

typedef struct option_use {
    const char *flag;
    unsigned bit;
    int given;
} option_use;

static unsigned options_read(const tfb_suite *const *suites, size_t count)
{
    unsigned used = 0;
    for (size_t i = 0; i < count; i++) used |= suites[i]->options_used;
    return used;
}

static void warn_unused(const char *flag, const tfb_suite *const *suites, size_t count, FILE *out)
{
    fprintf(out, "tfbench: warning: %s is not used by the selected suites (", flag);
    for (size_t i = 0; i < count; i++) fprintf(out, "%s%s", i ? "," : "", suites[i]->name);
    fputs(")\n", out);
}

size_t tfb_cli_warn_unused_options(const tfb_options *opt, const tfb_suite *const *suites, size_t count, FILE *out)
{
    const option_use OPTIONS[] = {
        {"--model", TFB_USES_MODEL, opt->model != NULL},
        {"--config", TFB_USES_MODEL, opt->config != NULL},
        {"--shape", TFB_USES_SHAPE, opt->shape != NULL},
        {"--batch", TFB_USES_BATCH, opt->batch_count > 0},
        {"--seq", TFB_USES_SEQ, opt->seq_count > 0},
        {"--kv-heads", TFB_USES_KV_HEADS, opt->kv_head_count > 0},
        {"--head-dim", TFB_USES_HEAD_DIM, opt->head_dim_count > 0},
        {"--sweep", TFB_USES_SWEEP, opt->sweep != NULL},
        {"--kv-dtype", TFB_USES_KV_DTYPE, opt->kv_dtype_count > 0},
        {"--weights", TFB_USES_WEIGHTS, opt->weight_format_count > 0},
    };
    unsigned read = options_read(suites, count);
    size_t warned = 0;
    for (size_t i = 0; i < sizeof OPTIONS / sizeof OPTIONS[0]; i++) {
        if (!OPTIONS[i].given || (read & OPTIONS[i].bit)) continue;
        warn_unused(OPTIONS[i].flag, suites, count, out);
        warned++;
    }
    return warned;
}
