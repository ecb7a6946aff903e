/* The supervisor of a run's workers (supervisor.h). It keeps the run's state as the workers report it step by step
 * (the results, the ceilings, the sizing); when a worker hangs in a step past its watchdog or dies in it, the step is
 * recorded as lost with the reason and a fresh worker, given that state, goes on with the next step. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tfbench/process.h"
#include "run_steps.h"
#include "supervisor.h"
#include "wire.h"

/* The default watchdog: a case may take WATCHDOG_FACTOR x its expected time, at least WATCHDOG_FLOOR_S. Its expected
 * time is known once its first execution is checked (tfb_case_expected_seconds); until then it may take
 * WATCHDOG_UNCHECKED_S: that part holds the setup (a tile search), the first execution (the driver compiles the
 * kernel) and the float64 reference, which no earlier figure predicts; the default run's longest took 14 s on a
 * loaded 2-core VM. Steps that are no case (the ladder, a suite's finish, the recheck) get the floor. */
#define WATCHDOG_FLOOR_S 60.0
#define WATCHDOG_FACTOR 10.0
#define WATCHDOG_UNCHECKED_S 300.0
#define MID_FRAME_LIMIT_S 60  /* a frame once begun is read whole within this (see start_worker) */
#define EXIT_GRACE_S 10.0      /* a worker that said it is done, or whose channel ended, must exit within this */

typedef struct supervisor {
    const tfb_session *s;
    size_t device_index;
    const char *label;
    tfb_results *results;
    int failures;
    uint64_t next_step, steps; /* steps: 0 until a worker has listed the cases */
    double progress_started;
    int have_listing, have_sizing, have_device;
    tfb_sizing listing, sizing;
    char listing_name[64], sizing_name[64];
} supervisor;

/* One worker's life, as its messages tell it. */
typedef struct worker_life {
    pid_t pid;
    int fd;
    int step_open, done, progressed, timed_out, unreadable;
    uint64_t step;
    wire_step kind;
    char label[192];
    tfb_result template_;
    double began, limit;      /* limit 0: none */
    int fault_signal, fault_place;
    char fault_object[64];    /* the shared object the fault hit ("" when unknown or none) */
} worker_life;

/* The limit of a step that is no case, and of a worker between steps: --case-timeout when longer than the floor. */
static double idle_limit(const tfb_options *opt)
{
    if (opt->case_timeout == 0) return 0;
    return opt->case_timeout > WATCHDOG_FLOOR_S ? opt->case_timeout : WATCHDOG_FLOOR_S;
}

/* expected_seconds < 0: not known yet. */
static double case_limit(const tfb_options *opt, double expected_seconds)
{
    if (opt->case_timeout >= 0) return opt->case_timeout;
    if (expected_seconds < 0) return WATCHDOG_UNCHECKED_S;
    double scaled = WATCHDOG_FACTOR * expected_seconds;
    return scaled > WATCHDOG_FLOOR_S ? scaled : WATCHDOG_FLOOR_S;
}

/* In the child between fork and exec: the worker's end of the socket stays open across exec. */
static void keep_socket(void *user)
{
    int fd = *(const int *)user;
    fcntl(fd, F_SETFD, 0);
}

/* tfbench --run-worker FD <the run's options> --device INDEX */
static char **worker_argv(const supervisor *sv, char *fd_text, char *device_text)
{
    const tfb_session *s = sv->s;
    char **argv = calloc((size_t)s->argc + 6, sizeof *argv);
    if (!argv) return NULL;
    int n = 0;
    argv[n++] = "tfbench";
    argv[n++] = TFB_WORKER_FLAG;
    argv[n++] = fd_text;
    for (int i = 1; i < s->argc; i++) argv[n++] = s->argv[i];
    argv[n++] = "--device";
    argv[n++] = device_text;
    return argv;
}

static int send_start(const supervisor *sv, int fd, tfb_error *err)
{
    wire_buf b = {0};
    wire_put_u64(&b, sv->next_step);
    wire_put_u64(&b, sv->steps > 0);
    wire_put_f64(&b, sv->progress_started);
    wire_put_u64(&b, (uint64_t)sv->have_listing);
    wire_put_sizing(&b, &sv->listing);
    wire_put_u64(&b, (uint64_t)sv->have_sizing);
    wire_put_sizing(&b, &sv->sizing);
    wire_put_results(&b, sv->results, 0);
    int rc = wire_send(fd, WIRE_START, &b, err);
    wire_buf_free(&b);
    return rc;
}

