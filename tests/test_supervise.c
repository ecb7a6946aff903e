/* The supervised run's parts that need no device: the frames between supervisor and worker (results with their
 * samples and extra JSON, ceilings, sizing, a results tail replacing the receiver's), a bad or cut frame refused,
 * a worker process killed at its time limit and its end put into words, and a case's expected time. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "tfbench/process.h"
#include "tfbench/suite.h"
#include "../host/run/wire.h"

static void add_result(tfb_results *results, const char *name, double median, size_t samples)
{
    tfb_result *r = tfb_results_add(results);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->time.median = median;
    if (samples) {
        r->samples = calloc(samples, sizeof *r->samples);
        for (size_t i = 0; i < samples; i++) r->samples[i] = median + (double)i * 1e-3;
        r->sample_count = samples;
    }
    r->extra = cJSON_CreateObject();
    cJSON_AddStringToObject(r->extra, "phase", name);
}

static void results_travel_whole(void **state)
{
    (void)state;
    tfb_results sent, received;
    tfb_results_init(&sent);
    tfb_results_init(&received);
    add_result(&sent, "a", 1.5, 3);
    add_result(&sent, "b", 2.5, 0);
    sent.ceilings.bandwidth_gbps = 42.0;
    sent.ceilings.extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(sent.ceilings.extra, "x", 7);
    sent.context_extra = cJSON_CreateObject();
    cJSON_AddStringToObject(sent.context_extra, "y", "z");
    add_result(&received, "stale", 9.0, 2);  /* replaced: the message starts at index 0 */
    wire_buf b = {0};
    wire_put_results(&b, &sent, 0);
    wire_reader r = {b.data, b.length, 0, 0};
    assert_int_equal(wire_apply_results(&r, &received), TFB_OK);
    assert_int_equal(r.at, b.length);
    assert_int_equal(received.count, 2);
    assert_string_equal(received.items[0].name, "a");
    assert_int_equal(received.items[0].sample_count, 3);
    assert_true(received.items[0].samples[2] == 1.5 + 2e-3);
    assert_null(received.items[1].samples);
    assert_string_equal(cJSON_GetObjectItem(received.items[1].extra, "phase")->valuestring, "b");
    assert_true(received.ceilings.bandwidth_gbps == 42.0);
    assert_int_equal(cJSON_GetObjectItem(received.ceilings.extra, "x")->valueint, 7);
    assert_string_equal(cJSON_GetObjectItem(received.context_extra, "y")->valuestring, "z");
    wire_buf_free(&b);
    tfb_results_free(&sent);
    tfb_results_free(&received);
}

/* A step's message carries the results from its first new index on: the receiver keeps what came before. */
static void a_tail_replaces_only_the_tail(void **state)
{
    (void)state;
    tfb_results sent, received;
    tfb_results_init(&sent);
    tfb_results_init(&received);
    add_result(&sent, "a", 1.0, 1);
    add_result(&sent, "b", 2.0, 1);
    add_result(&received, "a", 1.0, 1);
    wire_buf b = {0};
    wire_put_results(&b, &sent, 1);
    wire_reader r = {b.data, b.length, 0, 0};
    assert_int_equal(wire_apply_results(&r, &received), TFB_OK);
    assert_int_equal(received.count, 2);
    assert_string_equal(received.items[1].name, "b");
    wire_buf_free(&b);
    /* past the receiver's end: refused, nothing changed */
    b = (wire_buf){0};
    wire_put_results(&b, &sent, 1);
    tfb_results_free(&received);
    tfb_results_init(&received);
    r = (wire_reader){b.data, b.length, 0, 0};
    assert_int_equal(wire_apply_results(&r, &received), TFB_ERROR);
    assert_int_equal(received.count, 0);
    wire_buf_free(&b);
    tfb_results_free(&sent);
    tfb_results_free(&received);
}

