/* The changes as `tfbench history changes` prints them: grouped by machine and by the run where the new level
 * starts, so the benchmarks that moved together are read together; as text or JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/history.h"

typedef struct sort_context {
    const tfb_history_set *set;
    const tfb_change_list *changes;
} sort_context;

const tfb_history_point *tfb_change_after(const tfb_history_set *set, const tfb_change *c)
{
    return &set->series[c->series].points[c->before + 1];
}

const tfb_history_point *tfb_change_before(const tfb_history_set *set, const tfb_change *c)
{
    return &set->series[c->series].points[c->before];
}

static int same_group(const tfb_history_set *set, const tfb_change *x, const tfb_change *y)
{
    return strcmp(set->series[x->series].machine.id, set->series[y->series].machine.id) == 0 &&
           tfb_change_after(set, x)->run_id == tfb_change_after(set, y)->run_id;
}

/* qsort has no context argument: the order is made by insertion on an index array instead (changes are few). */
static size_t *group_order(const tfb_history_set *set, const tfb_change_list *changes)
{
    size_t *order = malloc((changes->count + 1) * sizeof *order);
    if (!order) return NULL;
    for (size_t i = 0; i < changes->count; i++) {
        const tfb_change *c = &changes->changes[i];
        const char *machine = set->series[c->series].machine.id;
        long long after = tfb_change_after(set, c)->run_id;
        size_t at = i;
        while (at > 0) {
            const tfb_change *p = &changes->changes[order[at - 1]];
            int cmp = strcmp(set->series[p->series].machine.id, machine);
            if (cmp < 0 || (cmp == 0 && tfb_change_after(set, p)->run_id <= after)) break;
            order[at] = order[at - 1];
            at--;
        }
        order[at] = i;
    }
    return order;
}

static int counts(const tfb_change *c, int fail_on_any)
{
    return fail_on_any || c->change > 0;
}

static void print_text(const tfb_history_set *set, const tfb_change_list *changes, const size_t *order,
                       long long since_run, FILE *out)
{
    const char *machine = NULL;
    for (size_t i = 0; i < changes->count; i++) {
        const tfb_change *c = &changes->changes[order[i]];
        const tfb_history_series *s = &set->series[c->series];
        if (!machine || strcmp(machine, s->machine.id) != 0)
            fprintf(out, "machine %s: %s, %s (%s; %s)\n", s->machine.id, s->machine.device, s->machine.cpu_model,
                    s->machine.driver, s->machine.hwloc);
        machine = s->machine.id;
        if (i == 0 || !same_group(set, &changes->changes[order[i - 1]], c)) {
            size_t together = 1;
            while (i + together < changes->count && same_group(set, c, &changes->changes[order[i + together]]))
                together++;
            const tfb_history_point *b = tfb_change_before(set, c), *a = tfb_change_after(set, c);
            fprintf(out, "  runs %lld -> %lld, commits %.12s -> %.12s%s: %zu benchmark(s) moved together\n",
                    b->run_id, a->run_id, b->commit[0] ? b->commit : "-", a->commit[0] ? a->commit : "-",
                    a->run_id > since_run ? "" : " (before the range)", together);
        }
        fprintf(out, "    %+7.1f%% [%+.1f%%, %+.1f%%]  p %.2g  %-7s %s\n", 100 * c->change, 100 * c->lo,
                100 * c->hi, c->p_value, c->change > 0 ? "slower" : "faster", s->name);
    }
}

static cJSON *changes_json(const tfb_history_set *set, const tfb_change_list *changes, const size_t *order,
                           long long since_run, int fail_on_any, size_t failing)
{
    cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "changes");
    if (!root || !list) return cJSON_Delete(root), NULL;
    for (size_t i = 0; i < changes->count; i++) {
        const tfb_change *c = &changes->changes[order[i]];
        const tfb_history_point *b = tfb_change_before(set, c), *a = tfb_change_after(set, c);
        cJSON *item = cJSON_CreateObject();
        if (!item || !cJSON_AddItemToArray(list, item)) return cJSON_Delete(item), cJSON_Delete(root), NULL;
        cJSON_AddStringToObject(item, "benchmark", set->series[c->series].name);
        cJSON_AddStringToObject(item, "machine", set->series[c->series].machine.id);
        cJSON_AddNumberToObject(item, "before_run", (double)b->run_id);
        cJSON_AddNumberToObject(item, "after_run", (double)a->run_id);
        cJSON_AddStringToObject(item, "before_commit", b->commit);
        cJSON_AddStringToObject(item, "after_commit", a->commit);
        cJSON_AddNumberToObject(item, "change_percent", 100 * c->change);
        cJSON_AddNumberToObject(item, "low_percent", 100 * c->lo);
        cJSON_AddNumberToObject(item, "high_percent", 100 * c->hi);
        cJSON_AddNumberToObject(item, "p_value", c->p_value);
        cJSON_AddNumberToObject(item, "statistic", c->statistic);
        cJSON_AddBoolToObject(item, "in_range", a->run_id > since_run);
        cJSON_AddBoolToObject(item, "counts", a->run_id > since_run && counts(c, fail_on_any));
    }
    cJSON_AddNumberToObject(root, "failing", (double)failing);
    return root;
}

int tfb_history_print_changes(const tfb_history_set *set, const tfb_change_list *changes, long long since_run,
                              int fail_on_any, int json, FILE *out)
{
    size_t *order = group_order(set, changes), failing = 0, in_range = 0;
    if (!order) return fprintf(stderr, "tfbench history: out of memory\n"), 1;
    for (size_t i = 0; i < changes->count; i++) {
        const tfb_change *c = &changes->changes[i];
        if (tfb_change_after(set, c)->run_id <= since_run) continue;
        in_range++;
        failing += counts(c, fail_on_any);
    }
    if (json) {
        cJSON *doc = changes_json(set, changes, order, since_run, fail_on_any, failing);
        char *text = doc ? cJSON_Print(doc) : NULL;
        cJSON_Delete(doc);
        if (text) fprintf(out, "%s\n", text);
        free(text);
    } else {
        print_text(set, changes, order, since_run, out);
        fprintf(out, "%zu series, %zu change(s), %zu in the range, %zu that fail%s\n", set->count, changes->count,
                in_range, failing, failing ? ": exit 1" : "");
    }
    free(order);
    return failing ? 1 : 0;
}