static int start_worker(supervisor *sv, worker_life *w, tfb_error *err)
{
    int pair[2];
    char fd_text[16], device_text[32];
    memset(w, 0, sizeof *w);
    w->fd = -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        return tfb_fail(err, "cannot make the worker's channel: %s", strerror(errno));
    snprintf(fd_text, sizeof fd_text, "%d", pair[1]);
    snprintf(device_text, sizeof device_text, "%zu", sv->device_index);
    char **argv = worker_argv(sv, fd_text, device_text);
    int rc = argv ? tfb_process_start(argv, keep_socket, &pair[1], &w->pid, err) : tfb_fail(err, "out of memory");
    free(argv);
    close(pair[1]);
    w->fd = pair[0];
    /* poll() waits only for a frame's first byte: a worker stopped in the middle of a frame must not stall the
     * supervisor past every limit, so a read that waits this long ends like a timed-out step */
    struct timeval mid_frame = {MID_FRAME_LIMIT_S, 0};
    setsockopt(w->fd, SOL_SOCKET, SO_RCVTIMEO, &mid_frame, sizeof mid_frame);
    if (rc == TFB_OK && send_start(sv, w->fd, err) != TFB_OK) w->unreadable = 1;  /* it died at once: reaped below */
    if (rc != TFB_OK) close(w->fd), w->fd = -1;
    return rc;
}

static void on_hello(supervisor *sv, wire_reader *r)
{
    tfb_device_info device;
    tfb_host_info host;
    wire_get(r, &device, sizeof device);
    wire_get(r, &host, sizeof host);
    if (r->failed || sv->have_device) return;
    sv->results->device = device;
    sv->results->host = host;
    sv->have_device = 1;
    if (sv->s->opt->verbose >= 0) fprintf(stderr, "tfbench: device %s%s (%s)\n", sv->label, device.name, device.platform);
}

static void on_plan(supervisor *sv, wire_reader *r)
{
    uint64_t steps = wire_get_u64(r), listing_failures = wire_get_u64(r);
    double started = wire_get_f64(r);
    if (r->failed || sv->steps) return;
    sv->steps = steps;
    sv->failures += (int)listing_failures;
    sv->progress_started = started;
}

static void on_begin(const supervisor *sv, worker_life *w, wire_reader *r)
{
    w->step = wire_get_u64(r);
    w->kind = (wire_step)wire_get_u64(r);
    wire_get_text(r, w->label, sizeof w->label);
    if (w->kind == WIRE_STEP_CASE && wire_get_result(r, &w->template_) == TFB_OK) {
        free(w->template_.samples);
        cJSON_Delete(w->template_.extra);
        w->template_.samples = NULL, w->template_.extra = NULL;
    }
    w->step_open = !r->failed;
    w->began = tfb_now_seconds();
    w->limit = w->kind == WIRE_STEP_CASE ? case_limit(sv->s->opt, -1.0) : idle_limit(sv->s->opt);
}

static void on_state(supervisor *sv, worker_life *w, wire_reader *r)
{
    uint64_t step = wire_get_u64(r), failed = wire_get_u64(r);
    tfb_sizing sizing;
    char name[64];
    wire_get_sizing(r, &sizing, name, sizeof name);
    if (r->failed || wire_apply_results(r, sv->results) != TFB_OK) return;
    sv->sizing = sizing;
    memcpy(sv->sizing_name, name, sizeof name);
    sv->sizing.cache_name = sv->sizing_name;
    sv->have_sizing = 1;
    if (step == 0) {  /* the sizing the cases are listed under, for every later worker */
        sv->listing = sv->sizing;
        memcpy(sv->listing_name, name, sizeof name);
        sv->listing.cache_name = sv->listing_name;
        sv->have_listing = 1;
    }
    sv->failures += (int)failed;
    sv->next_step = step + 1;
    w->step_open = 0;
    w->progressed = 1;
}

