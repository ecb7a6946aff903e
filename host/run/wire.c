/* Framing and the encodings of results, ceilings and sizing (wire.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "wire.h"

#define WIRE_MAX_SAMPLES ((uint64_t)1 << 24)

void wire_put(wire_buf *b, const void *data, size_t size)
{
    if (b->failed || size == 0) return;
    if (b->length + size > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 4096;
        while (capacity < b->length + size) capacity *= 2;
        unsigned char *grown = realloc(b->data, capacity);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown, b->capacity = capacity;
    }
    memcpy(b->data + b->length, data, size);
    b->length += size;
}

void wire_put_u64(wire_buf *b, uint64_t value) { wire_put(b, &value, sizeof value); }
void wire_put_f64(wire_buf *b, double value) { wire_put(b, &value, sizeof value); }

void wire_put_text(wire_buf *b, const char *text)
{
    size_t length = text ? strlen(text) : 0;
    wire_put_u64(b, length);
    wire_put(b, text, length);
}

void wire_put_json(wire_buf *b, const cJSON *json)
{
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    if (json && !text) b->failed = 1;
    wire_put_text(b, text);
    cJSON_free(text);
}

void wire_get(wire_reader *r, void *out, size_t size)
{
    if (r->failed || size > r->length - r->at) {
        r->failed = 1;
        memset(out, 0, size);
        return;
    }
    memcpy(out, r->data + r->at, size);
    r->at += size;
}

uint64_t wire_get_u64(wire_reader *r)
{
    uint64_t value;
    wire_get(r, &value, sizeof value);
    return value;
}

double wire_get_f64(wire_reader *r)
{
    double value;
    wire_get(r, &value, sizeof value);
    return value;
}

void wire_get_text(wire_reader *r, char *out, size_t size)
{
    uint64_t length = wire_get_u64(r);
    if (r->failed || length >= size || length > r->length - r->at) {
        r->failed = 1;
        out[0] = '\0';
        return;
    }
    wire_get(r, out, (size_t)length);
    out[length] = '\0';
}

cJSON *wire_get_json(wire_reader *r)
{
    uint64_t length = wire_get_u64(r);
    if (r->failed || length > r->length - r->at) return r->failed = 1, NULL;
    if (length == 0) return NULL;
    cJSON *json = cJSON_ParseWithLength((const char *)r->data + r->at, (size_t)length);
    r->at += (size_t)length;
    if (!json) r->failed = 1;
    return json;
}

void wire_put_result(wire_buf *b, const tfb_result *result)
{
    tfb_result bytes = *result;
    bytes.samples = NULL, bytes.extra = NULL, bytes.roof_kind = NULL;  /* the receiver's roofline sets roof_kind */
    wire_put(b, &bytes, sizeof bytes);
    wire_put_u64(b, result->samples ? result->sample_count : 0);
    if (result->samples) wire_put(b, result->samples, result->sample_count * sizeof *result->samples);
    wire_put_json(b, result->extra);
}

int wire_get_result(wire_reader *r, tfb_result *out)
{
    wire_get(r, out, sizeof *out);
    out->samples = NULL, out->extra = NULL, out->roof_kind = NULL;
    uint64_t count = wire_get_u64(r);
    if (r->failed || count > WIRE_MAX_SAMPLES || count * sizeof(double) > r->length - r->at) return r->failed = 1, TFB_ERROR;
    out->sample_count = (size_t)count;
    if (count) {
        out->samples = malloc((size_t)count * sizeof *out->samples);
        if (!out->samples) return r->failed = 1, TFB_ERROR;
        wire_get(r, out->samples, (size_t)count * sizeof *out->samples);
    }
    out->extra = wire_get_json(r);
    return r->failed ? TFB_ERROR : TFB_OK;
}

void wire_put_results(wire_buf *b, const tfb_results *results, size_t from)
{
    tfb_ceilings ceilings = results->ceilings;
    ceilings.extra = NULL;
    wire_put_u64(b, from);
    wire_put_u64(b, results->count - from);
    for (size_t i = from; i < results->count; i++) wire_put_result(b, &results->items[i]);
    wire_put(b, &ceilings, sizeof ceilings);
    wire_put_json(b, results->ceilings.extra);
    wire_put_json(b, results->context_extra);
}

static void drop_from(tfb_results *results, size_t from)
{
    for (size_t i = from; i < results->count; i++) {
        free(results->items[i].samples);
        cJSON_Delete(results->items[i].extra);
    }
    results->count = from;
}

