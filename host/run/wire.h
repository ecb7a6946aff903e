/* The supervised run's messages between the supervisor and its worker (supervisor.c, worker.c): frames over a
 * socket pair. Both ends are the same executable, so structs travel as their bytes; what they point to travels as
 * data (a result's samples and extra JSON, the ceilings' and the context's extra JSON, the sizing's cache name). */
#ifndef TFBENCH_HOST_RUN_WIRE_H
#define TFBENCH_HOST_RUN_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include "tfbench/results.h"
#include "tfbench/sizing.h"

typedef enum wire_type {
    WIRE_START = 1,           /* supervisor -> worker: the first step to run and the run so far */
    WIRE_HELLO,               /* the worker's device and host, once its context is open */
    WIRE_PLAN,                /* the steps of the run (the read ladder, each case, each suite's finish, the recheck) */
    WIRE_BEGIN,               /* a step begins: its index, kind and (a case) the result it starts from */
    WIRE_CHECKED,             /* the case's first execution is checked: its expected time */
    WIRE_STATE,               /* a step ended: failures, the results from an index on, ceilings, sizing */
    WIRE_FAULT,               /* a fatal signal (written by the worker's handler) and the code it hit */
    WIRE_DONE,                /* every step ran */
} wire_type;

#define WIRE_MAGIC 0x54464257u  /* "TFBW" */

/* Every frame starts with this header (the worker's fault handler builds one by hand: no allocation there). */
typedef struct wire_header {
    uint32_t magic, type;
    uint64_t length;
} wire_header;

typedef enum wire_fault_place { WIRE_FAULT_UNKNOWN, WIRE_FAULT_TFBENCH, WIRE_FAULT_ELSEWHERE } wire_fault_place;

typedef enum wire_step { WIRE_STEP_LADDER, WIRE_STEP_CASE, WIRE_STEP_FINISH, WIRE_STEP_RECHECK } wire_step;

#define WIRE_MAX_BYTES ((size_t)256 << 20)

typedef struct wire_buf {
    unsigned char *data;
    size_t length, capacity;
    int failed;               /* out of memory: the message is not sent */
} wire_buf;

typedef struct wire_reader {
    const unsigned char *data;
    size_t length, at;
    int failed;               /* read past the end or a bad field: the message is refused */
} wire_reader;

void wire_put(wire_buf *b, const void *data, size_t size);
void wire_put_u64(wire_buf *b, uint64_t value);
void wire_put_f64(wire_buf *b, double value);
void wire_put_text(wire_buf *b, const char *text);
void wire_put_json(wire_buf *b, const cJSON *json);
void wire_get(wire_reader *r, void *out, size_t size);
uint64_t wire_get_u64(wire_reader *r);
double wire_get_f64(wire_reader *r);
void wire_get_text(wire_reader *r, char *out, size_t size);
cJSON *wire_get_json(wire_reader *r);  /* NULL when none was sent (or on failure: r->failed) */

void wire_put_result(wire_buf *b, const tfb_result *result);
int wire_get_result(wire_reader *r, tfb_result *out);  /* TFB_OK; out owns its samples and extra */
/* The results from index `from` on, then the ceilings and the context's extra fields. */
void wire_put_results(wire_buf *b, const tfb_results *results, size_t from);
/* Replaces results' items from the sent index on, its ceilings and its extra context fields. */
int wire_apply_results(wire_reader *r, tfb_results *results);
void wire_put_sizing(wire_buf *b, const tfb_sizing *sizing);
/* name (its size at least 64) receives the cache name sizing->cache_name then points to. */
void wire_get_sizing(wire_reader *r, tfb_sizing *sizing, char *name, size_t name_size);

int wire_send(int fd, wire_type type, const wire_buf *payload, tfb_error *err);
/* Blocks for one whole message; payload->data is owned by the caller afterwards (free). TFB_ERROR with the reason
 * at the end of the stream or on a bad frame. */
int wire_receive(int fd, wire_type *type, wire_buf *payload, tfb_error *err);
void wire_buf_free(wire_buf *b);

#endif
