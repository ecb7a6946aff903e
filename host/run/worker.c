/* The supervised run's worker (`tfbench --run-worker FD ...`): opens its device once and runs the run's steps from
 * the one its supervisor names (the read ladder, each case, each suite's finish, the read recheck), telling the
 * supervisor when each begins and what it produced. The state a fresh worker needs (the results so far, the
 * ceilings, the sizing with the measured ladder) comes from the supervisor, so nothing is measured twice. */
#define _GNU_SOURCE  /* dladdr, REG_RIP */
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <ucontext.h>
#include <unistd.h>
#include "tfbench/parse.h"
#include "tfbench/process.h"
#include "tfbench/session.h"
#include "run_steps.h"
#include "wire.h"

typedef struct worker_start {
    uint64_t next_step;
    int plan_known;           /* an earlier worker listed the cases and said what failed to list */
    int have_listing, have_sizing;
    tfb_sizing listing, sizing;  /* the sizing the cases were listed under (after the ladder), and the latest */
    char listing_name[64], sizing_name[64];
} worker_start;

typedef struct worker {
    const tfb_session *s;
    int fd;
    tfb_context ctx;
    tfb_host_info host;
    tfb_results results;
    tfb_run run;
    worker_start start;
    tfb_case_list lists[TFB_MAX_SUITES];
    size_t steps;             /* 1 (ladder) + each listed suite's cases and its finish + 1 (recheck) */
    int listing_failures;
} worker;

/* The supervisor's socket, for the fatal-signal handler (a handler has no argument to carry it), and whether a
 * thread is already in the handler: a bad kernel faults on several driver threads at once. */
static int fault_fd = -1;
static atomic_int fault_taken;
static const int FAULT_SIGNALS[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define FAULT_SIGNAL_COUNT (sizeof FAULT_SIGNALS / sizeof *FAULT_SIGNALS)
static struct sigaction fault_previous[FAULT_SIGNAL_COUNT];  /* the driver's own handlers (LLVM's), run after ours */

/* Where the faulting instruction was, from the signal's context; 0 where this architecture is not known here. */
static uintptr_t fault_pc(const void *context)
{
#if defined(__x86_64__)
    return (uintptr_t)((const ucontext_t *)context)->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)((const ucontext_t *)context)->uc_mcontext.pc;
#else
    (void)context;
    return 0;
#endif
}

/* A fatal signal: one frame naming it and the code it hit (tfbench's own, or which shared object: the driver's,
 * a kernel the driver compiled), then the default action, so the supervisor also sees it in the wait status.
 * dladdr is not async-signal-safe; the process is dying and the frame is best effort (without it the supervisor
 * still names the signal). An abort is always in the C library's raise: its place says nothing. */
static void on_fault(int sig, siginfo_t *info, void *context)
{
    struct { wire_header header; int32_t sig, where; char object[64]; } frame = {
        {WIRE_MAGIC, WIRE_FAULT, 2 * sizeof(int32_t) + 64}, sig, WIRE_FAULT_UNKNOWN, ""};
    Dl_info hit, self;
    uintptr_t pc = sig == SIGABRT ? 0 : fault_pc(context);
    (void)info;
    if (atomic_exchange(&fault_taken, 1))
        for (;;) pause();  /* the first thread reports and ends the process */
    if (pc && dladdr((void *)on_fault, &self)) {
        int found = dladdr((void *)pc, &hit) && hit.dli_fname;
        frame.where = found && hit.dli_fbase == self.dli_fbase ? WIRE_FAULT_TFBENCH : WIRE_FAULT_ELSEWHERE;
        const char *name = found ? strrchr(hit.dli_fname, '/') : NULL;
        name = name ? name + 1 : found ? hit.dli_fname : "";
        for (size_t i = 0; name[i] && i + 1 < sizeof frame.object; i++) frame.object[i] = name[i];
    }
    if (fault_fd >= 0 && write(fault_fd, &frame, sizeof frame) < 0) fault_fd = -1;
    for (size_t i = 0; i < FAULT_SIGNAL_COUNT; i++)
        if (FAULT_SIGNALS[i] == sig) sigaction(sig, &fault_previous[i], NULL);
    raise(sig);  /* delivered to the previous handler when this one returns */
}

/* After the device is open: the driver's libraries install their own crash handlers when they load (LLVM's reset
 * themselves, so a second faulting thread would kill the process before the first one's report), ours goes first. */
static void catch_faults(int fd)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    fault_fd = fd;
    for (size_t i = 0; i < FAULT_SIGNAL_COUNT; i++) sigaction(FAULT_SIGNALS[i], &action, &fault_previous[i]);
}

