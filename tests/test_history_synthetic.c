/* The change-point detector of `tfbench history changes` on synthetic series with known steps, against the pairwise
 * CI gate on the same series (the figures of docs/history.md: this program prints them; fixed seeds, so every run
 * prints the same table).
 *
 * A series: 100 commits, 3 runs each (the gate's rounds), each run's time exp(level + noise): noise Normal(0, sigma)
 * and, in 5% of the runs, a slow process 10% to 40% slower (the placement effect ci/perf-regression.sh describes).
 * Scenarios: no change; one step of 2%, 5% or 15% at commit 50; a drift of ten 2% steps at commits 45 to 54.
 * history: tfb_edivisive with the defaults of `changes`; a step is found when a slowdown starts at its commit, the
 * drift when one starts within it or at its end; a change within 2 commits of a step (not at it) is near; every
 * other change is false.
 * gate: each commit against its parent, 3 runs a side, flagged when every pair of runs differs by more than the
 * gate's 10% threshold (compare's rule with one figure per round: the Hodges-Lehmann interval of 3 x 3 differences
 * at 95% is [min, max] of them). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/history.h"
#include "tfbench/random.h"
#include "tfbench/stats.h"

#define COMMITS 100
#define RUNS 3
#define POINTS (COMMITS * RUNS)
#define TRIALS 100
#define GATE_THRESHOLD 0.10
#define OUTLIER_RATE 0.05

typedef struct scenario {
    const char *name;
    double step;           /* size of each step */
    int first, steps;      /* the first commit of the new level, how many consecutive steps */
} scenario;

static const scenario SCENARIOS[] = {
    {"no change", 0, 50, 0},   {"step 2%", 0.02, 50, 1},  {"step 5%", 0.05, 50, 1},
    {"step 15%", 0.15, 50, 1}, {"drift 10 x 2%", 0.02, 45, 10},
};
#define SCENARIO_COUNT (sizeof SCENARIOS / sizeof *SCENARIOS)

typedef struct tally {
    size_t history_found, history_near, history_false, gate_found, gate_false;
} tally;

