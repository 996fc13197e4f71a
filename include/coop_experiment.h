/* coop_experiment.h: points x worlds x replicates, run in parallel.
 *
 * An experiment is a list of work items (point p, world w, replicate r).  Item
 * (p, w, r) runs the configuration of world w at point p with the seed
 * key coop_rng_key(seed, p, r): the worlds of one replicate share their key (common
 * random numbers).  Items run in parallel (OpenMP, schedule dynamic); completed
 * records are handed to a sink strictly in item order, p outermost, then w, then
 * r, one call at a time, through a bounded reorder buffer: at most 2 x threads
 * records exist at once, whatever the number of items.  So everything a sink
 * writes is the same for any thread count.
 *
 * This module does not write files: the output module provides a sink (data flows
 * config -> model -> experiment -> stats -> output).  It is the only module that
 * uses OpenMP, and the only one that uses MPI, in one file chosen at link time
 * (coop_dist.h): in build/coopsim-mpi (make mpi) the items of an experiment are
 * spread over the MPI ranks.  Rank 0 runs the commands, owns the sink and hands
 * out blocks of consecutive items to the other ranks (dynamic load balancing: a
 * rank asks for its next block when it has sent the records of the last one),
 * runs items on its own threads too, and feeds every record, local or received,
 * through the same reorder buffer: the sink calls, and so the files, are the same
 * for any number of ranks and threads.  A sink that splits its work (coop_sink:
 * prepare and commit) has the records prepared where they were computed, workers
 * included, which then send ready bytes instead of records.  The other ranks
 * ("workers") run no command: main loads the same configuration, describes the
 * command's work (coop_work) and calls coop_experiment_worker, which serves rank
 * 0's plans until the program ends; they write only the rows of their own items,
 * where rank 0 says (coop_sink_files).  In build/coopsim the process is rank 0
 * of 1 and the process functions below cost nothing. */
#ifndef COOP_EXPERIMENT_H
#define COOP_EXPERIMENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "coop_config.h"
#include "coop_error.h"
#include "coop_model.h"

/* One work item, as a sink sees it. */
typedef struct coop_item {
    int point;                 /* absolute point index (plan->point0 + p) */
    int world;                 /* world index */
    const char *world_name;    /* e.g. "factual" */
    int replicate;
    uint64_t seed;             /* the run's key: coop_rng_key(seed, point, replicate) */
    const coop_config *cfg;    /* the configuration the item ran */
} coop_item;

/* A growing byte buffer (a prepared item's rows).  bad: an allocation failed (the
 * buffer keeps what it had). */
typedef struct coop_bytes {
    unsigned char *p;
    size_t n, cap;
    int bad;
} coop_bytes;

/* Makes room for `more` bytes after b->n; 0, or -1 (b->bad set) when out of memory. */
int coop_bytes_reserve(coop_bytes *b, size_t more);
/* Appends n bytes (nothing when out of memory: b->bad). */
void coop_bytes_put(coop_bytes *b, const void *s, size_t n);
void coop_bytes_free(coop_bytes *b);

/* The prepare stage of a sink: turns one record into the bytes its commit stage
 * will write, appended to out.  It must be a pure function of item and rec (no
 * state, no ctx): it runs on whichever thread of whichever rank computed the item,
 * in any order, several at once.  COOP_OK, or an error with err filled. */
typedef int (*coop_prepare_fn)(const coop_item *item, const coop_record *rec, coop_bytes *out,
                               coop_err *err);

/* One prepared item as the commit stage sees it: the record's outcome scalars
 * (rounded to their "%.10g" text when the sink asked for it, round_scalars) and
 * the prepare stage's bytes.  Valid only during the call. */
typedef struct coop_prepared {
    const double *outcome;                          /* [COOP_N_OUTCOMES] */
    int n_states;
    const double (*state_outcome)[COOP_N_OUTCOMES]; /* [n_states] */
    const unsigned char *bytes;
    size_t n_bytes;
    /* Direct writes (coop_sink.files): when set, the item's file data are written
     * by the process layer, not by commit: bytes holds only the head (n_bytes =
     * files->head), and commit stores at at[k] the offset in file k where the
     * item's data go, advancing its own running offsets as if it had written them. */
    long long *at;
} coop_prepared;

/* Direct writes ("offset on commit", docs/CLUSTER.md): the files a splitting
 * sink's commit appends its prepared bytes to.  The prepared bytes start with a
 * head of `head` bytes, whose uint32_t at byte len_at + 4 k holds the count of
 * bytes for file k; the data for files 0, 1, ... follow the head in that order.
 * Under MPI, with worker ranks that see the same files, the engine calls commit
 * with coop_prepared.at set (commit only reserves the ranges) and the rank that
 * prepared an item writes its data there (pwrite): rank 0 no longer writes the
 * bytes of the items the workers computed. */
