#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/kv_dtype.h"
#include "tfbench/options_parse.h"
#include "tfbench/parse.h"

void tfb_options_defaults(tfb_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->device = "0";
    opt->seed = 42;
    opt->repetitions = opt->min_time = opt->max_time = opt->max_noise = opt->case_timeout = -1.0;
}

static const char FLEET_OPTIONS[] =
    "fleet runs (MPI; docs/fleets.md):\n"
    "  --fleet              one rank of an MPI job (mpirun -np N tfbench --fleet ...): the rank's device is\n"
    "                       its node-local rank's (of --device, default all); --out DIR the fleet folder\n"
    "  --fleet-serial       the same, ranks sharing a device (or a CPU) one after another\n"
    "  --fleet-threshold P  outlier: throughput P% below the fleet median (default 10; with 3+ ranks also\n"
    "                       3 scaled MADs)\n"
    "  --fleet-timeout S    a rank's run past S seconds is killed and reported failed (default none)\n";

void tfb_options_usage(FILE *out)
{
    fputs("usage: tfbench [options]                  run the benchmark suites on one OpenCL device\n"
          "       tfbench model NAME|--config FILE  the analytical model (tfbench model --help)\n"
          "       tfbench compare BASE.json CUR.json  regression check (tfbench compare --help)\n"
          "       tfbench report RESULTS.json       redraw roofline.svg and report.html (tfbench report --help)\n"
          "       tfbench fleet-report DIR          the fleet file from a fleet folder's rank files\n"
          "       tfbench history add|list|changes|report ...  runs across commits (tfbench history --help)\n"
          "\n"
          "options:\n"
          "  --list               list OpenCL platforms and devices, with their index\n"
          "  --device N|NAME      device by index or name substring (default 0); all, or a list (0,2,3):\n"
          "                       each in turn, one results file (names end in @d<index>)\n"
          "  --suite a,b          suites to run (default: every suite of the default run)\n"
          "  --list-suites        list the suites (with --verbose: each one's sweep axes and their values)\n"
          "  --filter REGEX       only the benchmarks whose name matches REGEX (POSIX extended)\n"
          "  --quick              short run (small sizes, fewer repetitions), for CI\n"
          "  --local-roof         probe read bandwidth and fp32 peak around every case's samples, so that\n"
          "                       compare judges two runs at their own roofs (docs/compare.md)\n"
          "  --max-noise PCT      sample until the median's 95% interval is within +-PCT% (default 2 on a\n"
          "                       CPU, 1 on a GPU; 0: off); a benchmark that runs out of time is unstable\n"
          "  --min-time S         sample at least S seconds per benchmark (default 0.3; 0.05 with --quick)\n"
          "  --max-time S         sampling budget per benchmark (default 1; 0.5 with --quick)\n"
          "  --repetitions N      exactly N samples per benchmark (no stopping rule)\n"
          "  --case-timeout S     a case still running after S seconds is killed and recorded as failed\n"
          "                       (default 10x its expected time, at least 60; 300 until its first run\n"
          "                       is checked; 0: no limit)\n"
          "  --out DIR            write results.json, results.csv, roofline.svg, report.html to DIR\n"
          "                       (default, when no --out/--json/--csv: ./tfbench-results/<device>-<time>/)\n"
          "  --json FILE          write results as JSON (Google Benchmark layout + tfbench fields)\n"
          "  --csv FILE           write results as CSV\n"
          "  --kernel-dir DIR     load .cl kernels from DIR instead of the embedded copies\n"
          "  --model NAME         model whose weight shapes gemv/gemm use (default llama2-7b)\n"
          "                       and whose heads, KV heads and head dim the attention suites use\n"
          "  --config FILE        the same from a model config JSON file\n"
          "  --shape MxNxK        one GEMM/GEMV shape instead of the model's\n"
          "  --batch 1,2,4        batch sizes (tokens in flight) for gemm\n"
          "  --seq 128,1024       sequence lengths for the attention suites\n"
          "  --kv-heads 32,8,1    KV-head layouts for the attention suites\n"
          "  --head-dim 64,128    head dimensions for the attention suites (at most 512)\n"
          "  --sweep batch|seq    the layer suite's serving curves: decode tokens/s against the batch up to the\n"
          "                       memory wall, or attention's share against the context (docs/serving.md)\n"
          "  --kv-dtype fp32,fp16,q8_0  KV-cache formats of decode attention and the layer's decode step\n"
          "  --weights fp32,fp16,q8_0,q4_0,int4-g128  weight formats of the layer's decode step\n"
          "  --native FILE        tfbench-native results to show beside ours\n"
          "  --seed N             seed of the random inputs (default 42)\n"
          "  --quiet, --verbose   less or more on stderr\n"
          "  --version, --help\n",
          out);
    fputs(FLEET_OPTIONS, out);
}

