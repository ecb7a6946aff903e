/* The trend report: report.html in the look of a run's report (its style sheet, tfb_report_style), the changes at
 * the top, then one chart per benchmark: per commit the median of its runs and their range, each run's median and
 * interval faintly behind, a line per machine, the change points as dashed lines. One self-contained file; the search box is the only script, and the page reads the same
 * without it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/history.h"
#include "tfbench/report.h"
#include "tfbench/report_columns.h"
#include "tfbench/results.h"
#include "tfbench/stats.h"

#define CHART_W 900.0
#define CHART_H 200.0
#define LEFT 84.0
#define RIGHT 20.0
#define TOP 12.0
#define BOTTOM 28.0
#define INSET 10.0  /* the first and last runs stand this far inside the frame */

static const char *const COLORS[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
                                     "#17becf"};
#define COLOR_COUNT (sizeof COLORS / sizeof *COLORS)

static const char EXTRA_STYLE[] =
    ".bench{margin-top:18px}.bench h3{font-size:14px;margin:4px 0}svg text{font-size:11px;fill:#444}"
    "input.search{font-size:14px;padding:4px 8px;width:420px}";

/* Hides the charts whose benchmark name does not contain the search text. */
static const char SEARCH_SCRIPT[] =
    "<script>//<![CDATA[\n"
    "function tfbFilter(t){t=t.toLowerCase();var s=document.querySelectorAll('section.bench');"
    "for(var i=0;i<s.length;i++){s[i].style.display=s[i].getAttribute('data-name').indexOf(t)>=0?'':'none';}}\n"
    "//]]></script>\n";

typedef struct chart_range {
    double x_lo, x_hi, y_lo, y_hi;
} chart_range;

typedef struct report_ctx {
    FILE *out;
    const tfb_history_set *set;
    const tfb_change_list *changes;
    size_t *by_name;           /* series indices ordered by benchmark name (then machine) */
    const char **machines;     /* machine ids in order of first appearance: their colors */
    size_t machine_count;
    double *scratch;           /* room for the longest series' medians */
} report_ctx;

static int by_name(const void *a, const void *b)
{
    const tfb_history_series *x = *(const tfb_history_series *const *)a, *y = *(const tfb_history_series *const *)b;
    int cmp = strcmp(x->name, y->name);
    return cmp ? cmp : strcmp(x->machine.id, y->machine.id);
}

static const char *machine_color(const report_ctx *r, const char *id)
{
    for (size_t i = 0; i < r->machine_count; i++)
        if (strcmp(r->machines[i], id) == 0) return COLORS[i % COLOR_COUNT];
    return COLORS[0];
}

static double px(const chart_range *g, double run_id)
{
    double span = g->x_hi > g->x_lo ? g->x_hi - g->x_lo : 1;
    return LEFT + INSET + (run_id - g->x_lo) / span * (CHART_W - LEFT - RIGHT - 2 * INSET);
}

static double py(const chart_range *g, double seconds)
{
    double span = g->y_hi > g->y_lo ? g->y_hi - g->y_lo : 1;
    return TOP + (1 - (seconds - g->y_lo) / span) * (CHART_H - TOP - BOTTOM);
}