static int read_start(worker *w, tfb_error *err)
{
    wire_type type;
    wire_buf payload;
    if (wire_receive(w->fd, &type, &payload, err) != TFB_OK) return TFB_ERROR;
    wire_reader r = {payload.data, payload.length, 0, type != WIRE_START};
    worker_start *st = &w->start;
    st->next_step = wire_get_u64(&r);
    st->plan_known = (int)wire_get_u64(&r);
    w->run.progress.started = wire_get_f64(&r);
    st->have_listing = (int)wire_get_u64(&r);
    wire_get_sizing(&r, &st->listing, st->listing_name, sizeof st->listing_name);
    st->have_sizing = (int)wire_get_u64(&r);
    wire_get_sizing(&r, &st->sizing, st->sizing_name, sizeof st->sizing_name);
    wire_apply_results(&r, &w->results);
    wire_buf_free(&payload);
    return r.failed ? tfb_fail(err, "%s: not a message from a supervising tfbench", TFB_WORKER_FLAG) : TFB_OK;
}

static int send_hello(worker *w, tfb_error *err)
{
    wire_buf b = {0};
    wire_put(&b, &w->ctx.info, sizeof w->ctx.info);
    wire_put(&b, &w->host, sizeof w->host);
    int rc = wire_send(w->fd, WIRE_HELLO, &b, err);
    wire_buf_free(&b);
    return rc;
}

static int send_begin(worker *w, uint64_t step, wire_step kind, const char *label, const tfb_result *template_,
                      tfb_error *err)
{
    wire_buf b = {0};
    wire_put_u64(&b, step);
    wire_put_u64(&b, kind);
    wire_put_text(&b, label);
    if (template_) wire_put_result(&b, template_);
    int rc = wire_send(w->fd, WIRE_BEGIN, &b, err);
    wire_buf_free(&b);
    return rc;
}

/* A step ended: its failures, the results from `from` on, the ceilings and the sizing as they stand now. */
static int send_state(worker *w, uint64_t step, int failed, size_t from, tfb_error *err)
{
    wire_buf b = {0};
    wire_put_u64(&b, step);
    wire_put_u64(&b, (uint64_t)failed);
    wire_put_sizing(&b, &w->run.sizing);
    wire_put_results(&b, &w->results, from);
    int rc = wire_send(w->fd, WIRE_STATE, &b, err);
    wire_buf_free(&b);
    return rc;
}

static void tell_checked(void *user, double expected_seconds)
{
    worker *w = user;
    tfb_error err;
    wire_buf b = {0};
    wire_put_f64(&b, expected_seconds);
    wire_send(w->fd, WIRE_CHECKED, &b, &err);  /* a lost supervisor ends this worker at its next step */
    wire_buf_free(&b);
}

static int open_device(worker *w, tfb_error *err)
{
    const tfb_options *opt = w->s->opt;
    if (tfb_context_open_spec(&w->ctx, opt->device, opt->kernel_dir, err) != TFB_OK) return TFB_ERROR;
    tfb_host_probe(&w->host, w->ctx.device);
    w->results.device = w->ctx.info;
    w->results.host = w->host;
    w->run = (tfb_run){.ctx = &w->ctx, .opt = opt, .workload = w->s->workload, .host = &w->host,
                       .results = &w->results, .policy = run_steps_policy(opt, &w->ctx.info), .seed = opt->seed,
                       .log = stderr, .progress.started = w->run.progress.started, .on_checked = tell_checked,
                       .on_checked_user = w, .local_roof = opt->local_roof && !opt->kernel_dir ? w->s->catalog->local_roof : NULL};
    tfb_run_resolve_sizing(&w->run);  /* no local roof with --kernel-dir: the probes would run its planted kernels */
    return TFB_OK;
}

/* Step 0: the read ladder, or the sizing it left when an earlier worker measured it. */
static int ladder_step(worker *w, tfb_error *err)
{
    const worker_start *st = &w->start;
    if (st->next_step > 0) {
        if (st->have_listing) w->run.sizing = st->listing;
        return TFB_OK;
    }
    if (send_begin(w, 0, WIRE_STEP_LADDER, "the read ladder", NULL, err) != TFB_OK) return TFB_ERROR;
    run_steps_ladder(&w->run, w->s);
    return send_state(w, 0, 0, w->results.count, err);
}

/* Every selected suite's cases, listed once under the sizing after the ladder (as every worker of the run lists
 * them); a suite that cannot list its cases has no steps and counts as one failure. */
static void list_cases(worker *w)
{
    const tfb_session *s = w->s;
    int quiet = w->start.plan_known ? tfb_stderr_silence() : -1;  /* an earlier worker said it all */
    w->steps = 1;
    for (size_t i = 0; i < s->suite_count; i++) {
        tfb_error err = {{0}};
        if (tfb_suite_list_cases(&w->run, s->suites[i], &w->lists[i], &err) != TFB_OK) {
            fprintf(stderr, "tfbench: %s\n", err.message);
            w->listing_failures++;
            tfb_case_list_free(&w->lists[i]);
            continue;
        }
        w->run.progress.total += w->lists[i].count;
        w->steps += w->lists[i].count + 1;
    }
    w->steps++;
    tfb_stderr_restore(quiet);
}