static int parse_u64(const char *flag, const char *text, uint64_t *out, tfb_error *err)
{
    unsigned long long value = 0;
    tfb_error why;
    if (tfb_parse_whole(text, UINT64_MAX, &value, &why) != TFB_OK) return tfb_fail(err, "%s: %s", flag, why.message);
    *out = value;
    return TFB_OK;
}

typedef struct string_flag {
    const char *name;
    size_t offset;
} string_flag;

#define STRING_FLAG(flag, field) {flag, offsetof(tfb_options, field)}
static const string_flag STRING_FLAGS[] = {
    STRING_FLAG("--device", device),   STRING_FLAG("--suite", suites),       STRING_FLAG("--json", json_path),
    STRING_FLAG("--csv", csv_path),    STRING_FLAG("--out", out_dir),        STRING_FLAG("--kernel-dir", kernel_dir),
    STRING_FLAG("--model", model),     STRING_FLAG("--config", config),      STRING_FLAG("--shape", shape),
    STRING_FLAG("--native", native_path), STRING_FLAG("--filter", filter), STRING_FLAG("--sweep", sweep),
};

static int set_string_flag(tfb_options *opt, const char *flag, const char *value)
{
    for (size_t i = 0; i < sizeof STRING_FLAGS / sizeof *STRING_FLAGS; i++) {
        if (strcmp(flag, STRING_FLAGS[i].name) != 0) continue;
        *(const char **)((char *)opt + STRING_FLAGS[i].offset) = value;
        return 1;
    }
    return 0;
}

static int set_list_flag(tfb_options *opt, const char *flag, const char *value, tfb_error *err)
{
    size_t *list, *count;
    if (strcmp(flag, "--batch") == 0) list = opt->batches, count = &opt->batch_count;
    else if (strcmp(flag, "--kv-heads") == 0) list = opt->kv_heads, count = &opt->kv_head_count;
    else if (strcmp(flag, "--seq") == 0) list = opt->seqs, count = &opt->seq_count;
    else if (strcmp(flag, "--head-dim") == 0) list = opt->head_dims, count = &opt->head_dim_count;
    else if (strcmp(flag, "--kv-dtype") == 0 || strcmp(flag, "--weights") == 0) {
        int kv = flag[2] == 'k';
        if ((kv ? tfb_kv_dtype_parse_list(value, opt->kv_dtypes, TFB_MAX_LIST, &opt->kv_dtype_count, err)
                : tfb_weight_format_parse_list(value, opt->weight_formats, TFB_MAX_LIST, &opt->weight_format_count,
                                               err)) == TFB_OK)
            return 1;
        char reason[sizeof err->message];
        snprintf(reason, sizeof reason, "%s", err->message);
        tfb_fail(err, "%s: %s", flag, reason);
        return -1;
    } else return 0;
    if (tfb_parse_size_list(value, list, TFB_MAX_LIST, count, err) != TFB_OK) {
        char reason[sizeof err->message];
        snprintf(reason, sizeof reason, "%s", err->message);
        tfb_fail(err, "%s: %s", flag, reason);
        return -1;
    }
    for (size_t i = 0; list == opt->head_dims && i < *count; i++)
        if (list[i] > TFB_MAX_HEAD_DIM) {
            tfb_fail(err, "--head-dim: %zu is larger than %d", list[i], TFB_MAX_HEAD_DIM);
            return -1;
        }
    return 1;
}

static int set_switch(tfb_options *opt, const char *flag)
{
    if (strcmp(flag, "--list") == 0) opt->list = 1;
    else if (strcmp(flag, "--list-suites") == 0) opt->list = 2;
    else if (strcmp(flag, "--quick") == 0) opt->quick = 1;
    else if (strcmp(flag, "--local-roof") == 0) opt->local_roof = 1;
    else if (strcmp(flag, "--quiet") == 0 || strcmp(flag, "-q") == 0) opt->verbose = -1;
    else if (strcmp(flag, "--verbose") == 0 || strcmp(flag, "-v") == 0) opt->verbose = 1;
    else if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) opt->help = 1;
    else if (strcmp(flag, "--version") == 0) opt->version = 1;
    else return 0;
    return 1;
}