/* The axes of the series [first, last) of by_name: every point and its interval inside. */
static void chart_bounds(const report_ctx *r, size_t first, size_t last, chart_range *g)
{
    *g = (chart_range){INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (size_t k = first; k < last; k++) {
        const tfb_history_series *s = &r->set->series[r->by_name[k]];
        for (size_t i = 0; i < s->count; i++) {
            const tfb_history_point *p = &s->points[i];
            double lo = p->ci_low_s > 0 ? fmin(p->ci_low_s, p->median_s) : p->median_s;
            double hi = p->ci_high_s > 0 ? fmax(p->ci_high_s, p->median_s) : p->median_s;
            g->x_lo = fmin(g->x_lo, (double)p->run_id);
            g->x_hi = fmax(g->x_hi, (double)p->run_id);
            g->y_lo = fmin(g->y_lo, lo);
            g->y_hi = fmax(g->y_hi, hi);
        }
    }
    double pad = (g->y_hi - g->y_lo) * 0.05 + g->y_hi * 1e-3;
    g->y_lo = fmax(0, g->y_lo - pad);
    g->y_hi += pad;
}

static void axes(FILE *out, const chart_range *g)
{
    fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#ccc\"/>\n", LEFT,
            TOP, CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM);
    for (int i = 0; i <= 4; i++) {
        double seconds = g->y_lo + (g->y_hi - g->y_lo) * i / 4;
        fprintf(out, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.3g ms</text>\n", LEFT - 4,
                py(g, seconds) + 4, seconds * 1e3);
    }
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">run %.0f</text><text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">run "
                 "%.0f</text>\n", LEFT, CHART_H - 8, g->x_lo, CHART_W - RIGHT, CHART_H - 8, g->x_hi);
}

/* The runs [first, end) of a series that share first's commit (runs of one commit are added one after another). */
static size_t commit_end(const tfb_history_series *s, size_t first)
{
    size_t end = first + 1;
    while (end < s->count && strcmp(s->points[end].commit, s->points[first].commit) == 0) end++;
    return end;
}

/* A commit's figure: the median of its runs' medians, and their range as its interval (lo, hi). */
static double commit_median(const tfb_history_series *s, size_t first, size_t end, double *scratch, double *lo,
                            double *hi)
{
    size_t n = end - first;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        scratch[i] = s->points[first + i].median_s;
        *lo = fmin(*lo, scratch[i]);
        *hi = fmax(*hi, scratch[i]);
    }
    return tfb_median(scratch, n);
}

/* Each run faintly (its median and interval), then each commit: the median of its runs joined by the series' line,
 * the range of its runs' medians as a bar. */
static void series_marks(const report_ctx *r, const tfb_history_series *s, const chart_range *g, double *scratch)
{
    FILE *out = r->out;
    const char *color = machine_color(r, s->machine.id);
    for (size_t i = 0; i < s->count; i++) {
        const tfb_history_point *p = &s->points[i];
        double x = px(g, (double)p->run_id);
        if (p->ci_low_s > 0 && p->ci_high_s > 0)
            fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-opacity=\"0.35\"/>", x, x, py(g, p->ci_low_s), py(g, p->ci_high_s), color);
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\" fill-opacity=\"0.45\"><title>run %lld, "
                "commit %.40s: %.4g ms</title></circle>\n", x, py(g, p->median_s), color, p->run_id,
                p->commit[0] ? p->commit : "-", p->median_s * 1e3);
    }
    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", color);
    for (size_t i = 0; i < s->count; i = commit_end(s, i)) {
        size_t end = commit_end(s, i);
        double lo, hi, x = px(g, (s->points[i].run_id + s->points[end - 1].run_id) / 2.0);
        fprintf(out, "%.1f,%.1f ", x, py(g, commit_median(s, i, end, scratch, &lo, &hi)));
    }
    fputs("\"/>\n", out);
    for (size_t i = 0; i < s->count; i = commit_end(s, i)) {
        size_t end = commit_end(s, i);
        double lo, hi, x = px(g, (s->points[i].run_id + s->points[end - 1].run_id) / 2.0);
        double median = commit_median(s, i, end, scratch, &lo, &hi);
        fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>"
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" fill=\"%s\"><title>commit %.40s: %.4g ms, "
                "median of %zu run(s) (%.4g .. %.4g ms)</title></rect>\n", x, x, py(g, lo), py(g, hi), color,
                x - 3.5, py(g, median) - 3.5, color, s->points[i].commit[0] ? s->points[i].commit : "-",
                median * 1e3, end - i, lo * 1e3, hi * 1e3);
    }
}

