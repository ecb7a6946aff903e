/* The run's steps besides the cases, as the worker runs them (worker.c): the timing policy, the read ladder before
 * the suites, the read ceiling's recheck after them; and the labels the supervisor gives the results at the end. */
#ifndef TFBENCH_HOST_RUN_STEPS_H
#define TFBENCH_HOST_RUN_STEPS_H

#include "tfbench/session.h"

/* The defaults (--quick shorter), samples and noise target scaled to the device, then the stopping-rule flags. */
tfb_timing_policy run_steps_policy(const tfb_options *opt, const tfb_device_info *device);
/* The measured-plateau ladder when a selected suite sizes its working sets out of cache; a warning when it cannot
 * measure (the sizes stay 4x the cache). */
void run_steps_ladder(tfb_run *run, const tfb_session *s);
/* The read ceiling once more when a selected suite is judged against it (any but those that measure the bandwidth
 * ceilings and those that stay in cache). */
void run_steps_recheck(tfb_run *run, const tfb_session *s);
/* After the last step: every memory-bound label under the run's final sizing (a suite that measures the bandwidth
 * ceilings labels its own), and the rule in context.ceilings.out_of_cache. */
void run_steps_label(const tfb_session *s, const tfb_sizing *sizing, tfb_results *results);

#endif