static void handle(supervisor *sv, worker_life *w, wire_type type, wire_reader *r)
{
    if (type == WIRE_HELLO) on_hello(sv, r);
    else if (type == WIRE_PLAN) on_plan(sv, r);
    else if (type == WIRE_BEGIN) on_begin(sv, w, r);
    else if (type == WIRE_CHECKED) {
        double expected = wire_get_f64(r);
        if (!r->failed && w->step_open && w->kind == WIRE_STEP_CASE && isfinite(expected) && expected >= 0)
            w->limit = case_limit(sv->s->opt, expected);
    } else if (type == WIRE_STATE) on_state(sv, w, r);
    else if (type == WIRE_FAULT) {
        int32_t sig, place;
        wire_get(r, &sig, sizeof sig);
        wire_get(r, &place, sizeof place);
        wire_get(r, w->fault_object, sizeof w->fault_object);
        w->fault_object[sizeof w->fault_object - 1] = '\0';
        w->fault_signal = sig, w->fault_place = place;
    } else if (type == WIRE_DONE) w->done = 1;
    if (r->failed) w->unreadable = 1;
}

/* Milliseconds until the open step's limit (or the limit between steps from `since`); -1: none. */
static int wait_ms(const supervisor *sv, const worker_life *w, double since)
{
    double limit = w->step_open ? w->limit : idle_limit(sv->s->opt);
    if (limit <= 0) return -1;
    double left = (w->step_open ? w->began : since) + limit - tfb_now_seconds();
    return left <= 0 ? 0 : left > 1e6 ? 1000000000 : (int)ceil(left * 1000.0);
}

/* Reads the worker's messages until it is done, its channel ends, a message is unreadable or a limit passes. */
static void follow(supervisor *sv, worker_life *w)
{
    double since = tfb_now_seconds();
    while (!w->done && !w->unreadable) {
        struct pollfd p = {w->fd, POLLIN, 0};
        int ready = poll(&p, 1, wait_ms(sv, w, since));
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) {
            w->timed_out = 1;
            return;
        }
        wire_type type;
        wire_buf payload;
        tfb_error err;
        errno = 0;
        if (wire_receive(w->fd, &type, &payload, &err) != TFB_OK) {  /* the channel ended (it died), or stalled */
            if (errno == EAGAIN || errno == EWOULDBLOCK) w->timed_out = 1;
            return;
        }
        wire_reader r = {payload.data, payload.length, 0, 0};
        handle(sv, w, type, &r);
        wire_buf_free(&payload);
        since = tfb_now_seconds();
    }
}

/* Where a fatal signal hit, as the worker's handler saw it: " in tfbench", " in the driver (libpocl.so.2)", " in
 * libc.so.6" (the C library: called by either); "" when unknown. */
static void fault_place(const worker_life *w, int sig, char *out, size_t size)
{
    static const char *const C_LIBRARY[] = {"libc.so", "libm.so", "ld-linux"};
    int c_library = 0;
    for (size_t i = 0; i < sizeof C_LIBRARY / sizeof *C_LIBRARY; i++)
        c_library |= strncmp(w->fault_object, C_LIBRARY[i], strlen(C_LIBRARY[i])) == 0;
    out[0] = '\0';
    if (w->fault_signal != sig) return;
    if (w->fault_place == WIRE_FAULT_TFBENCH) snprintf(out, size, " in tfbench");
    else if (w->fault_place == WIRE_FAULT_ELSEWHERE && c_library) snprintf(out, size, " in %s", w->fault_object);
    else if (w->fault_place == WIRE_FAULT_ELSEWHERE)
        snprintf(out, size, " in the driver%s%s%s", w->fault_object[0] ? " (" : "", w->fault_object,
                 w->fault_object[0] ? ")" : "");
}

/* Why the worker's open step was lost: "timed out after 60 s", "crashed: SIGSEGV in the driver", ... */
static void loss_reason(const worker_life *w, int status, char *out, size_t size)
{
    char name[32], place[96];
    if (w->timed_out) snprintf(out, size, "timed out after %.0f s", w->limit);
    else if (status >= 0 && WIFSIGNALED(status)) {
        tfb_signal_name(WTERMSIG(status), name, sizeof name);
        fault_place(w, WTERMSIG(status), place, sizeof place);
        snprintf(out, size, "crashed: %s%s", name, place);
    } else if (w->unreadable) snprintf(out, size, "the worker's messages could not be read");
    else {
        char how[64];
        tfb_process_describe(status, how, sizeof how);
        snprintf(out, size, "the worker ended (%s)", how);
    }
}