static void change_marks(const report_ctx *r, size_t series, const chart_range *g)
{
    for (size_t i = 0; i < r->changes->count; i++) {
        const tfb_change *c = &r->changes->changes[i];
        if (c->series != series) continue;
        double x = (px(g, (double)tfb_change_before(r->set, c)->run_id) +
                    px(g, (double)tfb_change_after(r->set, c)->run_id)) / 2;
        char commit[13];  /* the commit's first 12 characters */
        snprintf(commit, sizeof commit, "%.12s", tfb_change_after(r->set, c)->commit);
        fprintf(r->out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#b00\" "
                "stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%.0f\" fill=\"#b00\">%+.1f%% ",
                x, x, TOP, CHART_H - BOTTOM, x + 3, TOP + 12, 100 * c->change);
        tfb_html_escape(r->out, commit);
        fputs("</text>\n", r->out);
    }
}

/* One benchmark: the series [first, last) of by_name, one per machine. */
static void chart(const report_ctx *r, size_t first, size_t last)
{
    FILE *out = r->out;
    const char *name = r->set->series[r->by_name[first]].name;
    chart_range g;
    chart_bounds(r, first, last, &g);
    fprintf(out, "<section class=\"bench\" id=\"b%zu\" data-name=\"", r->by_name[first]);
    tfb_html_escape(out, name);
    fputs("\"><h3>", out);
    tfb_html_escape(out, name);
    fprintf(out, "</h3>\n<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\""
            " viewBox=\"0 0 %.0f %.0f\">\n", CHART_W, CHART_H, CHART_W, CHART_H);
    axes(out, &g);
    for (size_t k = first; k < last; k++) {
        series_marks(r, &r->set->series[r->by_name[k]], &g, r->scratch);
        change_marks(r, r->by_name[k], &g);
    }
    fputs("</svg></div></section>\n", out);
}

static void changes_table(const report_ctx *r)
{
    FILE *out = r->out;
    fprintf(out, "<h2>Changes</h2>\n<p class=\"note\">%zu change point(s) over %zu series (E-divisive means; "
            "docs/history.md). Change: the later level's time over the earlier one's, with its 95%% interval."
            "</p>\n", r->changes->count, r->set->count);
    if (!r->changes->count) return;
    fputs("<table>\n<tr><th class=\"l\">benchmark</th><th class=\"l\">machine</th><th>runs</th>"
          "<th class=\"l\">commits</th><th>change</th><th>interval</th><th>p</th></tr>\n", out);
    for (size_t i = 0; i < r->changes->count; i++) {
        const tfb_change *c = &r->changes->changes[i];
        const tfb_history_series *s = &r->set->series[c->series];
        const tfb_history_point *b = tfb_change_before(r->set, c), *a = tfb_change_after(r->set, c);
        fputs("<tr><td class=\"l\"><a href=\"#b", out);
        fprintf(out, "%zu\">", c->series);
        tfb_html_escape(out, s->name);
        fprintf(out, "</a></td><td class=\"l\" style=\"color:%s\">%s</td><td>%lld &#8594; %lld</td><td class=\"l\">",
                machine_color(r, s->machine.id), s->machine.id, b->run_id, a->run_id);
        tfb_html_escape(out, b->commit[0] ? b->commit : "-");
        fputs(" &#8594; ", out);
        tfb_html_escape(out, a->commit[0] ? a->commit : "-");
        fprintf(out, "</td><td%s>%+.1f%%</td><td>%+.1f%% .. %+.1f%%</td><td>%.2g</td></tr>\n",
                c->change > 0 ? " class=\"no\"" : "", 100 * c->change, 100 * c->lo, 100 * c->hi, c->p_value);
    }
    fputs("</table>\n", out);
}

