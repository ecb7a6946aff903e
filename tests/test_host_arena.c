/* The host arena (host/device/host_arena.c): first fit in 2 MiB granules, memory given back is taken again (the
 * point: no fresh pages from the system), neighbours merge, and a full arena says so instead of overlapping. */
#define _DEFAULT_SOURCE  /* mincore */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include "../host/device/host_arena.h"

#define MIB ((size_t)1 << 20)

static void memory_given_back_is_taken_again(void **state)
{
    (void)state;
    tfb_host_arena *a = tfb_host_arena_create(16 * MIB);
    assert_non_null(a);
    char *first = tfb_host_arena_take(a, 3 * MIB);  /* rounds to 4 MiB */
    char *second = tfb_host_arena_take(a, 1);
    assert_non_null(first);
    assert_int_equal((uintptr_t)first % (2 * MIB), 0);
    assert_ptr_equal(second, first + 4 * MIB);
    memset(first, 0x5a, 3 * MIB);
    tfb_host_arena_give(a, first, 3 * MIB);
    char *again = tfb_host_arena_take(a, 4 * MIB);
    assert_ptr_equal(again, first);
    assert_int_equal((unsigned char)again[3 * MIB - 1], 0x5a);  /* the same pages: what was written is there */
    tfb_host_arena_destroy(a);
}

/* Pages of [p, p + bytes) resident now (mincore). */
static size_t resident_pages(char *p, size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), pages = bytes / page, count = 0;
    unsigned char vec[4096];
    assert_true(pages <= sizeof vec);
    assert_int_equal(mincore(p, bytes, vec), 0);
    for (size_t i = 0; i < pages; i++) count += vec[i] & 1;
    return count;
}

/* Trim keeps the lowest free granules' pages (taken first) and returns the others: a buffer taken there again reads
 * zeros, the kept ones keep what was written. */
static void trim_returns_what_is_beyond_keep(void **state)
{
    (void)state;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    tfb_host_arena *a = tfb_host_arena_create(8 * MIB);
    char *all = tfb_host_arena_take(a, 8 * MIB);
    assert_non_null(all);
    memset(all, 0x5a, 8 * MIB);
    tfb_host_arena_give(a, all, 8 * MIB);
    tfb_host_arena_trim(a, 3 * MIB);  /* rounds up to whole granules: 4 MiB kept */
    assert_int_equal(resident_pages(all, 4 * MIB), 4 * MIB / page);
    assert_int_equal(resident_pages(all + 4 * MIB, 4 * MIB), 0);
    char *again = tfb_host_arena_take(a, 8 * MIB);
    assert_ptr_equal(again, all);
    assert_int_equal((unsigned char)again[4 * MIB - 1], 0x5a);
    assert_int_equal((unsigned char)again[4 * MIB], 0);
    memset(again, 0x5a, 8 * MIB);
    tfb_host_arena_give(a, again, 8 * MIB);
    tfb_host_arena_trim(a, 0);
    assert_int_equal(resident_pages(all, 8 * MIB), 0);
    tfb_host_arena_destroy(a);
}

static void neighbours_merge(void **state)
{
    (void)state;
    tfb_host_arena *a = tfb_host_arena_create(8 * MIB);
    char *p[4];
    for (int i = 0; i < 4; i++) p[i] = tfb_host_arena_take(a, 2 * MIB);
    assert_null(tfb_host_arena_take(a, 1));  /* full */
    tfb_host_arena_give(a, p[1], 2 * MIB);
    tfb_host_arena_give(a, p[3], 2 * MIB);
    assert_null(tfb_host_arena_take(a, 4 * MIB));  /* two free granules, not adjacent */
    tfb_host_arena_give(a, p[2], 2 * MIB);
    assert_ptr_equal(tfb_host_arena_take(a, 6 * MIB), p[1]);  /* 1, 2 and 3 merged */
    tfb_host_arena_give(a, p[0], 2 * MIB);
    assert_ptr_equal(tfb_host_arena_take(a, 2 * MIB), p[0]);
    tfb_host_arena_destroy(a);
}

static void many_fragments_are_kept(void **state)
{
    (void)state;
    enum { N = 100 };
    tfb_host_arena *a = tfb_host_arena_create(2 * N * 2 * MIB);
    char *p[2 * N];
    for (int i = 0; i < 2 * N; i++) p[i] = tfb_host_arena_take(a, 2 * MIB);
    for (int i = 0; i < 2 * N; i += 2) tfb_host_arena_give(a, p[i], 2 * MIB);  /* N separate ranges: grows */
    for (int i = 0; i < 2 * N; i += 2) assert_ptr_equal(tfb_host_arena_take(a, 2 * MIB), p[i]);
    assert_null(tfb_host_arena_take(a, 1));
    tfb_host_arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(memory_given_back_is_taken_again),
        cmocka_unit_test(neighbours_merge),
        cmocka_unit_test(trim_returns_what_is_beyond_keep),
        cmocka_unit_test(many_fragments_are_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