/* The stopping-rule flags: a number in [lo, hi] each; --max-noise in percent. */
static int set_timing_flag(tfb_options *opt, const char *flag, const char *value, tfb_error *err)
{
    static const struct { const char *name; size_t offset; double lo, hi, scale; const char *what; } FLAGS[] = {
        {"--repetitions", offsetof(tfb_options, repetitions), 1, 100000, 1, "a whole number of samples, 1 .. 100000"},
        {"--min-time", offsetof(tfb_options, min_time), 0, 3600, 1, "seconds, 0 .. 3600"},
        {"--max-time", offsetof(tfb_options, max_time), 0, 3600, 1, "seconds, 0 .. 3600"},
        {"--max-noise", offsetof(tfb_options, max_noise), 0, 100, 0.01, "a percentage, 0 .. 100"},
        {"--case-timeout", offsetof(tfb_options, case_timeout), 0, 86400, 1, "seconds, 0 .. 86400"},
    };
    for (size_t i = 0; i < sizeof FLAGS / sizeof *FLAGS; i++) {
        if (strcmp(flag, FLAGS[i].name) != 0) continue;
        char *end = NULL;
        errno = 0;
        double number = strtod(value, &end);
        int whole = i != 0 || number == floor(number);
        if (errno || end == value || *end || !(number >= FLAGS[i].lo && number <= FLAGS[i].hi) || !whole) {
            tfb_fail(err, "%s: \"%.100s\" is not %s", flag, value, FLAGS[i].what);
            return -1;
        }
        *(double *)((char *)opt + FLAGS[i].offset) = number * FLAGS[i].scale;
        return 1;
    }
    return 0;
}

int tfb_options_takes_value(const char *flag)
{
    static const char *const with_value[] = {"--batch", "--kv-heads", "--seq", "--head-dim", "--kv-dtype", "--seed",
                                             "--weights", "--repetitions", "--min-time", "--max-time", "--max-noise",
                                             "--case-timeout"};
    for (size_t i = 0; i < sizeof STRING_FLAGS / sizeof *STRING_FLAGS; i++)
        if (strcmp(flag, STRING_FLAGS[i].name) == 0) return 1;
    for (size_t i = 0; i < sizeof with_value / sizeof *with_value; i++)
        if (strcmp(flag, with_value[i]) == 0) return 1;
    return 0;
}

/* One option (flag, with its value when it came as --flag=value); *i moves past a separate value. */
static int parse_arg(int argc, char **argv, int *i, tfb_options *opt, const char *flag, const char *value,
                     tfb_error *err)
{
    if (!value && set_switch(opt, flag)) return TFB_OK;
    if (!tfb_options_takes_value(flag)) return tfb_fail(err, "unknown option \"%.200s\" (see tfbench --help)", argv[*i]);
    if (!value && (value = *i + 1 < argc ? argv[++*i] : NULL) == NULL)
        return tfb_fail(err, "%.200s needs a value (see tfbench --help)", flag);
    if (set_string_flag(opt, flag, value)) return TFB_OK;
    int listed = set_list_flag(opt, flag, value, err);
    if (listed) return listed < 0 ? TFB_ERROR : TFB_OK;
    int timed = set_timing_flag(opt, flag, value, err);
    if (timed) return timed < 0 ? TFB_ERROR : TFB_OK;
    return parse_u64("--seed", value, &opt->seed, err);
}

int tfb_options_parse(int argc, char **argv, tfb_options *opt, tfb_error *err)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *eq = strchr(arg, '=');
        int split = eq && strncmp(arg, "--", 2) == 0;  /* --flag=value: the flag copied whatever its length */
        char *flag = split ? strndup(arg, (size_t)(eq - arg)) : NULL;
        if (split && !flag) return tfb_fail(err, "out of memory parsing the options");
        int rc = parse_arg(argc, argv, &i, opt, split ? flag : arg, split ? eq + 1 : NULL, err);
        free(flag);
        if (rc != TFB_OK) return TFB_ERROR;
    }
    if (opt->sweep && strcmp(opt->sweep, "batch") != 0 && strcmp(opt->sweep, "seq") != 0)
        return tfb_fail(err, "--sweep: \"%.100s\" is not batch or seq", opt->sweep);
    size_t m, n, k;
    if (opt->shape && tfb_parse_shape(opt->shape, &m, &n, &k, err) != TFB_OK) return TFB_ERROR;
    return TFB_OK;
}