static void machines_table(const report_ctx *r)
{
    FILE *out = r->out;
    fputs("<h2>Machines</h2>\n<table>\n<tr><th class=\"l\">machine</th><th class=\"l\">device</th>"
          "<th class=\"l\">CPU</th><th class=\"l\">driver</th><th class=\"l\">hwloc</th></tr>\n", out);
    for (size_t i = 0; i < r->machine_count; i++) {
        const tfb_history_machine *m = NULL;
        for (size_t k = 0; k < r->set->count && !m; k++)
            if (strcmp(r->set->series[k].machine.id, r->machines[i]) == 0) m = &r->set->series[k].machine;
        fprintf(out, "<tr><td class=\"l\"><span class=\"swatch\" style=\"background:%s\"></span>%s</td>",
                COLORS[i % COLOR_COUNT], m->id);
        const char *fields[] = {m->device, m->cpu_model, m->driver, m->hwloc};
        for (size_t f = 0; f < 4; f++) {
            fputs("<td class=\"l\">", out);
            tfb_html_escape(out, fields[f]);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void page(report_ctx *r)
{
    FILE *out = r->out;
    fprintf(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
            "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
            "<title>tfbench history</title>\n<style>%s%s</style>\n%s</head>\n<body>\n<h1>tfbench history</h1>\n"
            "<p class=\"sub\">%zu series &#183; %zu machine(s)</p>\n", tfb_report_style(), EXTRA_STYLE,
            SEARCH_SCRIPT, r->set->count, r->machine_count);
    changes_table(r);
    machines_table(r);
    fputs("<h2>Benchmarks</h2>\n<p><input class=\"search\" type=\"search\" placeholder=\"search benchmarks\" "
          "oninput=\"tfbFilter(this.value)\"/></p>\n", out);
    for (size_t first = 0; first < r->set->count;) {
        size_t last = first + 1;
        while (last < r->set->count &&
               strcmp(r->set->series[r->by_name[last]].name, r->set->series[r->by_name[first]].name) == 0)
            last++;
        chart(r, first, last);
        first = last;
    }
    fputs("</body>\n</html>\n", out);
}

static int collect_machines(report_ctx *r, tfb_error *err)
{
    r->machines = malloc((r->set->count + 1) * sizeof *r->machines);
    if (!r->machines) return tfb_fail(err, "out of memory");
    for (size_t i = 0; i < r->set->count; i++) {
        const char *id = r->set->series[i].machine.id;
        size_t k = 0;
        while (k < r->machine_count && strcmp(r->machines[k], id) != 0) k++;
        if (k == r->machine_count) r->machines[r->machine_count++] = id;
    }
    return TFB_OK;
}

int tfb_history_write_report(const tfb_history_set *set, const tfb_change_list *changes, const char *dir,
                             tfb_error *err)
{
    report_ctx r = {.set = set, .changes = changes};
    char *html = NULL, path[4096];
    size_t length = 0;
    if (snprintf(path, sizeof path, "%s/report.html", dir) >= (int)sizeof path)
        return tfb_fail(err, "report folder path too long: %.200s", dir);
    r.by_name = malloc((set->count + 1) * sizeof *r.by_name);
    const tfb_history_series **sorted = malloc((set->count + 1) * sizeof *sorted);
    size_t longest = 1;
    for (size_t i = 0; i < set->count; i++) longest = set->series[i].count > longest ? set->series[i].count : longest;
    r.scratch = malloc(longest * sizeof *r.scratch);
    int rc = r.by_name && sorted && r.scratch ? collect_machines(&r, err) : tfb_fail(err, "out of memory");
    if (rc == TFB_OK) {
        for (size_t i = 0; i < set->count; i++) sorted[i] = &set->series[i];
        qsort(sorted, set->count, sizeof *sorted, by_name);
        for (size_t i = 0; i < set->count; i++) r.by_name[i] = (size_t)(sorted[i] - set->series);
        r.out = open_memstream(&html, &length);
        if (!r.out) rc = tfb_fail(err, "out of memory");
    }
    if (rc == TFB_OK) {
        page(&r);
        if (fclose(r.out) != 0 || !html) rc = tfb_fail(err, "out of memory");
    }
    if (rc == TFB_OK) rc = tfb_write_file_atomic(path, html, length, err);
    free(html);
    free(sorted);
    free(r.by_name);
    free(r.machines);
    free(r.scratch);
    return rc;
}
