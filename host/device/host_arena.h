/* Host memory for a CPU device's large buffers, kept in the process between buffers: memory handed back to the
 * kernel returns to the hypervisor within seconds here (free page reporting), and taking it again cost 4.1-4.6 s per
 * GiB (0.23 GB/s, against 7.6 GB/s for memory the process already holds), while a default run creates and frees
 * 35 GiB of buffers with at most 2.5 GiB alive at once. */
#ifndef TFBENCH_HOST_ARENA_H
#define TFBENCH_HOST_ARENA_H

#include <stddef.h>

typedef struct tfb_host_arena tfb_host_arena;

/* Reserves `bytes` of address space (nothing is touched); NULL when it cannot. */
tfb_host_arena *tfb_host_arena_create(size_t bytes);
/* `bytes` rounded up to 2 MiB from the lowest free range that holds it, advised as huge pages; NULL when none. */
void *tfb_host_arena_take(tfb_host_arena *arena, size_t bytes);
/* Gives back what take returned (`bytes` as passed to it); its pages stay with the process. */
void tfb_host_arena_give(tfb_host_arena *arena, void *memory, size_t bytes);
/* Keeps the pages of the lowest `keep` bytes of free ranges (first fit takes those first) and returns the pages of
 * the others to the system (MADV_DONTNEED: the addresses stay reserved, touched again they come back zeroed). For a
 * run whose first step touched more than its suites will hold at once (the read ladder). */
void tfb_host_arena_trim(tfb_host_arena *arena, size_t keep);
void tfb_host_arena_destroy(tfb_host_arena *arena);

#endif
