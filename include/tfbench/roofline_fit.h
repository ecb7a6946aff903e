/* The empirical roofline's math, kept free of OpenCL so it is unit-tested on synthetic data: the two-line fit
 * (bandwidth slope, flat roof) of an intensity sweep, and plateau detection on a bandwidth-versus-working-set
 * sweep with the plateaus labelled by cache capacities. */
#ifndef TFBENCH_ROOFLINE_FIT_H
#define TFBENCH_ROOFLINE_FIT_H

#include <stddef.h>

typedef struct tfb_roofline_fit {
    double bandwidth_gbps;    /* slope of the memory line: GFLOP/s per FLOP/byte */
    double roof_gflops;       /* the flat compute roof */
    double ridge;             /* roof / bandwidth: where the two lines meet, FLOP/byte */
    size_t on_slope;          /* points (in intensity order) assigned to the slope; the rest are on the roof */
    double rms_log_error;     /* root mean square of ln(measured / model) over all points */
} tfb_roofline_fit;

/* Fits min(bandwidth * I, roof) to points (intensity[i], gflops[i]), in any order, by least squares on the
 * logarithms: every split of the sorted points into a slope part (>= 1 point) and a roof part (>= 1 point) is
 * tried, and the split whose model explains all points best wins. Points exactly on such a model are fitted
 * exactly. Returns 0, or -1 with fewer than 2 usable points (non-positive values are ignored) or more than
 * TFB_FIT_MAX_POINTS. */
#define TFB_FIT_MAX_POINTS 64
int tfb_roofline_fit_points(const double *intensity, const double *gflops, size_t n, tfb_roofline_fit *out);

/* The measured curve at intensity x: log-log interpolation between the neighbouring points; < 0 when x lies
 * outside the points' range. */
double tfb_curve_at(const double *intensity, const double *gflops, size_t n, double x);

typedef struct tfb_plateau {
    size_t first, last;       /* indices into the size-sorted points, inclusive */
    double bandwidth_gbps;    /* median of the plateau's points */
    double working_set_bytes; /* geometric middle of the plateau's working sets */
    const char *label;        /* from tfb_label_plateaus; NULL before */
} tfb_plateau;

/* Splits a bandwidth-versus-working-set sweep (sizes ascending) into plateaus: a point joins the current plateau
 * while it is within rel_tol of the plateau's median. Single-point plateaus between two others are transitions and
 * are dropped (a lone last point is kept: the DRAM tail may hold one point only), then neighbours whose medians
 * are within rel_tol are merged. Returns the number of plateaus (writes at most max). */
size_t tfb_detect_plateaus(const double *sizes, const double *gbps, size_t n, double rel_tol, tfb_plateau *out,
                           size_t max);

typedef struct tfb_cache_level {
    const char *name;         /* "L1", "L2", "L3", "DRAM" */
    double capacity_bytes;    /* what the whole device can hold at this level; <= 0: unbounded (memory) */
} tfb_cache_level;

/* Labels each plateau with the smallest level (levels ascending) whose capacity holds the plateau's middle
 * working set. When several plateaus get the same level, the one with more points keeps it and the others are
 * labelled NULL. Returns how many plateaus carry a label. */
size_t tfb_label_plateaus(tfb_plateau *plateaus, size_t count, const tfb_cache_level *levels, size_t level_count);

#endif