static void a_sizing_keeps_its_cache_name(void **state)
{
    (void)state;
    tfb_sizing sent = {.rule = TFB_OOC_MEASURED, .target_bytes = 123, .cache_name = "L3 (hwloc)",
                       .ladder_count = 2, .ladder = {{1, 2.0}, {2, 3.0}}};
    tfb_sizing received;
    char name[64];
    wire_buf b = {0};
    wire_put_sizing(&b, &sent);
    wire_reader r = {b.data, b.length, 0, 0};
    wire_get_sizing(&r, &received, name, sizeof name);
    assert_false(r.failed);
    assert_ptr_equal(received.cache_name, name);
    assert_string_equal(name, "L3 (hwloc)");
    assert_int_equal(received.target_bytes, 123);
    assert_true(received.ladder[1].gbps == 3.0);
    /* cut short: refused */
    r = (wire_reader){b.data, b.length - 1, 0, 0};
    wire_get_sizing(&r, &received, name, sizeof name);
    assert_true(r.failed);
    wire_buf_free(&b);
}

static void frames_cross_a_socket_and_bad_ones_are_refused(void **state)
{
    (void)state;
    int pair[2];
    tfb_error err;
    wire_type type;
    wire_buf payload, b = {0};
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    wire_put_u64(&b, 77);
    assert_int_equal(wire_send(pair[0], WIRE_PLAN, &b, &err), TFB_OK);
    assert_int_equal(wire_receive(pair[1], &type, &payload, &err), TFB_OK);
    assert_int_equal(type, WIRE_PLAN);
    wire_reader r = {payload.data, payload.length, 0, 0};
    assert_int_equal(wire_get_u64(&r), 77);
    wire_buf_free(&payload);
    static const char garbage[16] = "not a frame....";
    assert_int_equal(write(pair[0], garbage, sizeof garbage), (ssize_t)sizeof garbage);
    assert_int_equal(wire_receive(pair[1], &type, &payload, &err), TFB_ERROR);
    assert_string_equal(err.message, "a bad frame on the worker's channel");
    assert_int_equal(wire_send(pair[0], WIRE_PLAN, &b, &err), TFB_OK);
    close(pair[0]);  /* a header, then the end: the payload never comes */
    char header[16];
    assert_int_equal(read(pair[1], header, 8), 8);
    assert_int_equal(wire_receive(pair[1], &type, &payload, &err), TFB_ERROR);
    close(pair[1]);
    wire_buf_free(&b);
}

/* This test program started again as the child (argv "sleep"): it never ends by itself. */
static void a_worker_past_its_limit_is_killed(void **state)
{
    (void)state;
    char *argv[] = {"test_supervise", "sleep", NULL};
    pid_t pid;
    tfb_error err;
    int timed_out = 0;
    assert_int_equal(tfb_process_start(argv, NULL, NULL, &pid, &err), TFB_OK);
    int status = tfb_process_wait(pid, 0.2, &timed_out);
    assert_true(timed_out);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    char text[64];
    tfb_process_describe(status, text, sizeof text);
    assert_string_equal(text, "killed by signal 9 (SIGKILL)");
    tfb_process_describe(3 << 8, text, sizeof text);
    assert_string_equal(text, "exit code 3");
    tfb_signal_name(SIGSEGV, text, sizeof text);
    assert_string_equal(text, "SIGSEGV");
}

static void a_case_expects_its_budget_and_samples(void **state)
{
    (void)state;
    tfb_timing_policy policy = {.warmup = 2, .min_reps = 10, .sample_seconds = 1e-3, .max_seconds = 1.0};
    /* 2 x 0.5 s checked + 1 s budget + (2 + 10 + 2) samples of the 0.1 s execution */
    assert_true(fabs(tfb_case_expected_seconds(&policy, 0.5, 0.1) - 3.4) < 1e-12);
    /* an execution shorter than the sample target: the target counts */
    assert_true(fabs(tfb_case_expected_seconds(&policy, 0.0, 1e-6) - (1.0 + 14 * 1e-3)) < 1e-12);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "sleep") == 0)
        for (;;) pause();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(results_travel_whole),
        cmocka_unit_test(a_tail_replaces_only_the_tail),
        cmocka_unit_test(a_sizing_keeps_its_cache_name),
        cmocka_unit_test(frames_cross_a_socket_and_bad_ones_are_refused),
        cmocka_unit_test(a_worker_past_its_limit_is_killed),
        cmocka_unit_test(a_case_expects_its_budget_and_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
