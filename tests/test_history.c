/* Unit tests of the history's storage (SQLite): a run stored whole and read back as the results file it came from,
 * the migrations and the refusal of a database from a later tfbench, the series and the fingerprint, bad labels
 * and filters. Fixture: the quick run of reports/measurements/amd-epyc-zen4-2core-vm/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "tfbench/history.h"
#include "tfbench/results_read.h"

typedef struct fixture {
    char dir[256], db[300];
    cJSON *quick;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    snprintf(f->dir, sizeof f->dir, "%s", "test_history.XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->db, sizeof f->db, "%s/history.db", f->dir);
    const char *root = getenv("TFB_SOURCE_DIR");
    char path[4096];
    tfb_error err;
    snprintf(path, sizeof path, "%s/reports/measurements/amd-epyc-zen4-2core-vm/2026-12-06/quick.json",
             root ? root : ".");
    if (tfb_results_read(path, &f->quick, &err) != TFB_OK) return fprintf(stderr, "%s\n", err.message), -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char path[400];
    static const char *const FILES[] = {"history.db", "history.db-wal", "history.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", f->dir, FILES[i]);
        unlink(path);
    }
    rmdir(f->dir);
    cJSON_Delete(f->quick);
    free(f);
    return 0;
}

static tfb_history *open_ok(const char *db)
{
    tfb_history *h = NULL;
    tfb_error err = {{0}};
    if (tfb_history_open(db, &h, &err) != TFB_OK) fail_msg("%s", err.message);
    return h;
}

static void round_trip(void **state)
{
    fixture *f = *state;
    tfb_history *h = open_ok(f->db);
    tfb_history_label label = {"0123abc", "main"};
    tfb_error err;
    long long first = 0, second = 0;
    assert_int_equal(tfb_history_add(h, f->quick, &label, &first, &err), TFB_OK);
    assert_int_equal(tfb_history_add(h, f->quick, NULL, &second, &err), TFB_OK);
    assert_true(second > first);
    cJSON *back = NULL;
    assert_int_equal(tfb_history_run_results(h, first, &back, &err), TFB_OK);
    assert_true(cJSON_Compare(back, f->quick, 1));  /* the whole document, every sample, bit for bit */
    cJSON_Delete(back);
    assert_int_equal(tfb_history_run_results(h, second + 10, &back, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "no run"));

    tfb_history_run *runs = NULL;
    size_t count = 0;
    assert_int_equal(tfb_history_list(h, NULL, 0, &runs, &count, &err), TFB_OK);
    assert_int_equal(count, 2);
    assert_string_equal(runs[0].commit, "0123abc");
    assert_string_equal(runs[0].branch, "main");
    assert_string_equal(runs[1].commit, "");
    assert_int_equal(runs[0].benchmarks, 43);
    assert_int_equal(runs[0].verified, 43);
    assert_string_equal(runs[0].machine.cpu_model, "AMD EPYC");
    assert_string_equal(runs[0].machine.driver, "3.1+debian");
    assert_string_equal(runs[0].machine.hwloc, "1 packages, 2 cores, 2 PUs, 1 NUMA nodes, L3 32 MiB");
    assert_int_equal(strlen(runs[0].machine.id), 16);
    assert_true(runs[0].bandwidth_gbps > 35.43 && runs[0].bandwidth_gbps < 35.44);
    free(runs);
    tfb_history_close(h);
}

