/* The SQLite back end of the history: one file, written in WAL mode, every write a transaction started with
 * BEGIN IMMEDIATE so concurrent writers queue on SQLite's lock (busy timeout) instead of failing half-way. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "history_db.h"

#define BUSY_TIMEOUT_MS 60000  /* how long a writer waits for another's transaction */
#define STATEMENT_CACHE 16     /* prepared statements kept: the inserts of `add` run thousands of times */

typedef struct cached_statement {
    const char *sql;           /* the caller's string literal: compared by address */
    sqlite3_stmt *stmt;
} cached_statement;

typedef struct sqlite_db {
    sqlite3 *db;
    cached_statement cache[STATEMENT_CACHE];
    size_t cached;
} sqlite_db;

static int sqlite_fail(sqlite3 *db, const char *what, tfb_error *err)
{
    return tfb_fail(err, "SQLite: %s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static int bind_all(sqlite3_stmt *stmt, const db_value *params, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char name[24];
        snprintf(name, sizeof name, "$%zu", i + 1);
        int index = sqlite3_bind_parameter_index(stmt, name), rc = SQLITE_OK;
        if (index == 0) continue;  /* a parameter the statement does not use */
        switch (params[i].kind) {
        case DB_TEXT: rc = sqlite3_bind_text(stmt, index, params[i].text, -1, SQLITE_TRANSIENT); break;
        case DB_REAL: rc = sqlite3_bind_double(stmt, index, params[i].real); break;
        case DB_INT: rc = sqlite3_bind_int64(stmt, index, params[i].integer); break;
        default: rc = sqlite3_bind_null(stmt, index); break;
        }
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

static sqlite3_stmt *cached(sqlite_db *s, const char *sql)
{
    for (size_t i = 0; i < s->cached; i++)
        if (s->cache[i].sql == sql) return s->cache[i].stmt;
    return NULL;
}

static void remember(sqlite_db *s, const char *sql, sqlite3_stmt *stmt)
{
    if (s->cached < STATEMENT_CACHE) s->cache[s->cached++] = (cached_statement){sql, stmt};
    else sqlite3_finalize(stmt);
}

static int sqlite_exec(void *impl, const char *sql, const db_value *params, size_t count, db_row_fn fn, void *ctx,
                       tfb_error *err)
{
    sqlite_db *s = impl;
    sqlite3_stmt *stmt = cached(s, sql);
    int was_cached = stmt != NULL;
    if (!stmt && sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_fail(s->db, "preparing a statement", err);
    int rc = bind_all(stmt, params, count), status = TFB_OK;
    if (rc != SQLITE_OK) status = sqlite_fail(s->db, "binding a value", err);
    while (status == TFB_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        db_row row = {stmt, 0};
        if (fn && fn(ctx, &row, err) != TFB_OK) status = TFB_ERROR;
    }
    if (status == TFB_OK && rc != SQLITE_DONE) status = sqlite_fail(s->db, sql, err);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    /* statements that change the schema or transactions are not worth keeping; inserts and queries are */
    if (was_cached) return status;
    if (count > 0) remember(s, sql, stmt);
    else sqlite3_finalize(stmt);
    return status;
}

static void sqlite_close(void *impl)
{
    sqlite_db *s = impl;
    if (!s) return;
    for (size_t i = 0; i < s->cached; i++) sqlite3_finalize(s->cache[i].stmt);
    sqlite3_close(s->db);
    free(s);
}

static int sqlite_is_null(const db_row *row, int column)
{
    return sqlite3_column_type(row->handle, column) == SQLITE_NULL;
}

static const char *sqlite_text(const db_row *row, int column)
{
    const unsigned char *text = sqlite3_column_text(row->handle, column);
    return text ? (const char *)text : "";
}

static double sqlite_real(const db_row *row, int column)
{
    return sqlite3_column_double(row->handle, column);
}

static long long sqlite_integer(const db_row *row, int column)
{
    return sqlite3_column_int64(row->handle, column);
}

static const db_backend SQLITE_BACKEND = {
    .name = "SQLite",
    .begin_write = "BEGIN IMMEDIATE",
    .id_column = "INTEGER PRIMARY KEY",
    .exec = sqlite_exec,
    .close = sqlite_close,
    .is_null = sqlite_is_null,
    .text = sqlite_text,
    .real = sqlite_real,
    .integer = sqlite_integer,
};

/* The database file is created here, without following a link, so SQLite never creates it through one. */
static int create_if_absent(const char *path, tfb_error *err)
{
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISREG(st.st_mode)) return TFB_OK;
        return tfb_fail(err, "%s: not a regular file (a link, a folder or a device): refused as a database", path);
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return tfb_fail(err, "%s: cannot create the database: %s", path, strerror(errno));
    close(fd);
    return TFB_OK;
}

int db_sqlite_open(const char *path, tfb_history *history, tfb_error *err)
{
    if (create_if_absent(path, err) != TFB_OK) return TFB_ERROR;
    sqlite_db *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
        int rc = tfb_fail(err, "%s: cannot open the database: %s", path, s->db ? sqlite3_errmsg(s->db) : "?");
        sqlite_close(s);
        return rc;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    history->backend = &SQLITE_BACKEND;
    history->impl = s;
    /* WAL: readers do not block the writer. synchronous=NORMAL: a commit is durable against a killed process (the
     * write-ahead log is written before COMMIT returns) but synced to disk only at checkpoints, so a power cut can
     * lose the last runs added, never leave one half-written; FULL would sync every run (8 ms each here). */
    static const char *const SETUP[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                                        "PRAGMA foreign_keys=ON"};
    for (size_t i = 0; i < sizeof SETUP / sizeof *SETUP; i++)
        if (db_run(history, SETUP[i], err) != TFB_OK) {
            char message[sizeof err->message];
            snprintf(message, sizeof message, "%s", err->message);
            sqlite_close(s);
            history->impl = NULL;
            return tfb_fail(err, "%s: %.3900s", path, message);
        }
    return TFB_OK;
}
