/* The chart's geometry: the axes every point and roof fits in, and where a value lands on the canvas. Below both the
 * plot (report_svg.c) and its labels (report_svg_parts.c), so neither depends on the other for it. */
#include <math.h>
#include "report_chart.h"

static double ridge_of(double peak, double bandwidth)
{
    return peak > 0 && bandwidth > 0 ? peak / bandwidth : 0.0;
}

typedef struct range {
    double lo, hi;
} range;

static void widen(range *r, double value)
{
    if (!(value > 0) || !isfinite(value)) return;
    if (value < r->lo) r->lo = value;
    if (value > r->hi) r->hi = value;
}

/* Decades holding [lo, hi] with some margin, at least `min_decades` wide. */
static void decades(range r, double fallback_lo, double fallback_hi, int min_decades, int *lo, int *hi)
{
    if (!(r.hi >= r.lo)) r.lo = fallback_lo, r.hi = fallback_hi;
    *lo = (int)floor(log10(r.lo / 1.3));
    *hi = (int)ceil(log10(r.hi * 1.3));
    while (*hi - *lo < min_decades) {
        if ((*hi - *lo) % 2) (*lo)--;
        else (*hi)++;
    }
}

void tfb_chart_axes_compute(const tfb_report_data *d, tfb_chart_axes *axes)
{
    range x = {INFINITY, 0}, y = {INFINITY, 0};
    for (size_t i = 0; i < d->count; i++) {
        const tfb_report_point *p = &d->points[i];
        if (p->kind == TFB_POINT_PLOTTED) widen(&x, p->intensity);
        if (p->kind != TFB_POINT_NONE) widen(&y, p->gflops);
    }
    for (int prec = 0; prec < TFB_PREC_COUNT; prec++) {
        widen(&x, ridge_of(d->peak_gflops[prec], d->bandwidth_gbps));
        widen(&y, d->peak_gflops[prec]);
        widen(&x, ridge_of(d->datasheet_gflops[prec], d->datasheet_bandwidth_gbps));
        widen(&y, d->datasheet_gflops[prec]);
    }
    widen(&x, CHART_LECTURE_DECODE_INTENSITY);
    widen(&y, CHART_LECTURE_DECODE_INTENSITY * d->bandwidth_gbps);
    decades(x, 0.1, 100, 3, &axes->x_lo, &axes->x_hi);
    double ridge = 0;  /* leave the flat roofs room for their labels and the compute-only points */
    for (int prec = 0; prec < TFB_PREC_COUNT; prec++) ridge = fmax(ridge, ridge_of(d->peak_gflops[prec], d->bandwidth_gbps));
    if (ridge > 0 && log10(ridge) + 0.8 > axes->x_hi) axes->x_hi = (int)ceil(log10(ridge) + 0.8);
    decades(y, 1, 1000, 2, &axes->y_lo, &axes->y_hi);
}

double chart_x(const chart *c, double intensity)
{
    double t = (log10(intensity) - c->axes.x_lo) / (c->axes.x_hi - c->axes.x_lo);
    return PLOT_LEFT + t * PLOT_WIDTH;
}

double chart_y(const chart *c, double gflops)
{
    double t = (log10(gflops) - c->axes.y_lo) / (c->axes.y_hi - c->axes.y_lo);
    return PLOT_TOP + PLOT_HEIGHT - t * PLOT_HEIGHT;
}

void chart_point_xy(const chart *c, const tfb_report_point *p, double *x, double *y)
{
    *x = p->kind == TFB_POINT_COMPUTE_ONLY ? PLOT_LEFT + PLOT_WIDTH - 9 : chart_x(c, p->intensity);
    *y = chart_y(c, p->gflops);
}