int wire_apply_results(wire_reader *r, tfb_results *results)
{
    uint64_t from = wire_get_u64(r), count = wire_get_u64(r);
    if (r->failed || from > results->count || count > r->length / sizeof(tfb_result)) return r->failed = 1, TFB_ERROR;
    drop_from(results, (size_t)from);
    for (uint64_t i = 0; i < count; i++) {
        tfb_result *item = tfb_results_add(results);
        if (!item) return r->failed = 1, TFB_ERROR;
        if (wire_get_result(r, item) != TFB_OK) {
            results->count--;
            free(item->samples);
            cJSON_Delete(item->extra);
            return TFB_ERROR;
        }
    }
    tfb_ceilings ceilings;
    wire_get(r, &ceilings, sizeof ceilings);
    ceilings.extra = wire_get_json(r);
    cJSON *context_extra = wire_get_json(r);
    if (r->failed) {
        cJSON_Delete(ceilings.extra);
        cJSON_Delete(context_extra);
        return TFB_ERROR;
    }
    cJSON_Delete(results->ceilings.extra);
    cJSON_Delete(results->context_extra);
    results->ceilings = ceilings;
    results->context_extra = context_extra;
    return TFB_OK;
}

void wire_put_sizing(wire_buf *b, const tfb_sizing *sizing)
{
    tfb_sizing bytes = *sizing;
    bytes.cache_name = NULL;
    wire_put(b, &bytes, sizeof bytes);
    wire_put_text(b, sizing->cache_name);
}

void wire_get_sizing(wire_reader *r, tfb_sizing *sizing, char *name, size_t name_size)
{
    wire_get(r, sizing, sizeof *sizing);
    wire_get_text(r, name, name_size);
    sizing->cache_name = name;
    if (sizing->ladder_count > TFB_LADDER_MAX) r->failed = 1;
}

/* Writes all of it; MSG_NOSIGNAL: a peer that died is an error here, not a SIGPIPE that kills the writer. */
static int send_all(int fd, const void *data, size_t size, tfb_error *err)
{
    const unsigned char *at = data;
    while (size > 0) {
        ssize_t sent = send(fd, at, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return tfb_fail(err, "the worker's channel is closed (%s)", strerror(errno));
        at += sent, size -= (size_t)sent;
    }
    return TFB_OK;
}

static int receive_all(int fd, void *data, size_t size, tfb_error *err)
{
    unsigned char *at = data;
    while (size > 0) {
        ssize_t got = read(fd, at, size);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int cause = errno;  /* kept for the caller: EAGAIN is a stalled frame (SO_RCVTIMEO) */
            tfb_fail(err, "reading the worker's channel: %s", strerror(cause));
            errno = cause;
            return TFB_ERROR;
        }
        if (got == 0) return tfb_fail(err, "the worker's channel ended");
        at += got, size -= (size_t)got;
    }
    return TFB_OK;
}

int wire_send(int fd, wire_type type, const wire_buf *payload, tfb_error *err)
{
    if (payload && payload->failed) return tfb_fail(err, "out of memory encoding a message to the worker's channel");
    wire_header header = {WIRE_MAGIC, (uint32_t)type, payload ? payload->length : 0};
    if (send_all(fd, &header, sizeof header, err) != TFB_OK) return TFB_ERROR;
    return payload ? send_all(fd, payload->data, payload->length, err) : TFB_OK;
}

int wire_receive(int fd, wire_type *type, wire_buf *payload, tfb_error *err)
{
    wire_header header;
    *payload = (wire_buf){0};
    if (receive_all(fd, &header, sizeof header, err) != TFB_OK) return TFB_ERROR;
    if (header.magic != WIRE_MAGIC || header.length > WIRE_MAX_BYTES || header.type < WIRE_START ||
        header.type > WIRE_DONE)
        return tfb_fail(err, "a bad frame on the worker's channel");
    *type = (wire_type)header.type;
    payload->length = payload->capacity = (size_t)header.length;
    payload->data = malloc(header.length ? (size_t)header.length : 1);
    if (!payload->data) return tfb_fail(err, "out of memory reading the worker's channel");
    if (receive_all(fd, payload->data, payload->length, err) == TFB_OK) return TFB_OK;
    wire_buf_free(payload);
    return TFB_ERROR;
}

void wire_buf_free(wire_buf *b)
{
    free(b->data);
    *b = (wire_buf){0};
}