enum { COOP_SINK_FILES = 4 };
typedef struct coop_sink_files {
    int n;                               /* files, at most COOP_SINK_FILES */
    const char *path[COOP_SINK_FILES];   /* their paths (every rank opens them to write) */
    int fd[COOP_SINK_FILES];             /* rank 0's descriptors of them */
    size_t head, len_at;                 /* see above */
} coop_sink_files;

/* A run of n items of one (point, world), consecutive replicates, as commit_run
 * sees it (direct writes: their data are written by the ranks that prepared them):
 * a column of byte counts per file and, unless the sink reads none (no_scalars),
 * the items' outcome scalars column by column, as a worker's block carries them
 * (docs/CLUSTER.md): column c = o holds outcome o, column c = COOP_N_OUTCOMES *
 * (1 + x) + o state x's outcome o (NaN for the states an item has not).  A column
 * whose items all hold the same value is that value once (constant[c]): item j's
 * value is col[c][constant[c] ? 0 : j] (coop_run_scalar).  Valid only during the
 * call. */
enum { COOP_RUN_COLS = COOP_N_OUTCOMES * (1 + COOP_MAX_STATES) };
typedef struct coop_run {
    int n;                                /* items, at least 1 */
    const unsigned char *head;            /* a head (files->head bytes) whose layout every
                                           * item's shares; its byte counts are not theirs */
    const uint32_t *len[COOP_SINK_FILES]; /* len[k][j]: item j's bytes for file k */
    long long total[COOP_SINK_FILES];     /* the run's bytes for file k: len[k]'s sum */
    int scalars;                          /* the columns are there (not when no_scalars) */
    int n_states;                         /* states with outcome columns */
    const double *col[COOP_RUN_COLS];     /* [COOP_N_OUTCOMES * (1 + n_states)] */
    unsigned char constant[COOP_RUN_COLS];
} coop_run;

static inline double coop_run_scalar(const coop_run *r, int c, int j)
{
    return r->col[c][r->constant[c] ? 0 : j];
}

/* Where completed work goes.  Calls come one at a time (never concurrently, though
 * not always from the same thread), in item order.  A callback returns COOP_OK or
 * an error code with err filled; the experiment then stops starting items and
 * returns that code.  (To stop on a signal, return COOP_EINTR from a callback.)
 * Either callback may be NULL.
 *
 * A sink may split its per-record work (prepare and commit both set): prepare
 * runs in parallel right after an item is computed, on the computing thread, and
 * under MPI on the worker rank that computed it (whose coop_work.prepare must be
 * the same function), so that only commit, called in item order instead of
 * replicate, is left to the serial delivery: it should do no more than append
 * the prepared bytes and fold the scalars (docs/CLUSTER.md).  Records then never
 * travel between ranks, only prepared items. */
typedef struct coop_sink {
    void *ctx;
    /* A finished replicate; rec is valid only during the call. */
    int (*replicate)(void *ctx, const coop_item *item, const coop_record *rec, coop_err *err);
    /* Every replicate of world `world` at `point` has been delivered. */
    int (*point_done)(void *ctx, int point, int world, const char *world_name,
                      const coop_config *cfg, coop_err *err);
    /* The split form of replicate (both, or neither): see above. */
    coop_prepare_fn prepare;
    int (*commit)(void *ctx, const coop_item *item, const coop_prepared *p, coop_err *err);
    /* commit wants the outcome scalars as outcomes.csv writes them ("%.10g" read
     * back): rounded on the computing thread, not in the serial commit. */
    int round_scalars;
    /* The files commit appends the prepared bytes to, for direct writes (NULL:
     * commit always writes them itself).  A sink that wraps another passes it on. */
    const coop_sink_files *files;
    /* Optional, direct writes only: a run of items of one (point, world) as one
     * unit (coop_run: the first item and n - 1 consecutive replicates after it),
     * the same as commit on each in turn, but the ranges of their data are reserved
     * together: at[k] receives the offset in file k of the first item's data, the
     * others following it.  Lets the serial delivery commit a worker's block with
     * one call (docs/CLUSTER.md).  NULL: the engine calls commit on each, with the
     * item's replicate advanced and seed 0 after the first (commit, unlike replicate,
     * has no use for a seed). */
    int (*commit_run)(void *ctx, const coop_item *first, const coop_run *run, long long *at,
                      coop_err *err);
    /* commit and commit_run never read the outcome scalars (coop_prepared.outcome,
     * coop_run.scalars): a worker then leaves them out of its blocks under direct
     * writes.  A sink that wraps another sets it only when both read none. */
    int no_scalars;
    /* > 0: commit and commit_run read the per-state scalars only of the items of
     * worlds below this (a worker then leaves the others' out); 0: of every world.
     * A sink that wraps another passes it on. */
    int state_worlds;
} coop_sink;

