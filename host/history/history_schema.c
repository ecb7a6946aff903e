/* Opening a history database: the back end by the name's form, then the versioned migrations. The schema's version
 * is the row schema_version of tfbench_meta; each migration runs in one transaction with the version it brings, so
 * an interrupted one leaves the database as it was, and a database of a later tfbench is refused untouched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "history_db.h"

#define MAX_STATEMENTS 8

/* Migration N takes a database of version N - 1 to N. "%s" in a statement is the back end's self-numbering id. */
typedef struct migration {
    int version;
    const char *statements[MAX_STATEMENTS];
} migration;

static const migration MIGRATIONS[] = {
    {1,
     {"CREATE TABLE runs (id %s, added_at TEXT NOT NULL, run_time TEXT, commit_sha TEXT, branch TEXT,"
      " machine TEXT NOT NULL, cpu_model TEXT NOT NULL, device TEXT NOT NULL, driver TEXT NOT NULL,"
      " hwloc TEXT NOT NULL, bandwidth_gbps DOUBLE PRECISION, bandwidth_read_gbps DOUBLE PRECISION,"
      " peak_fp32_gflops DOUBLE PRECISION, peak_fp64_gflops DOUBLE PRECISION, peak_fp16_gflops DOUBLE PRECISION,"
      " results TEXT NOT NULL)",
      "CREATE TABLE benchmarks (run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL,"
      " unit TEXT NOT NULL, verified INTEGER NOT NULL, median DOUBLE PRECISION, ci_low DOUBLE PRECISION,"
      " ci_high DOUBLE PRECISION, samples INTEGER NOT NULL, roof_gflops DOUBLE PRECISION,"
      " PRIMARY KEY (run_id, name))",
      "CREATE INDEX runs_machine ON runs (machine)", "CREATE INDEX benchmarks_name ON benchmarks (name)"}},
};

int tfb_history_is_postgres(const char *where)
{
    return strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0;
}

int db_exec(tfb_history *h, const char *sql, const db_value *params, size_t count, db_row_fn fn, void *ctx,
            tfb_error *err)
{
    return h->backend->exec(h->impl, sql, params, count, fn, ctx, err);
}

int db_run(tfb_history *h, const char *sql, tfb_error *err)
{
    return db_exec(h, sql, NULL, 0, NULL, NULL, err);
}

int db_finish(tfb_history *h, int rc, tfb_error *err)
{
    if (rc == TFB_OK) return db_run(h, "COMMIT", err);
    tfb_error ignored;
    db_run(h, "ROLLBACK", &ignored);
    return rc;
}

void db_copy_text(tfb_history *h, const db_row *row, int column, char *out, size_t size)
{
    snprintf(out, size, "%s", h->backend->text(row, column));
}

typedef struct version_read {
    tfb_history *history;
    int version, rows;
} version_read;

static int version_row(void *ctx, const db_row *row, tfb_error *err)
{
    version_read *v = ctx;
    const char *text = v->history->backend->text(row, 0);
    char *end = NULL;
    long value = strtol(text, &end, 10);
    if (end == text || *end || value < 0 || value > 1000000)
        return tfb_fail(err, "the database's schema_version \"%.40s\" is not a version number", text);
    v->version = (int)value;
    v->rows++;
    return TFB_OK;
}

static int read_version(tfb_history *h, int *version, tfb_error *err)
{
    version_read v = {h, 0, 0};
    int rc = db_exec(h, "SELECT value FROM tfbench_meta WHERE key = 'schema_version'", NULL, 0, version_row, &v, err);
    *version = v.version;
    return rc;
}

int tfb_history_schema_version(tfb_history *history, int *version, tfb_error *err)
{
    return read_version(history, version, err);
}

static int apply(tfb_history *h, const migration *m, tfb_error *err)
{
    for (size_t i = 0; i < MAX_STATEMENTS && m->statements[i]; i++) {
        char sql[2048];
        snprintf(sql, sizeof sql, m->statements[i], h->backend->id_column);
        if (db_run(h, sql, err) != TFB_OK) return TFB_ERROR;
    }
    char version[16];
    snprintf(version, sizeof version, "%d", m->version);
    db_value params[] = {db_text(version)};
    if (m->version == 1)
        return db_exec(h, "INSERT INTO tfbench_meta (key, value) VALUES ('schema_version', $1)", params, 1, NULL,
                       NULL, err);
    return db_exec(h, "UPDATE tfbench_meta SET value = $1 WHERE key = 'schema_version'", params, 1, NULL, NULL, err);
}

/* All the migrations in one transaction that holds the write lock: two tfbench processes opening a new database
 * at once cannot both create the tables. */
static int migrate(tfb_history *h, tfb_error *err)
{
    if (db_run(h, h->backend->begin_write, err) != TFB_OK) return TFB_ERROR;
    int version = 0, rc = TFB_OK;
    if (h->backend->migration_lock) rc = db_run(h, h->backend->migration_lock, err);
    if (rc == TFB_OK)
        rc = db_run(h, "CREATE TABLE IF NOT EXISTS tfbench_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", err);
    if (rc == TFB_OK) rc = read_version(h, &version, err);
    if (rc == TFB_OK && version > TFB_HISTORY_SCHEMA_VERSION)
        rc = tfb_fail(err, "the database has schema version %d, newer than this tfbench's (%d): it was written by a "
                      "later tfbench; use that one (nothing was changed)", version, TFB_HISTORY_SCHEMA_VERSION);
    for (size_t i = 0; rc == TFB_OK && i < sizeof MIGRATIONS / sizeof *MIGRATIONS; i++)
        if (MIGRATIONS[i].version > version) rc = apply(h, &MIGRATIONS[i], err);
    return db_finish(h, rc, err);
}

int tfb_history_open(const char *where, tfb_history **out, tfb_error *err)
{
    *out = NULL;
    tfb_history *h = calloc(1, sizeof *h);
    if (!h) return tfb_fail(err, "out of memory");
    int rc = tfb_history_is_postgres(where) ? db_pg_open(where, h, err) : db_sqlite_open(where, h, err);
    if (rc == TFB_OK) rc = migrate(h, err);
    if (rc != TFB_OK) {
        tfb_history_close(h);
        return TFB_ERROR;
    }
    *out = h;
    return TFB_OK;
}

void tfb_history_close(tfb_history *history)
{
    if (!history) return;
    if (history->backend) history->backend->close(history->impl);
    free(history);
}
