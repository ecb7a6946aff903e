/* The PostgreSQL back end of the history (libpq): a team's shared database. Values travel as text parameters
 * (numbers printed with 17 significant digits, so a double comes back bit for bit); every write is a transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "history_db.h"

#ifndef TFB_HAVE_LIBPQ

int db_pg_open(const char *uri, tfb_history *history, tfb_error *err)
{
    (void)history;
    return tfb_fail(err, "%.200s: this tfbench was built without PostgreSQL (Debian: libpq-dev, then rebuild)", uri);
}

#else

#include <libpq-fe.h>

#define MAX_PARAMS 32

static int pg_exec(void *impl, const char *sql, const db_value *params, size_t count, db_row_fn fn, void *ctx,
                   tfb_error *err)
{
    PGconn *conn = impl;
    if (count > MAX_PARAMS) return tfb_fail(err, "PostgreSQL: %zu parameters, more than %d", count, MAX_PARAMS);
    char numbers[MAX_PARAMS][32];
    const char *values[MAX_PARAMS];
    for (size_t i = 0; i < count; i++) {
        values[i] = NULL;
        if (params[i].kind == DB_TEXT) values[i] = params[i].text;
        if (params[i].kind == DB_REAL) snprintf(numbers[i], sizeof numbers[i], "%.17g", params[i].real);
        if (params[i].kind == DB_INT) snprintf(numbers[i], sizeof numbers[i], "%lld", params[i].integer);
        if (params[i].kind == DB_REAL || params[i].kind == DB_INT) values[i] = numbers[i];
    }
    PGresult *result = PQexecParams(conn, sql, (int)count, NULL, values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        int rc = tfb_fail(err, "PostgreSQL: %s", result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
        PQclear(result);
        return rc;
    }
    int rc = TFB_OK, rows = PQntuples(result);
    for (int i = 0; fn && i < rows && rc == TFB_OK; i++) {
        db_row row = {result, i};
        rc = fn(ctx, &row, err);
    }
    PQclear(result);
    return rc;
}

static void pg_close(void *impl)
{
    if (impl) PQfinish(impl);
}

static int pg_is_null(const db_row *row, int column)
{
    return PQgetisnull(row->handle, row->index, column);
}

static const char *pg_text(const db_row *row, int column)
{
    return PQgetisnull(row->handle, row->index, column) ? "" : PQgetvalue(row->handle, row->index, column);
}

static double pg_real(const db_row *row, int column)
{
    return strtod(pg_text(row, column), NULL);
}

static long long pg_integer(const db_row *row, int column)
{
    return strtoll(pg_text(row, column), NULL, 10);
}

static const db_backend PG_BACKEND = {
    .name = "PostgreSQL",
    .begin_write = "BEGIN",
    .id_column = "BIGSERIAL PRIMARY KEY",
    /* two first connections must not both create the tables: an advisory lock for the transaction's length */
    .migration_lock = "SELECT pg_advisory_xact_lock(3538)",
    .exec = pg_exec,
    .close = pg_close,
    .is_null = pg_is_null,
    .text = pg_text,
    .real = pg_real,
    .integer = pg_integer,
};

int db_pg_open(const char *uri, tfb_history *history, tfb_error *err)
{
    PGconn *conn = PQconnectdb(uri);
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        /* the URI may hold a password: the message names only the server's answer */
        int rc = tfb_fail(err, "PostgreSQL: cannot connect: %s", conn ? PQerrorMessage(conn) : "out of memory");
        PQfinish(conn);
        return rc;
    }
    history->backend = &PG_BACKEND;
    history->impl = conn;
    return db_run(history, "SET client_min_messages TO WARNING", err);  /* no NOTICE lines from IF NOT EXISTS */
}

#endif