/* sink->commit_run, or where the sink has none, sink->commit on each of the run's
 * items in turn (sink->files set; each gets its view: its head with its own byte
 * counts, its scalars gathered from the columns; the items' data are checked to
 * follow each other).  A sink that wraps another calls this for the inner one. */
int coop_sink_commit_run(const coop_sink *sink, const coop_item *first, const coop_run *run,
                         long long *at, coop_err *err);

/* Under MPI with direct writes: the number of points, from point 0, whose items'
 * rows are all written and durable on the worker ranks that wrote them (rank 0's
 * own writes become durable with its own fsync).  INT_MAX when nothing is
 * outstanding (always in build/coopsim).  A checkpoint (a sweep's progress.csv)
 * may record only those points. */
int coop_experiment_durable_points(void);

/* What to run: n_points x n_worlds x replicates items. */
typedef struct coop_plan {
    int n_points;                    /* >= 1 */
    int point0;                      /* index of the first point: point0 + n_points <= COOP_MAX_POINTS */
    int n_worlds;                    /* >= 1 */
    const coop_config *const *cfg;   /* [n_points * n_worlds]: world w of point p at p * n_worlds + w;
                                      * each must outlive the call */
    const char *const *world_name;   /* [n_worlds] */
    int replicates;                  /* [1, COOP_MAX_REPLICATES] */
    uint32_t seed;                   /* master seed */
    int keep_series;                 /* records keep per-step arrays (summary or full series) */
    int keep_snapshots;              /* the record of replicate 0 of world 0 of each point takes
                                      * the snapshots of its configuration (output.snapshots,
                                      * coop_record_add_snapshots); other records none */
} coop_plan;

/* The thread count an experiment uses for `requested`: requested when > 0, else
 * OpenMP's default (OMP_NUM_THREADS, else all cores). */
int coop_experiment_threads(int requested);

/* Runs every item of plan on coop_experiment_threads(threads) threads and delivers
 * each record to sink.  Returns COOP_OK; COOP_EINVAL for a bad plan; COOP_ENOMEM
 * when a model or record cannot be allocated; or the code a sink returned.  On
 * error err holds the first failure (in time); sink calls may have been made for
 * a prefix of the items. */
int coop_experiment_run_plan(const coop_plan *plan, int threads, const coop_sink *sink,
                             coop_err *err);

/* Builds the configuration of world `world` at absolute point `point` into *cfg
 * (zeroed on entry; the experiment releases it with coop_config_destroy).
 * Returns COOP_OK or an error code with err filled. */
typedef int (*coop_point_cfg_fn)(void *ctx, int point, int world, coop_config *cfg,
                                 coop_err *err);

/* Like coop_experiment_run_plan, for plans too long to hold every configuration:
 * plan->cfg is ignored and make(ctx, point, world, ...) builds the configurations
 * of a chunk of points at a time (points in increasing order, each built once),
 * which are released when the chunk is done, so memory holds at most one chunk
 * of configurations (a few hundred points at most) however many points there
 * are.  The items, their seeds and the sink calls are exactly those of
 * coop_experiment_run_plan on the whole plan, so the output is the same for any
 * thread count and chunk size.  A sink error stops the run at once (the points of
 * later chunks are not built). */
int coop_experiment_run_lazy(const coop_plan *plan, coop_point_cfg_fn make, void *ctx,
                             int threads, const coop_sink *sink, coop_err *err);

/* `coopsim run`: cfg->replicates replicates of point 0, world "factual", seed
 * cfg->seed, per-step arrays kept unless cfg->series is COOP_SERIES_NONE, and the
 * snapshots of cfg->snapshots kept in replicate 0 (keep_snapshots). */
int coop_experiment_run(const coop_config *cfg, int threads, const coop_sink *sink,
                        coop_err *err);

/* ---- task farms ---- */

/* A task farm: n_tasks tasks, each a pure function of a payload (bytes that rank 0
 * hands to every rank) and its index, each writing result_size bytes.  begin
 * turns the payload into a round's state (on every rank, rank 0 included, from
 * the same bytes), run runs task i of that state into result (concurrently on
 * several threads: it must touch only its result and what its thread owns), end
 * releases the state.  Under MPI the worker ranks run blocks of tasks as they ask
 * for them and rank 0 places every result at its index, so the results are the
 * same for any number of ranks and threads.  A task's own failure belongs in its
 * result; run's status is for failures that end the whole farm. */
