/* The empirical roofline's math, kept free of OpenCL so it is unit-tested on synthetic data: the two-line fit
 * (bandwidth slope, flat roof) of an intensity sweep, and plateau detection on a bandwidth-versus-working-set
 * sweep with the plateaus named from the data and checked against the topology's cache capacities. */
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

typedef struct tfb_cache_level {
    const char *name;         /* "L1", "L2", "L3" */
    double capacity_bytes;    /* what the whole device holds at this level */
} tfb_cache_level;

typedef struct tfb_plateau {
    size_t first, last;       /* indices into the size-sorted points, inclusive */
    double bandwidth_gbps;    /* median of the plateau's points */
    double working_set_bytes; /* geometric middle of the plateau's working sets */
    char label[16];           /* from tfb_name_plateaus: "L2", "L3?" (no topology level fits), "DRAM" */
    int agrees;               /* the label is a topology level whose capacity fits the measured extent */
    const tfb_cache_level *topology; /* the topology level it was compared with; NULL when none was left */
} tfb_plateau;

/* The Empirical Roofline Toolkit's rule, on a bandwidth-versus-working-set sweep (sizes ascending): a plateau is a
 * run of points within run_tol of the run's median; a run starts a new level only when it is at least `drop` times
 * below the current level (otherwise it is noise in the same level and merges into it); a level of a single point
 * is a transition and is dropped, except the last one (the memory tail may hold one point only). Returns the number
 * of levels (writes at most max). */
#define TFB_LEVEL_RUN_TOLERANCE 0.05
#define TFB_LEVEL_DROP 1.25
size_t tfb_detect_plateaus(const double *sizes, const double *gbps, size_t n, double run_tol, double drop,
                           tfb_plateau *out, size_t max);

/* Names the levels: the last one "DRAM" when its working sets reach dram_from_bytes (> 0); each other level, in
 * order, the next unused topology level (ascending) whose capacity lies between half the level's largest working
 * set and twice the next level's smallest (agrees = 1); when none fits, the next topology name with a "?" (or
 * "L<n>?" past the last one), agrees = 0. Returns how many agree with the topology. */
size_t tfb_name_plateaus(tfb_plateau *plateaus, size_t count, const double *sizes, const tfb_cache_level *levels,
                         size_t level_count, double dram_from_bytes);

#endif