static void series_and_filters(void **state)
{
    fixture *f = *state;
    tfb_history *h = open_ok(f->db);
    tfb_error err;
    long long id;
    tfb_history_label label = {"aaa", NULL};
    assert_int_equal(tfb_history_add(h, f->quick, &label, &id, &err), TFB_OK);
    tfb_history_filter filter = {NULL, "gemv/tfbench/4096x4096/fp32"};
    tfb_history_set set;
    assert_int_equal(tfb_history_load_series(h, &filter, &set, &err), TFB_OK);
    assert_int_equal(set.count, 1);
    assert_int_equal(set.series[0].count, 1);
    assert_true(set.series[0].points[0].median_s == 0.0020595265);
    assert_int_equal(set.series[0].points[0].samples, 26);
    assert_string_equal(set.series[0].points[0].commit, "aaa");
    tfb_history_set_free(&set);
    /* a machine filter is hex: LIKE's wildcards cannot get in */
    filter = (tfb_history_filter){"8%", NULL};
    assert_int_equal(tfb_history_load_series(h, &filter, &set, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "hex digits"));
    assert_int_equal(tfb_history_check_label("v1.2/main+x_y-z", "--commit", &err), TFB_OK);
    assert_int_equal(tfb_history_check_label("abc;DROP TABLE runs", "--commit", &err), TFB_ERROR);
    assert_int_equal(tfb_history_check_label("", "--branch", &err), TFB_ERROR);
    /* a file naming a benchmark twice is refused whole: nothing of it is stored */
    cJSON *twice = cJSON_Duplicate(f->quick, 1);
    cJSON *list = cJSON_GetObjectItemCaseSensitive(twice, "benchmarks");
    cJSON_AddItemToArray(list, cJSON_Duplicate(cJSON_GetArrayItem(list, 0), 1));
    assert_int_equal(tfb_history_add(h, twice, NULL, &id, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "named twice"));
    cJSON_Delete(twice);
    tfb_history_run *runs = NULL;
    size_t count = 0;
    assert_int_equal(tfb_history_list(h, NULL, 0, &runs, &count, &err), TFB_OK);
    assert_int_equal(count, 1);
    free(runs);
    tfb_history_close(h);
}

static void run_sql(const char *db, const char *sql)
{
    sqlite3 *s = NULL;
    assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(s);
}

/* The database is input too: figures no run could have made are left out of the series. */
static void hostile_rows_left_out(void **state)
{
    fixture *f = *state;
    tfb_history *h = open_ok(f->db);
    tfb_error err;
    long long id;
    assert_int_equal(tfb_history_add(h, f->quick, NULL, &id, &err), TFB_OK);
    tfb_history_close(h);
    run_sql(f->db, "UPDATE benchmarks SET median = -1 WHERE name = 'gemv/tfbench/4096x4096/fp32';"
                   "UPDATE benchmarks SET ci_low = 1e300, roof_gflops = -5 WHERE name LIKE 'decode/%'");
    h = open_ok(f->db);
    tfb_history_set set;
    assert_int_equal(tfb_history_load_series(h, NULL, &set, &err), TFB_OK);
    assert_int_equal(set.count, 42);
    for (size_t i = 0; i < set.count; i++) {
        assert_string_not_equal(set.series[i].name, "gemv/tfbench/4096x4096/fp32");
        if (strncmp(set.series[i].name, "decode/", 7) == 0) {
            assert_true(set.series[i].points[0].ci_low_s == 0);
            assert_true(set.series[i].points[0].roof_gflops == 0);
        }
    }
    tfb_history_set_free(&set);
    tfb_history_close(h);
}

static void set_version(const char *db, const char *version)
{
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE tfbench_meta SET value = '%s' WHERE key = 'schema_version'", version);
    run_sql(db, sql);
}

static void migrations_and_newer_database(void **state)
{
    fixture *f = *state;
    tfb_history *h = open_ok(f->db);
    int version = 0;
    tfb_error err;
    assert_int_equal(tfb_history_schema_version(h, &version, &err), TFB_OK);
    assert_int_equal(version, TFB_HISTORY_SCHEMA_VERSION);
    tfb_history_close(h);
    h = open_ok(f->db);  /* opening again migrates nothing */
    assert_int_equal(tfb_history_schema_version(h, &version, &err), TFB_OK);
    assert_int_equal(version, TFB_HISTORY_SCHEMA_VERSION);
    tfb_history_close(h);

    set_version(f->db, "999");
    assert_int_equal(tfb_history_open(f->db, &h, &err), TFB_ERROR);
    assert_null(h);
    assert_non_null(strstr(err.message, "schema version 999, newer than this tfbench's (1)"));
    set_version(f->db, "x1");
    assert_int_equal(tfb_history_open(f->db, &h, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "not a version number"));
}

static void refuses_a_link(void **state)
{
    fixture *f = *state;
    char link[400];
    snprintf(link, sizeof link, "%s/link.db", f->dir);
    assert_int_equal(symlink("history.db", link), 0);
    tfb_history *h = NULL;
    tfb_error err;
    assert_int_equal(tfb_history_open(link, &h, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "not a regular file"));
    unlink(link);
    assert_int_equal(tfb_history_open("postgresql://nobody@/nodb?host=/nonexistent-socket-dir", &h, &err),
                     TFB_ERROR);
    assert_non_null(strstr(err.message, "PostgreSQL"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(series_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(migrations_and_newer_database, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_a_link, setup, teardown),
        cmocka_unit_test_setup_teardown(hostile_rows_left_out, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
