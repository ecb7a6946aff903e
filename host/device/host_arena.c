/* A first-fit allocator of 2 MiB granules over one reserved range (host_arena.h): free ranges sorted by offset and
 * merged with their neighbours, so the process's footprint stays near the most memory alive at once. */
#define _DEFAULT_SOURCE  /* madvise, MAP_NORESERVE */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "host_arena.h"

#define GRANULE ((size_t)2 << 20)

typedef struct { size_t offset, bytes; } free_range;

struct tfb_host_arena {
    void *mapping;
    size_t mapping_bytes;
    char *base;              /* 2 MiB aligned within the mapping */
    free_range *ranges;
    size_t count, capacity;
    pthread_mutex_t lock;    /* buffers are freed from the driver's destructor callbacks, on any thread */
};

static size_t granules(size_t bytes)
{
    return (bytes + GRANULE - 1) / GRANULE * GRANULE;
}

tfb_host_arena *tfb_host_arena_create(size_t bytes)
{
    tfb_host_arena *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->mapping_bytes = granules(bytes) + GRANULE;
    a->mapping = mmap(NULL, a->mapping_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
    a->ranges = malloc(16 * sizeof *a->ranges);
    if (a->mapping == MAP_FAILED || !a->ranges || pthread_mutex_init(&a->lock, NULL) != 0) {
        if (a->mapping != MAP_FAILED) munmap(a->mapping, a->mapping_bytes);
        free(a->ranges);
        free(a);
        return NULL;
    }
    a->base = (char *)(((uintptr_t)a->mapping + GRANULE - 1) / GRANULE * GRANULE);
    (void)madvise(a->base, granules(bytes), MADV_HUGEPAGE);  /* advice only: without THP the pages stay small */
    a->capacity = 16;
    a->count = 1;
    a->ranges[0] = (free_range){0, granules(bytes)};
    return a;
}

void *tfb_host_arena_take(tfb_host_arena *a, size_t bytes)
{
    size_t need = granules(bytes);
    void *memory = NULL;
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->count && !memory; i++) {
        if (a->ranges[i].bytes < need) continue;
        memory = a->base + a->ranges[i].offset;
        a->ranges[i].offset += need;
        a->ranges[i].bytes -= need;
        if (a->ranges[i].bytes == 0) memmove(&a->ranges[i], &a->ranges[i + 1], (--a->count - i) * sizeof *a->ranges);
    }
    pthread_mutex_unlock(&a->lock);
    return memory;
}

/* Inserts [offset, offset + bytes) at position i (ranges before it end at or before offset) and merges. */
static void insert_range(tfb_host_arena *a, size_t i, size_t offset, size_t bytes)
{
    int joins_before = i > 0 && a->ranges[i - 1].offset + a->ranges[i - 1].bytes == offset;
    int joins_after = i < a->count && offset + bytes == a->ranges[i].offset;
    if (joins_before && joins_after) {
        a->ranges[i - 1].bytes += bytes + a->ranges[i].bytes;
        memmove(&a->ranges[i], &a->ranges[i + 1], (--a->count - i) * sizeof *a->ranges);
    } else if (joins_before) {
        a->ranges[i - 1].bytes += bytes;
    } else if (joins_after) {
        a->ranges[i].offset = offset;
        a->ranges[i].bytes += bytes;
    } else {
        memmove(&a->ranges[i + 1], &a->ranges[i], (a->count - i) * sizeof *a->ranges);
        a->ranges[i] = (free_range){offset, bytes};
        a->count++;
    }
}

void tfb_host_arena_give(tfb_host_arena *a, void *memory, size_t bytes)
{
    size_t offset = (size_t)((char *)memory - a->base), size = granules(bytes), i = 0;
    pthread_mutex_lock(&a->lock);
    if (a->count == a->capacity) {  /* room for a range that merges with nothing */
        free_range *grown = realloc(a->ranges, 2 * a->capacity * sizeof *grown);
        if (grown) a->ranges = grown, a->capacity *= 2;
    }
    while (i < a->count && a->ranges[i].offset < offset) i++;
    if (a->count < a->capacity) insert_range(a, i, offset, size);  /* else the range is lost to reuse, not leaked */
    pthread_mutex_unlock(&a->lock);
}

void tfb_host_arena_trim(tfb_host_arena *a, size_t keep)
{
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->count; i++) {
        size_t kept = granules(keep) < a->ranges[i].bytes ? granules(keep) : a->ranges[i].bytes;
        keep = keep > kept ? keep - kept : 0;
        if (kept < a->ranges[i].bytes)
            (void)madvise(a->base + a->ranges[i].offset + kept, a->ranges[i].bytes - kept, MADV_DONTNEED);
    }
    pthread_mutex_unlock(&a->lock);
}

void tfb_host_arena_destroy(tfb_host_arena *a)
{
    if (!a) return;
    munmap(a->mapping, a->mapping_bytes);
    pthread_mutex_destroy(&a->lock);
    free(a->ranges);
    free(a);
}
