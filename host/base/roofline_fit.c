/* Two-line roofline fit and plateau detection (see roofline_fit.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tfbench/roofline_fit.h"

typedef struct fit_point {
    double log_i, log_p;
} fit_point;

/* Usable points (both values positive and finite) as logarithms, sorted by intensity. */
static size_t sorted_logs(const double *intensity, const double *gflops, size_t n, fit_point *out)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(intensity[i] > 0) || !(gflops[i] > 0) || !isfinite(intensity[i]) || !isfinite(gflops[i])) continue;
        fit_point p = {log(intensity[i]), log(gflops[i])};
        size_t j = count++;
        for (; j > 0 && out[j - 1].log_i > p.log_i; j--) out[j] = out[j - 1];
        out[j] = p;
    }
    return count;
}

/* Least squares in logs for a fixed split: the slope's log-bandwidth is the mean of log(P / I) over the first
 * `split` points, the roof's log the mean of log(P) over the others. */
static void fit_split(const fit_point *pts, size_t n, size_t split, double *log_b, double *log_r)
{
    double sum_b = 0.0, sum_r = 0.0;
    for (size_t i = 0; i < split; i++) sum_b += pts[i].log_p - pts[i].log_i;
    for (size_t i = split; i < n; i++) sum_r += pts[i].log_p;
    *log_b = sum_b / (double)split;
    *log_r = sum_r / (double)(n - split);
}

/* The error of the min() model over every point, whichever line each point falls under. */
static double model_error(const fit_point *pts, size_t n, double log_b, double log_r)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double model = fmin(log_b + pts[i].log_i, log_r);
        sum += (pts[i].log_p - model) * (pts[i].log_p - model);
    }
    return sum;
}

int tfb_roofline_fit_points(const double *intensity, const double *gflops, size_t n, tfb_roofline_fit *out)
{
    fit_point pts[TFB_FIT_MAX_POINTS];
    memset(out, 0, sizeof *out);
    if (n > TFB_FIT_MAX_POINTS) return -1;
    size_t count = sorted_logs(intensity, gflops, n, pts);
    if (count < 2) return -1;
    double best = INFINITY;
    for (size_t split = 1; split < count; split++) {
        double log_b, log_r;
        fit_split(pts, count, split, &log_b, &log_r);
        double error = model_error(pts, count, log_b, log_r);
        if (error < best) {
            best = error;
            out->bandwidth_gbps = exp(log_b);
            out->roof_gflops = exp(log_r);
            out->on_slope = split;
        }
    }
    out->ridge = out->roof_gflops / out->bandwidth_gbps;
    out->rms_log_error = sqrt(best / (double)count);
    return 0;
}

double tfb_curve_at(const double *intensity, const double *gflops, size_t n, double x)
{
    fit_point pts[TFB_FIT_MAX_POINTS];
    if (n > TFB_FIT_MAX_POINTS || !(x > 0)) return -1.0;
    size_t count = sorted_logs(intensity, gflops, n, pts);
    double lx = log(x);
    for (size_t i = 0; i + 1 < count; i++) {
        if (lx < pts[i].log_i || lx > pts[i + 1].log_i) continue;
        double span = pts[i + 1].log_i - pts[i].log_i;
        double t = span > 0 ? (lx - pts[i].log_i) / span : 0.0;
        return exp(pts[i].log_p + t * (pts[i + 1].log_p - pts[i].log_p));
    }
    if (count == 1 && lx == pts[0].log_i) return exp(pts[0].log_p);
    return -1.0;
}

static double median_of(const double *values, size_t first, size_t last)
{
    double sorted[TFB_FIT_MAX_POINTS];
    size_t n = 0;
    for (size_t i = first; i <= last && n < TFB_FIT_MAX_POINTS; i++) {
        size_t j = n++;
        for (; j > 0 && sorted[j - 1] > values[i]; j--) sorted[j] = sorted[j - 1];
        sorted[j] = values[i];
    }
    return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

static int within(double a, double b, double rel_tol)
{
    return fabs(a - b) <= rel_tol * fmax(fabs(a), fabs(b));
}

static tfb_plateau make_plateau(const double *sizes, const double *gbps, size_t first, size_t last)
{
    return (tfb_plateau){first, last, median_of(gbps, first, last), sqrt(sizes[first] * sizes[last]), "", 0, NULL};
}

/* Runs of points that stay within rel_tol of their run's median. */
static size_t raw_runs(const double *sizes, const double *gbps, size_t n, double rel_tol, tfb_plateau *runs)
{
    size_t count = 0, start = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && within(gbps[i], median_of(gbps, start, i - 1), rel_tol)) continue;
        runs[count++] = make_plateau(sizes, gbps, start, i - 1);
        start = i;
    }
    return count;
}

size_t tfb_detect_plateaus(const double *sizes, const double *gbps, size_t n, double run_tol, double drop,
                           tfb_plateau *out, size_t max)
{
    tfb_plateau runs[TFB_FIT_MAX_POINTS], levels[TFB_FIT_MAX_POINTS];
    if (n == 0 || n > TFB_FIT_MAX_POINTS) return 0;
    size_t run_count = raw_runs(sizes, gbps, n, run_tol, runs), count = 0, kept = 0;
    for (size_t r = 0; r < run_count; r++) {
        if (count > 0 && !(levels[count - 1].bandwidth_gbps >= drop * runs[r].bandwidth_gbps))
            levels[count - 1] = make_plateau(sizes, gbps, levels[count - 1].first, runs[r].last);
        else
            levels[count++] = runs[r];
    }
    for (size_t i = 0; i < count; i++) {
        int transition = levels[i].first == levels[i].last && i + 1 < count;
        if (!transition && kept < max) out[kept] = levels[i];
        kept += !transition;
    }
    return kept;
}

/* The first unused topology level whose capacity fits the plateau's extent: [largest / 2, 2 x next smallest]. */
static size_t fitting_level(double largest, double next_smallest, const tfb_cache_level *levels, size_t from,
                            size_t level_count)
{
    for (size_t j = from; j < level_count; j++)
        if (levels[j].capacity_bytes >= largest / 2 && levels[j].capacity_bytes <= 2 * next_smallest) return j;
    return level_count;
}

size_t tfb_name_plateaus(tfb_plateau *plateaus, size_t count, const double *sizes, const tfb_cache_level *levels,
                         size_t level_count, double dram_from_bytes)
{
    size_t next_level = 0, agreeing = 0;
    int has_dram = count > 0 && dram_from_bytes > 0 && sizes[plateaus[count - 1].last] >= dram_from_bytes;
    for (size_t i = 0; i < count; i++) {
        tfb_plateau *p = &plateaus[i];
        p->agrees = 0;
        p->topology = NULL;
        if (has_dram && i + 1 == count) {
            snprintf(p->label, sizeof p->label, "DRAM");
            break;
        }
        double next = i + 1 < count ? sizes[plateaus[i + 1].first] : sizes[p->last] * 2;
        size_t j = fitting_level(sizes[p->last], next, levels, next_level, level_count);
        if (j < level_count) {
            snprintf(p->label, sizeof p->label, "%s", levels[j].name);
            p->agrees = 1;
            p->topology = &levels[j];
            next_level = j + 1;
            agreeing++;
        } else if (next_level < level_count) {
            snprintf(p->label, sizeof p->label, "%s?", levels[next_level].name);
            p->topology = &levels[next_level++];
        } else {
            snprintf(p->label, sizeof p->label, "L%zu?", next_level++ + 1);
        }
    }
    return agreeing;
}
