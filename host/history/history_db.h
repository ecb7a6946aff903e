/* Internal to host/history: the two database back ends (SQLite: history_sqlite.c, PostgreSQL: history_pg.c) behind
 * one small interface, so the schema, the migrations and every query are written once (history_schema.c,
 * history_store.c). SQL uses $1, $2 ... placeholders, which both accept; SQL with parameters must be a string
 * literal (SQLite keeps its prepared statement by the address of the text). */
#ifndef TFBENCH_HOST_HISTORY_DB_H
#define TFBENCH_HOST_HISTORY_DB_H

#include <stddef.h>
#include "tfbench/history.h"

typedef enum { DB_NULL, DB_TEXT, DB_REAL, DB_INT } db_kind;

typedef struct db_value {
    db_kind kind;
    const char *text;
    double real;
    long long integer;
} db_value;

static inline db_value db_text(const char *text)
{
    return (db_value){.kind = text ? DB_TEXT : DB_NULL, .text = text};
}
static inline db_value db_real(double value)
{
    return (db_value){.kind = DB_REAL, .real = value};
}
/* A figure that may be absent (0 or less stands for "not measured"). */
static inline db_value db_positive(double value)
{
    return value > 0 ? db_real(value) : (db_value){.kind = DB_NULL};
}
static inline db_value db_int(long long value)
{
    return (db_value){.kind = DB_INT, .integer = value};
}

/* One result row while a query runs; valid only inside the row callback. */
typedef struct db_row {
    void *handle;
    int index;
} db_row;

typedef int (*db_row_fn)(void *ctx, const db_row *row, tfb_error *err);

typedef struct db_backend {
    const char *name;             /* "SQLite", "PostgreSQL" */
    const char *begin_write;      /* the statement that starts a write transaction */
    const char *id_column;        /* the DDL of an id that numbers itself */
    const char *migration_lock;   /* taken inside the migrations' transaction (NULL: begin_write locks already) */
    int (*exec)(void *impl, const char *sql, const db_value *params, size_t count, db_row_fn fn, void *ctx,
                tfb_error *err);
    void (*close)(void *impl);
    int (*is_null)(const db_row *row, int column);
    const char *(*text)(const db_row *row, int column);  /* "" for NULL */
    double (*real)(const db_row *row, int column);       /* 0 for NULL */
    long long (*integer)(const db_row *row, int column); /* 0 for NULL */
} db_backend;

struct tfb_history {
    const db_backend *backend;
    void *impl;
};

int db_sqlite_open(const char *path, tfb_history *history, tfb_error *err);
/* Fails with a message naming the build when tfbench was built without libpq. */
int db_pg_open(const char *uri, tfb_history *history, tfb_error *err);

/* history->backend->exec, shorter. */
int db_exec(tfb_history *h, const char *sql, const db_value *params, size_t count, db_row_fn fn, void *ctx,
            tfb_error *err);
/* A statement without parameters or rows. */
int db_run(tfb_history *h, const char *sql, tfb_error *err);
/* COMMIT, or ROLLBACK when rc is not TFB_OK (keeping the first error); returns the outcome. */
int db_finish(tfb_history *h, int rc, tfb_error *err);
/* The text of a column copied into out (cut to size). */
void db_copy_text(tfb_history *h, const db_row *row, int column, char *out, size_t size);

#endif