static double normal(tfb_rng *rng)
{
    double u = tfb_rng_uniform(rng, 0, 1), v = tfb_rng_uniform(rng, 0, 1);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static void make_series(const scenario *s, double sigma, tfb_rng *rng, double *values)
{
    for (int c = 0; c < COMMITS; c++) {
        int steps_done = c < s->first ? 0 : (c - s->first + 1 < s->steps ? c - s->first + 1 : s->steps);
        double level = steps_done * log1p(s->step);
        for (int r = 0; r < RUNS; r++) {
            double slow = tfb_rng_uniform(rng, 0, 1) < OUTLIER_RATE ? log(tfb_rng_uniform(rng, 1.10, 1.40)) : 0;
            values[c * RUNS + r] = level + sigma * normal(rng) + slow;
        }
    }
}

/* Commit c is a true change when one of the scenario's steps starts there. */
static int is_step(const scenario *s, int c)
{
    return s->steps > 0 && c >= s->first && c < s->first + s->steps;
}

static int is_near_step(const scenario *s, int c)
{
    return s->steps > 0 && c >= s->first - 2 && c < s->first + s->steps + 2;
}

static void run_history(const scenario *s, const double *values, const char *const *commits, tally *t)
{
    tfb_change_options options;
    tfb_change found[64];
    tfb_change_options_default(&options);
    size_t n = tfb_edivisive(values, commits, POINTS, &options, found, 64);
    int detected = 0;
    for (size_t k = 0; k < n; k++) {
        int commit = (int)(found[k].before + 1) / RUNS;
        int right = s->steps == 1 ? commit == s->first : is_step(s, commit) || commit == s->first + s->steps;
        if (right && found[k].change > 0) detected = 1;
        else if (is_near_step(s, commit)) t->history_near++;
        else t->history_false++;
    }
    t->history_found += detected;
}

static void run_gate(const scenario *s, const double *values, tally *t)
{
    int detected = 0;
    for (int c = 1; c < COMMITS; c++) {
        double smallest = INFINITY;
        for (int i = 0; i < RUNS; i++)
            for (int j = 0; j < RUNS; j++) smallest = fmin(smallest, values[c * RUNS + i] - values[(c - 1) * RUNS + j]);
        if (!(smallest > log1p(GATE_THRESHOLD))) continue;
        if (is_step(s, c)) detected = 1;
        else t->gate_false++;
    }
    t->gate_found += detected;
}

static void study(double sigma, tally *tallies)
{
    static char names[COMMITS][8];
    const char *commits[POINTS];
    for (int c = 0; c < COMMITS; c++) {
        snprintf(names[c], sizeof names[c], "c%03d", c);
        for (int r = 0; r < RUNS; r++) commits[c * RUNS + r] = names[c];
    }
    double values[POINTS];
    printf("noise sigma %.1f%% per run (and %.0f%% of runs 10-40%% slower), %d commits x %d runs, %d trials\n",
           100 * sigma, 100 * OUTLIER_RATE, COMMITS, RUNS, TRIALS);
    printf("%-15s %14s %10s %18s %11s %15s\n", "series", "history finds", "near/trial", "false/100 commits",
           "gate finds", "gate false/100");
    for (size_t i = 0; i < SCENARIO_COUNT; i++) {
        tfb_rng rng;
        tfb_rng_seed(&rng, 38000 + i);
        memset(&tallies[i], 0, sizeof tallies[i]);
        for (int trial = 0; trial < TRIALS; trial++) {
            make_series(&SCENARIOS[i], sigma, &rng, values);
            run_history(&SCENARIOS[i], values, commits, &tallies[i]);
            run_gate(&SCENARIOS[i], values, &tallies[i]);
        }
        const tally *t = &tallies[i];
        char found[16] = "-", gate[16] = "-";
        if (SCENARIOS[i].steps) snprintf(found, sizeof found, "%.0f%%", 100.0 * t->history_found / TRIALS);
        if (SCENARIOS[i].steps) snprintf(gate, sizeof gate, "%.0f%%", 100.0 * t->gate_found / TRIALS);
        printf("%-15s %14s %10.2f %18.2f %11s %15.2f\n", SCENARIOS[i].name, found, 1.0 * t->history_near / TRIALS,
               100.0 * t->history_false / (TRIALS * COMMITS), gate, 100.0 * t->gate_false / (TRIALS * COMMITS));
    }
}

/* A quiet machine: the median's noise of a quick run here (reports/measurements/.../quick.json: 1.9%). */
static void quiet_machine(void **state)
{
    (void)state;
    tally t[SCENARIO_COUNT];
    study(0.02, t);
    assert_true(t[3].history_found >= TRIALS * 95 / 100);  /* 15% */
    assert_true(t[2].history_found >= TRIALS * 90 / 100);  /* 5% */
    assert_true(t[1].history_found >= TRIALS * 10 / 100);  /* 2%: as often above the threshold as below */
    assert_true(t[4].history_found >= TRIALS * 90 / 100);  /* the drift: history finds it ... */
    assert_true(t[4].gate_found <= TRIALS * 10 / 100);     /* ... the gate does not */
    for (size_t i = 0; i < SCENARIO_COUNT; i++) assert_true(t[i].history_false <= TRIALS * COMMITS / 100);
}

/* Between the two: 5% from run to run. */
static void noisy_machine(void **state)
{
    (void)state;
    tally t[SCENARIO_COUNT];
    study(0.05, t);
    assert_true(t[3].history_found >= TRIALS * 80 / 100);
    assert_true(t[4].history_found >= TRIALS * 90 / 100);
    for (size_t i = 0; i < SCENARIO_COUNT; i++) assert_true(t[i].history_false <= TRIALS * COMMITS / 100);
}

/* This VM from run to run while other jobs shared its 2 cores: the A/A runs of
 * reports/measurements/amd-epyc-zen4-2core-vm/history/aa-loaded.txt (sigma 13.6%, the median over benchmarks). */
static void loaded_machine(void **state)
{
    (void)state;
    tally t[SCENARIO_COUNT];
    study(0.136, t);
    for (size_t i = 0; i < SCENARIO_COUNT; i++) assert_true(t[i].history_false <= TRIALS * COMMITS / 100);
}

/* The exact split: a 15% step in a quiet series is found at its index, with its size inside the interval. */
static void finds_a_step_where_it_is(void **state)
{
    (void)state;
    double values[60];
    tfb_rng rng;
    tfb_rng_seed(&rng, 7);
    for (int i = 0; i < 60; i++) values[i] = (i >= 37 ? log(1.15) : 0) + 0.01 * normal(&rng);
    tfb_change_options options;
    tfb_change found[8];
    tfb_change_options_default(&options);
    assert_int_equal(tfb_edivisive(values, NULL, 60, &options, found, 8), 1);
    assert_int_equal(found[0].before, 36);
    assert_true(found[0].lo <= 0.15 && found[0].hi >= 0.15 && found[0].lo > 0.10);
    assert_true(found[0].p_value < 1e-6);
    /* commits that do not change across index 37 forbid that split: the step is then placed at a commit boundary */
    const char *commits[60];
    for (int i = 0; i < 60; i++) commits[i] = i < 40 ? "aaa" : "bbb";
    assert_int_equal(tfb_edivisive(values, commits, 60, &options, found, 8), 1);
    assert_int_equal(found[0].before, 39);
    /* and below the threshold nothing counts */
    options.threshold = 0.20;
    assert_int_equal(tfb_edivisive(values, NULL, 60, &options, found, 8), 0);
}

/* The exact rank test with one small side: the known extremes, and stats.c's exact test where both are small. */
static void exact_small_side(void **state)
{
    (void)state;
    double low[30], high[3] = {50.0, 60.0, 70.0}, below[3] = {-5.0, -6.0, -7.0}, mixed[3] = {0.5, 6.0, 31.0};
    for (int i = 0; i < 30; i++) low[i] = i + 0.25;
    double p = tfb_rank_test_small_side_p(high, 3, low, 30);
    assert_true(fabs(p - 2.0 / 5456.0) < 1e-15);  /* above all 30: 2 / C(33, 3) */
    assert_true(fabs(tfb_rank_test_small_side_p(low, 30, high, 3) - p) < 1e-15);
    assert_true(fabs(tfb_rank_test_small_side_p(below, 3, low, 30) - p) < 1e-15);  /* below all: the same */
    for (int i = 0; i < 8; i++) low[i] = i * 1.5 + 0.1;
    tfb_mann_whitney u;
    assert_int_equal(tfb_mann_whitney_u(mixed, 3, low, 8, &u), 0);
    assert_true(u.exact);
    assert_true(fabs(tfb_rank_test_small_side_p(mixed, 3, low, 8) - u.p_value) < 1e-12);
    assert_true(isnan(tfb_rank_test_small_side_p(low, 1, low, 8)));  /* a tie across the sides */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_a_step_where_it_is),
        cmocka_unit_test(exact_small_side),
        cmocka_unit_test(quiet_machine),
        cmocka_unit_test(noisy_machine),
        cmocka_unit_test(loaded_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