static void note_lost(tfb_results *results, const worker_life *w, const char *reason)
{
    if (!results->context_extra) results->context_extra = cJSON_CreateObject();
    cJSON *lost = cJSON_GetObjectItemCaseSensitive(results->context_extra, "lost");
    if (!lost) lost = cJSON_AddArrayToObject(results->context_extra, "lost");
    static const char *const KINDS[] = {"read ladder", "case", "suite finish", "read recheck"};
    cJSON *entry = cJSON_CreateObject();
    cJSON_AddStringToObject(entry, "step", w->kind <= WIRE_STEP_RECHECK ? KINDS[w->kind] : "step");
    cJSON_AddStringToObject(entry, "name", w->label);
    cJSON_AddStringToObject(entry, "reason", reason);
    cJSON_AddItemToArray(lost, entry);
}

/* The open step is lost: a case is recorded as failed with the reason, every lost step in context.lost; it counts as
 * one failure and the next worker starts after it. */
static void record_loss(supervisor *sv, const worker_life *w, int status)
{
    char reason[160];
    loss_reason(w, status, reason, sizeof reason);
    if (isatty(STDERR_FILENO)) fprintf(stderr, "\r\033[K");
    fprintf(stderr, "tfbench: %s: %s; lost, the run goes on in a fresh worker\n", w->label, reason);
    note_lost(sv->results, w, reason);
    if (w->kind == WIRE_STEP_CASE) {
        tfb_result *r = tfb_results_add(sv->results);
        if (r) {
            *r = w->template_;
            snprintf(r->skipped, sizeof r->skipped, "FAILED: %.180s", reason);
            r->extra = cJSON_CreateObject();
            cJSON_AddStringToObject(r->extra, "lost", reason);
        }
    }
    sv->failures++;
    sv->next_step = w->step + 1;
}

/* After follow(): the worker killed when it must be, its exit reaped; returns its wait status. */
static int reap(worker_life *w)
{
    int timed_out = 0, status;
    close(w->fd);
    if (w->timed_out || w->unreadable) return tfb_process_kill(w->pid);
    status = tfb_process_wait(w->pid, EXIT_GRACE_S, &timed_out);
    return status;
}

int supervise_device(const tfb_session *s, size_t device_index, const char *label, tfb_results *results,
                     tfb_error *err)
{
    supervisor sv = {.s = s, .device_index = device_index, .label = label, .results = results};
    tfb_results_init(results);
    for (;;) {
        worker_life w;
        if (start_worker(&sv, &w, err) != TFB_OK) {
            if (sv.next_step == 0) return -1;
            /* steps already measured are kept: the ones left are lost, the run fails */
            fprintf(stderr, "tfbench: %s; the steps left are lost\n", err->message);
            sv.failures++;
            break;
        }
        follow(&sv, &w);
        int status = reap(&w);
        char how[64];
        if (w.done) {
            if (status != 0) tfb_process_describe(status, how, sizeof how),
                             fprintf(stderr, "tfbench: warning: the worker ended badly after its last step (%s)\n", how);
            break;
        }
        if (w.step_open) {
            record_loss(&sv, &w, status);
            if (sv.steps && sv.next_step >= sv.steps) break;
            continue;
        }
        if (!w.progressed) {  /* it could not open the device, or died before its first step: no use trying again */
            tfb_process_describe(status, how, sizeof how);
            if (sv.next_step == 0) return tfb_fail(err, "the worker could not start the run (%s)", how), -1;
            fprintf(stderr, "tfbench: the run's worker ended before its next step (%s); the steps left are lost\n", how);
            sv.failures++;
            break;
        }
        if (sv.steps && sv.next_step >= sv.steps) break;
    }
    if (sv.have_sizing) run_steps_label(s, &sv.sizing, results);
    return sv.failures;
}