static int send_plan(worker *w, tfb_error *err)
{
    wire_buf b = {0};
    if (w->run.progress.started <= 0) w->run.progress.started = tfb_now_seconds();
    wire_put_u64(&b, w->steps);
    wire_put_u64(&b, (uint64_t)w->listing_failures);
    wire_put_f64(&b, w->run.progress.started);
    int rc = wire_send(w->fd, WIRE_PLAN, &b, err);
    wire_buf_free(&b);
    return rc;
}

static int case_step(worker *w, uint64_t step, const tfb_suite *suite, const tfb_case *c, tfb_error *err)
{
    tfb_result template_;
    size_t before = w->results.count;
    tfb_case_template(suite, c, &template_);
    if (send_begin(w, step, WIRE_STEP_CASE, c->name, &template_, err) != TFB_OK) return TFB_ERROR;
    int failed = tfb_suite_run_case(&w->run, suite, c, err);
    if (failed < 0) return TFB_ERROR;
    return send_state(w, step, failed, before, err);
}

static int finish_step(worker *w, uint64_t step, const tfb_suite *suite, tfb_error *err)
{
    char label[96];
    snprintf(label, sizeof label, "%s: its closing step", suite->name);
    if (send_begin(w, step, WIRE_STEP_FINISH, label, NULL, err) != TFB_OK) return TFB_ERROR;
    tfb_suite_finish(&w->run, suite);
    return send_state(w, step, 0, 0, err);
}

/* The steps from the supervisor's first one on; a fresh worker starts mid-suite with that suite's shared state
 * empty, as the suites allow (each case builds what it finds missing). */
static int run_steps(worker *w, tfb_error *err)
{
    uint64_t step = 1, first = w->start.next_step;
    for (size_t i = 0; i < w->s->suite_count; i++) {
        const tfb_suite *suite = w->s->suites[i];
        w->run.shared = NULL;
        for (size_t c = 0; w->lists[i].items && c < w->lists[i].count; c++, step++) {
            if (step < first) {
                w->run.progress.done++;
                continue;
            }
            if (case_step(w, step, suite, &w->lists[i].items[c], err) != TFB_OK) return TFB_ERROR;
        }
        if (w->lists[i].items && step++ >= first && finish_step(w, step - 1, suite, err) != TFB_OK) return TFB_ERROR;
    }
    if (step < first) return TFB_OK;
    if (send_begin(w, step, WIRE_STEP_RECHECK, "the read ceiling's recheck", NULL, err) != TFB_OK) return TFB_ERROR;
    run_steps_recheck(&w->run, w->s);
    return send_state(w, step, 0, w->results.count, err);
}

static int work(worker *w, tfb_error *err)
{
    if (read_start(w, err) != TFB_OK || open_device(w, err) != TFB_OK || send_hello(w, err) != TFB_OK) return TFB_ERROR;
    catch_faults(w->fd);
    if (ladder_step(w, err) != TFB_OK) return TFB_ERROR;
    list_cases(w);
    if (send_plan(w, err) != TFB_OK) return TFB_ERROR;
    if (w->start.next_step > 0 && w->start.have_sizing) w->run.sizing = w->start.sizing;
    if (run_steps(w, err) != TFB_OK) return TFB_ERROR;
    return wire_send(w->fd, WIRE_DONE, NULL, err);
}

int tfb_session_worker(const tfb_session *s, const char *fd_text)
{
    tfb_error err = {{0}};
    unsigned long long fd = 0;
    struct stat st;
    if (tfb_parse_whole(fd_text, 1 << 20, &fd, &err) != TFB_OK || fd < 3 || fstat((int)fd, &st) != 0 ||
        !S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "tfbench: %s is the supervised run's own worker, started by tfbench\n", TFB_WORKER_FLAG);
        return 2;
    }
    worker *w = calloc(1, sizeof *w);
    if (!w) return fprintf(stderr, "tfbench: out of memory\n"), 1;
    w->s = s;
    w->fd = (int)fd;
    fcntl(w->fd, F_SETFD, FD_CLOEXEC);
    tfb_results_init(&w->results);
    int rc = work(w, &err);
    if (rc != TFB_OK) fprintf(stderr, "tfbench: worker: %s\n", err.message);
    for (size_t i = 0; i < s->suite_count; i++) tfb_case_list_free(&w->lists[i]);
    if (w->run.local_roof_state) s->catalog->local_roof_release(&w->run);
    if (w->run.ctx) tfb_context_close(&w->ctx);
    tfb_results_free(&w->results);
    free(w);
    return rc == TFB_OK ? 0 : 1;
}
