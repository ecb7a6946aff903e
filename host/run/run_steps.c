/* The run's steps besides the cases (run_steps.h). */
#include <stdio.h>
#include <string.h>
#include "run_steps.h"

tfb_timing_policy run_steps_policy(const tfb_options *opt, const tfb_device_info *device)
{
    tfb_timing_policy policy = tfb_timing_default(opt->quick);
    if (!device->is_cpu) {
        policy.sample_seconds = TFB_SAMPLE_SECONDS_GPU;
        policy.max_noise = TFB_MAX_NOISE_GPU;
    }
    if (opt->max_noise >= 0) policy.max_noise = opt->max_noise;
    if (opt->min_time >= 0) policy.min_seconds = opt->min_time;
    if (opt->max_time >= 0) policy.max_seconds = opt->max_time;
    if (opt->max_time >= 0) policy.wide_seconds = 0.0;  /* the budget given is the budget */
    if (opt->repetitions > 0) {  /* a fixed count: no stopping rule, no minimum time */
        policy.min_reps = policy.max_reps = (unsigned)opt->repetitions;
        policy.min_seconds = 0.0;
        policy.max_noise = 0.0;
    }
    return policy;
}

void run_steps_ladder(tfb_run *run, const tfb_session *s)
{
    tfb_error err = {{0}};
    size_t sized = 0;
    for (size_t i = 0; i < s->suite_count; i++) sized += !s->suites[i]->cache_only;
    if (sized == 0) return;
    if (s->catalog->measure_ladder(run, &err) != TFB_OK)
        fprintf(stderr, "tfbench: warning: read ladder not measured (%s); working sets stay at 4x the cache\n",
                err.message);
    else if (run->opt->verbose > 0 && run->sizing.ladder_count) {
        char text[640];
        tfb_sizing_describe(&run->sizing, text, sizeof text);
        fprintf(stderr, "tfbench: out of cache: %s\n", text);
    }
}

void run_steps_recheck(tfb_run *run, const tfb_session *s)
{
    tfb_error err = {{0}};
    size_t judged = 0;
    for (size_t i = 0; i < s->suite_count; i++) judged += !s->suites[i]->cache_only && !s->suites[i]->measures_bandwidth;
    if (judged && s->catalog->recheck_read_ceiling(run, &err) != TFB_OK)
        fprintf(stderr, "tfbench: warning: read ceiling not measured again (%s)\n", err.message);
}

/* The measured-plateau ladder: [{working_set_bytes, gbps}], smallest first. */
static cJSON *ladder_json(const tfb_sizing *sizing)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < sizing->ladder_count; i++) {
        cJSON *point = cJSON_CreateObject();
        cJSON_AddNumberToObject(point, "working_set_bytes", (double)sizing->ladder[i].bytes);
        cJSON_AddNumberToObject(point, "gbps", sizing->ladder[i].gbps);
        cJSON_AddItemToArray(list, point);
    }
    return list;
}

static cJSON *sizing_json(const tfb_sizing *sizing)
{
    char text[640];
    cJSON *o = cJSON_CreateObject();
    tfb_sizing_describe(sizing, text, sizeof text);
    cJSON_AddStringToObject(o, "rule", tfb_ooc_rule_name(sizing->rule));
    cJSON_AddStringToObject(o, "description", text);
    cJSON_AddStringToObject(o, "cache", sizing->cache_name);
    cJSON_AddNumberToObject(o, "cache_bytes", (double)sizing->cache_bytes);
    cJSON_AddNumberToObject(o, "needed_bytes", (double)sizing->needed_bytes);
    cJSON_AddNumberToObject(o, "usable_bytes", (double)sizing->usable_bytes);
    cJSON_AddNumberToObject(o, "working_set_bytes", (double)sizing->target_bytes);
    cJSON_AddNumberToObject(o, "max_alloc_bytes", (double)sizing->max_alloc_bytes);
    if (sizing->rule == TFB_OOC_PLATEAU_CHECK) {
        cJSON_AddNumberToObject(o, "plateau_bytes", (double)sizing->plateau_bytes);
        cJSON_AddNumberToObject(o, "plateau_full_gbps", sizing->plateau_full_gbps);
        cJSON_AddNumberToObject(o, "plateau_half_gbps", sizing->plateau_half_gbps);
    }
    if (sizing->ladder_count) cJSON_AddItemToObject(o, "read_ladder", ladder_json(sizing));
    if (sizing->topology_bytes) cJSON_AddNumberToObject(o, "topology_needed_bytes", (double)sizing->topology_bytes);
    return o;
}

void run_steps_label(const tfb_session *s, const tfb_sizing *sizing, tfb_results *results)
{
    for (size_t i = 0; i < results->count; i++) {
        tfb_result *r = &results->items[i];
        const tfb_suite *suite = tfb_catalog_find(s->catalog, r->suite);
        if (r->skipped[0] || r->working_set_bytes == 0 || (suite && suite->measures_bandwidth)) continue;
        r->cache_resident = tfb_sizing_out_of_cache(sizing, r->working_set_bytes) == 0;
    }
    tfb_ceilings *ceilings = &results->ceilings;
    if (!ceilings->extra) ceilings->extra = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(ceilings->extra, "out_of_cache");
    cJSON_AddItemToObject(ceilings->extra, "out_of_cache", sizing_json(sizing));
}