typedef struct coop_farm {
    void *ctx;
    void *(*begin)(void *ctx, const unsigned char *payload, size_t n, coop_err *err);
    int (*run)(void *state, long long task, unsigned char *result, coop_err *err);
    void (*end)(void *state);
    size_t result_size;
    /* Optional, for results that are mostly empty (both or neither): a worker rank
     * sends pack(result, out)'s bytes (at most result_size) instead of the whole
     * result, and rank 0 rebuilds it with unpack(in, n, result), which returns 0
     * when the bytes are not a packed result.  A result unpacked must read as the
     * task left it; the bytes pack leaves out may differ. */
    size_t (*pack)(const unsigned char *result, unsigned char *out);
    int (*unpack)(const unsigned char *in, size_t n, unsigned char *result);
} coop_farm;

/* Runs the n_tasks tasks of farm on payload (n bytes) on this process's
 * coop_experiment_threads(threads) threads and, under MPI, on the worker ranks
 * whose work has this farm (coop_work.farm), into results[n_tasks *
 * farm->result_size].  Returns COOP_OK, begin's or run's error, COOP_EINTR when
 * the stop flag (coop_experiment_set_stop) is set while worker ranks take part,
 * or a worker's failure. */
int coop_experiment_farm(const coop_farm *farm, const void *payload, size_t n, long long n_tasks,
                         int threads, unsigned char *results, coop_err *err);

/* ---- processes (MPI) ---- */

/* The work of a command as a worker rank serves it: the shape of the plans rank 0
 * runs (plan: n_worlds, world_name, replicates, seed, keep_series and
 * keep_snapshots as rank 0's; its n_points, point0 and cfg are not used: rank 0
 * says which points each plan has), how world w of absolute point p is built,
 * make(ctx, p, w, ...): the configuration rank 0 runs there, and the prepare stage
 * of the sink rank 0 runs (used when rank 0's sink of a plan has one), and the
 * task farm rank 0 runs (coop_experiment_farm). */
typedef struct coop_work {
    coop_plan plan;
    coop_point_cfg_fn make;
    void *ctx;
    coop_prepare_fn prepare;  /* the prepare stage of rank 0's sink (NULL: it has none) */
    const coop_farm *farm;    /* the task farm rank 0 runs (NULL: none); see above */
} coop_work;

/* The work of coop_experiment_run(cfg, ...): cfg (a copy of it) at point 0; cfg
 * must outlive the work. */
coop_work coop_experiment_run_work(const coop_config *cfg);

/* Starts MPI (MPI_Init_thread, funneled) in build/coopsim-mpi; else nothing.
 * Call first thing in main.  Returns COOP_OK, or COOP_EIO when MPI cannot start. */
int coop_experiment_init(int *argc, char ***argv);

/* This process's rank (0 without MPI) and the number of ranks (1 without MPI).
 * Only rank 0 prints and writes files, but for the workers' direct writes
 * (coop_sink_files). */
int coop_experiment_rank(void);
int coop_experiment_ranks(void);

/* The flag a SIGINT/SIGTERM handler sets (NULL: none).  Under MPI rank 0 checks it
 * while it waits for other ranks, and workers between items, so that a signal
 * stops a distributed experiment within one item (COOP_EINTR, as the progress
 * sink returns it). */
void coop_experiment_set_stop(const volatile sig_atomic_t *stop);

/* The worker ranks' one entry point (main calls it on a rank > 0, instead of the
 * command): serves every plan rank 0 starts with work (NULL: the command is not
 * distributed, take part in none) on coop_experiment_threads(threads) threads,
 * until rank 0 ends the program.  Returns COOP_OK, or the first failure (already
 * reported to rank 0), then call coop_experiment_finish.  Rank 0 and build/coopsim
 * return COOP_OK at once. */
int coop_experiment_worker(const coop_work *work, int threads, coop_err *err);

/* Ends the process's part: on rank 0 tells every worker that the program is over
 * with `status`, on a worker reports its own failure (status, err) to rank 0 if
 * it has not yet, then waits for rank 0's word; then MPI_Finalize.  Returns the
 * status to exit with: rank 0's on every rank, so exit statuses agree.  Without
 * MPI returns status. */
int coop_experiment_finish(int status, const coop_err *err);

/* How a command that runs experiments into a results directory runs them: the
 * options `coopsim hypothesis` and `coopsim validate` take (coop_hyp_opts,
 * coop_validate_opts), filled from the command line in one place. */
typedef struct coop_run_opts {
    const char *dir;       /* results directory */
    int force;             /* replace an existing results directory (coopsim's files) */
    int resume;            /* finish an interrupted sweep (hypothesis with a sweep group) */
    int threads;           /* 0 = OpenMP's default */
    const char *command;   /* command line for the manifest */
    int quiet;             /* no notes on stderr */
    FILE *table;           /* where the table goes (stdout); NULL = nowhere */
    FILE *progress;        /* where the progress bar goes (a terminal); NULL = nowhere */
    const volatile sig_atomic_t *stop;  /* set by a signal handler to stop; may be NULL */
} coop_run_opts;

#endif
