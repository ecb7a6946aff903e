/* The MPI side of a fleet run: who this rank is (world rank; node-local rank from a shared-memory split of the
 * communicator), the fleet folder (rank 0's, broadcast), turns for the ranks that share a device or a CPU
 * (--fleet-serial), and the gather of every rank's state and results to rank 0, which writes the fleet file.
 * Every rank reaches the gather: its benchmarks run in a worker process, whose death is a result, not a crash
 * of this one. Built only when CMake finds MPI (else fleet_nompi.c). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tfbench/file_io.h"
#include "tfbench/fleet.h"
#include "tfbench/report.h"
#include "tfbench/results_read.h"

enum { TAG_TURN = 1, TAG_STATE = 2, TAG_RESULTS = 3 };

typedef struct fleet_job {
    int rank, size, local_rank;
    MPI_Comm node;            /* the ranks of this node (shared memory) */
    char dir[4096];
    char run_id[TFB_FLEET_RUN_ID_SIZE];  /* rank 0's, stamped on every rank file */
    int lock_fd;              /* rank 0: the folder's lock, held until exit; -1 elsewhere */
} fleet_job;

static void identify(fleet_job *job, tfb_fleet_rank *me)
{
    char name[MPI_MAX_PROCESSOR_NAME] = "";
    int length = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &job->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &job->size);
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, job->rank, MPI_INFO_NULL, &job->node);
    MPI_Comm_rank(job->node, &job->local_rank);
    MPI_Get_processor_name(name, &length);
    memset(me, 0, sizeof *me);
    me->rank = job->rank;
    me->size = job->size;
    me->local_rank = job->local_rank;
    me->device_index = -1;
    me->exit_code = -1;
    me->rank_pid = (long)getpid();
    snprintf(me->host, sizeof me->host, "%s", name);
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(me->started, sizeof me->started, "%Y-%m-%dT%H:%M:%S+00:00", &utc);
}

/* Rank 0's part: the folder named (--out, else tfbench-results/fleet-<time>), created and locked (another run
 * writing rank files into it would mix two jobs), and the run id. */
static int prepare_dir_at_root(fleet_job *job, const tfb_fleet_args *args, tfb_error *err)
{
    if (job->size > TFB_FLEET_MAX_RANKS)
        return tfb_fail(err, "%d ranks: a fleet has at most %d", job->size, TFB_FLEET_MAX_RANKS);
    if (!args->out_dir) {
        if (tfb_report_default_dir("fleet", (long long)time(NULL), job->dir, sizeof job->dir, err) != TFB_OK)
            return TFB_ERROR;
    } else if (snprintf(job->dir, sizeof job->dir, "%s", args->out_dir) >= (int)sizeof job->dir)
        return tfb_fail(err, "--out: path too long");
    if (tfb_report_dir_prepare(job->dir, err) != TFB_OK || tfb_lock_dir(job->dir, &job->lock_fd, err) != TFB_OK)
        return TFB_ERROR;
    return tfb_fleet_new_run_id(job->run_id, sizeof job->run_id, err);
}

/* Rank 0 prepares the folder; every other rank creates it too, on its own node (the same folder where the file
 * system is shared), and takes the run id. Returns 0 when rank 0 could not. */
static int agree_on_dir(fleet_job *job, const tfb_fleet_args *args, tfb_error *err)
{
    int length = 0;
    job->dir[0] = '\0';
    memset(job->run_id, 0, sizeof job->run_id);
    job->lock_fd = -1;
    if (job->rank == 0) length = prepare_dir_at_root(job, args, err) == TFB_OK ? (int)strlen(job->dir) : 0;
    MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Bcast(job->dir, length + 1, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Bcast(job->run_id, (int)sizeof job->run_id, MPI_CHAR, 0, MPI_COMM_WORLD);
    return length > 0;
}

/* The ranks of this node that share a device: one group per GPU, one for all CPU devices (PoCL's share the
 * cores), in local-rank order. */
static MPI_Comm turn_group(const fleet_job *job, const tfb_fleet_rank *me)
{
    MPI_Comm group;
    int color = me->device_index < 0 ? MPI_UNDEFINED : me->device_is_cpu ? 0 : me->device_index + 1;
    MPI_Comm_split(job->node, color, job->local_rank, &group);
    return group;
}

static void take_turn(MPI_Comm group, int wait)
{
    int position, members, token = 1;
    if (group == MPI_COMM_NULL) return;
    MPI_Comm_rank(group, &position);
    MPI_Comm_size(group, &members);
    if (wait && position > 0) MPI_Recv(&token, 1, MPI_INT, position - 1, TAG_TURN, group, MPI_STATUS_IGNORE);
    if (!wait && position + 1 < members) MPI_Send(&token, 1, MPI_INT, position + 1, TAG_TURN, group);
}

static void run_rank(fleet_job *job, const tfb_fleet_args *args, int serial, tfb_fleet_rank *me)
{
    tfb_error err = {{0}};
    if (tfb_fleet_pick_device(args->device, job->local_rank, me, &err) != TFB_OK) {
        snprintf(me->status, sizeof me->status, "failed");
        snprintf(me->error, sizeof me->error, "no device: %.1000s", err.message);
    }
    MPI_Comm group = turn_group(job, me);  /* collective on the node: every rank takes part */
    if (serial) take_turn(group, 1);
    if (me->device_index >= 0) tfb_fleet_run_worker(args, job->dir, me);
    if (serial) take_turn(group, 0);
    if (group != MPI_COMM_NULL) MPI_Comm_free(&group);
    if (tfb_fleet_write_state(job->dir, me, &err) != TFB_OK) fprintf(stderr, "tfbench: fleet: %s\n", err.message);
    fprintf(stderr, "tfbench: fleet rank %d (%s, device %d): %s%s%s\n", me->rank, me->host, me->device_index,
            me->status, me->error[0] ? ": " : "", me->error);
}

/* This rank's state and results as rank 0 receives them (results NULL when it has none). */
static void own_input(const fleet_job *job, const tfb_fleet_rank *me, tfb_fleet_input *in)
{
    tfb_error err = {{0}};
    char path[4096];
    char *text = NULL;
    size_t length = 0;
    cJSON *state = tfb_fleet_rank_to_json(me);
    in->state = state ? cJSON_PrintUnformatted(state) : NULL;
    in->state_length = in->state ? strlen(in->state) : 0;
    cJSON_Delete(state);
    int has_results = strcmp(me->status, "ok") == 0 || strcmp(me->status, "partial") == 0;
    if (has_results && tfb_fleet_rank_path(job->dir, me->rank, "json", path, sizeof path, &err) == TFB_OK &&
        tfb_read_file(path, TFB_RESULTS_MAX_BYTES, &text, &length, &err) == TFB_OK) {
        in->results = text;
        in->results_length = length;
    }
}

static char *receive(int from, int tag, size_t *length)
{
    MPI_Status status;
    int count = 0;
    MPI_Probe(from, tag, MPI_COMM_WORLD, &status);
    MPI_Get_count(&status, MPI_CHAR, &count);
    char *text = malloc((size_t)count + 1);
    if (!text) MPI_Abort(MPI_COMM_WORLD, 1);  /* the message must be taken, or its sender waits forever */
    MPI_Recv(text, count, MPI_CHAR, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    text[count] = '\0';
    *length = (size_t)count;
    if (count > 0) return text;
    free(text);
    return NULL;
}

static void free_input(tfb_fleet_input *in)
{
    cJSON_free((char *)in->state);
    free((char *)in->results);
}

/* Rank 0: every rank's state and results, then the fleet file and report. Returns the job's exit status. */
static int gather_at_root(const fleet_job *job, const tfb_fleet_args *args, tfb_fleet_input *mine)
{
    tfb_fleet_input *inputs = calloc((size_t)job->size, sizeof *inputs);
    tfb_error err = {{0}};
    cJSON *fleet = NULL;
    if (!inputs) return fputs("tfbench: fleet: out of memory\n", stderr), 1;
    inputs[0] = *mine;
    for (int r = 1; r < job->size; r++) {
        inputs[r].state = receive(r, TAG_STATE, &inputs[r].state_length);
        inputs[r].results = receive(r, TAG_RESULTS, &inputs[r].results_length);
    }
    tfb_fleet_rule rule = {.threshold = args->threshold, .mad_limit = TFB_FLEET_MAD_LIMIT};
    int rc = tfb_fleet_build(inputs, (size_t)job->size, &rule, &fleet, &err);
    if (rc == TFB_OK) rc = tfb_fleet_write(fleet, job->dir, &err);
    if (rc == TFB_OK) {
        tfb_fleet_print_report(fleet, stdout);
        printf("\nfleet file: %s/fleet.json (report: fleet-report.txt, fleet-report.html)\n", job->dir);
    } else fprintf(stderr, "tfbench: fleet: %s\n", err.message);
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(fleet, "fleet");
    int all_ok = rc == TFB_OK && tfb_json_number(summary, "ranks_ok", 0) == job->size;
    for (int r = 1; r < job->size; r++) {
        free((char *)inputs[r].state);
        free((char *)inputs[r].results);
    }
    free(inputs);
    cJSON_Delete(fleet);
    return all_ok ? 0 : 1;
}

int tfb_fleet_mpi_main(int argc, char **argv, const tfb_fleet_args *args)
{
    fleet_job job;
    tfb_fleet_rank me;
    tfb_error err = {{0}};
    MPI_Init(&argc, &argv);
    identify(&job, &me);
    int serial = args->serial, any_serial = 0, rc;
    MPI_Allreduce(&serial, &any_serial, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);  /* MPMD parts may differ */
    if (!agree_on_dir(&job, args, &err)) {
        if (job.rank == 0) fprintf(stderr, "tfbench: fleet: %s\n", err.message);
        MPI_Comm_free(&job.node);
        MPI_Finalize();
        return 2;
    }
    if (job.rank != 0 && tfb_report_dir_prepare(job.dir, &err) != TFB_OK)
        fprintf(stderr, "tfbench: fleet rank %d: %s\n", job.rank, err.message);
    snprintf(me.run_id, sizeof me.run_id, "%s", job.run_id);
    run_rank(&job, args, any_serial, &me);
    tfb_fleet_input mine = {0};
    own_input(&job, &me, &mine);
    if (job.rank == 0) rc = gather_at_root(&job, args, &mine);
    else {
        MPI_Send(mine.state, (int)mine.state_length, MPI_CHAR, 0, TAG_STATE, MPI_COMM_WORLD);
        MPI_Send(mine.results, (int)mine.results_length, MPI_CHAR, 0, TAG_RESULTS, MPI_COMM_WORLD);
        rc = strcmp(me.status, "ok") == 0 ? 0 : 1;
    }
    free_input(&mine);
    if (job.lock_fd >= 0) close(job.lock_fd);
    MPI_Comm_free(&job.node);
    MPI_Finalize();
    return rc;
}
