/* experiment.c: work items run in parallel, delivered in order (see coop_experiment.h).
 *
 * Work item i stands for (point p, world w, replicate r) with
 * i = (p * n_worlds + w) * replicates + r.  The threads of one OpenMP parallel
 * region take items from a shared counter, one at a time (dynamic scheduling with
 * chunk 1), run each in its own model with its own seed and leave the record in
 * slot i mod S of a reorder buffer of S = 2 x threads slots.  Whichever thread
 * finds the next undelivered item ready becomes the deliverer: it hands that
 * record and every following ready one to the sink, in order, outside the lock,
 * so the sink sees one call at a time while the other threads keep computing.
 * A thread may start item i only when i < next_deliver + S, which bounds memory
 * to S records however many items there are; a thread that is that far ahead
 * waits (sleeping 0.1 ms between checks) for the slow item before it.
 *
 * Nothing in the parallel region exits or jumps: a failure is recorded (the first
 * one wins), no new items start, and the caller sees the status after the region.
 * The seeds, and so the records, do not depend on which thread ran an item, and
 * the sink receives them in the same order: its output is the same for any
 * thread count.
 *
 * MPI (compiled only with -DCOOP_MPI; protocol at the end of this file): on rank
 * 0 the parallel region has one more thread, thread 0, which talks to the other
 * ranks (MPI_THREAD_FUNNELED: only the main thread calls MPI).  It hands a
 * worker rank that asks for work a block [a, b) of the next items (the shared
 * counter jumps by b - a), and puts each record received into its slot of the
 * reorder buffer as if a local thread had computed it.  A block is handed out
 * only when it fits in the buffer's window, which has 3 x BLOCK_MAX more slots
 * per worker (rank 0's own threads keep out of the last 2 x BLOCK_MAX of them, so
 * that a worker always finds room for its next block), so rank 0 still holds a
 * bounded number of records. */
#include "coop_experiment.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>
#ifdef COOP_MPI
#include <mpi.h>
#include <stdio.h>
#endif

#include "coop_rng.h"

/* The stop flag of coop_experiment_set_stop. */
static const volatile sig_atomic_t *stop_flag;

void coop_experiment_set_stop(const volatile sig_atomic_t *stop)
{
    stop_flag = stop;
}

#ifdef COOP_MPI
static int stopping(void)
{
    return stop_flag && *stop_flag;
}
#endif

#ifdef COOP_MPI
typedef struct remote remote;
static int mpi_rank;
/* Rank 0's accounting, printed at the end when COOPSIM_MPI_STATS is set (for
 * sizing a cluster run, docs/CLUSTER.md): records delivered, records and bytes
 * received, and the time spent on them serially (receiving and unpacking, and
 * every sink call). */
static long long st_items, st_received, st_bytes;
static double st_recv_s, st_sink_s;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
#endif

typedef struct slot {
    coop_record *rec;
    int ready;
} slot;

typedef struct engine {
    const coop_plan *plan;
    const coop_sink *sink;
    long long n_items;
    long long n_slots;
    long long local_window;  /* this rank's threads start items below next_deliver + this */
    int model_threads;       /* within-run threads of each model: threads / team */
    slot *slots;
    omp_lock_t lock;
    long long next_start;    /* the next item to start */
    long long next_deliver;  /* the next item to hand to the sink */
    int delivering;          /* a thread is inside a sink call */
    int status;              /* first failure, COOP_OK while none */
    coop_err err;
#ifdef COOP_MPI
    remote *rm;              /* rank 0: the workers of this run (NULL when none) */
#endif
} engine;

#ifdef COOP_MPI
static int remote_start(engine *e, int threads);
static void remote_loop(engine *e);
static void remote_end(engine *e);
static int serve_plan(const coop_plan *plan, coop_point_cfg_fn make, void *ctx, int threads,
                      coop_err *err);
static void exp_end(void);
#endif

static void decode(const coop_plan *plan, long long i, int *p, int *w, int *r)
{
    *r = (int)(i % plan->replicates);
    long long pw = i / plan->replicates;
    *w = (int)(pw % plan->n_worlds);
    *p = (int)(pw / plan->n_worlds);
}

/* Records the first failure.  Called with the lock held. */
static void fail(engine *e, int status, const coop_err *err)
{
    if (!e->status) {
        e->status = status;
        e->err = *err;
    }
}

/* A new record for item i of plan, run on cfg: per-step arrays as the plan says,
 * and snapshots when the item is replicate 0 of world 0 and the plan keeps them.
 * NULL when out of memory.  Rank 0 allocates the records it receives from other
 * ranks with it too, so both sides agree on the record's size. */
static coop_record *item_record(const coop_plan *plan, long long i, const coop_config *cfg)
{
    int p, w, r;
    decode(plan, i, &p, &w, &r);
    coop_record *rec = coop_record_alloc(cfg, plan->keep_series);
    if (rec && plan->keep_snapshots && w == 0 && r == 0 &&
        coop_record_add_snapshots(rec, cfg) != COOP_OK) {
        coop_record_free(rec);
        rec = NULL;
    }
    return rec;
}

/* Runs item i of plan into a new record *out, reusing the caller's model while the
 * configuration stays the same. */
static int run_one(const coop_plan *plan, long long i, int model_threads, coop_model **model,
                   const coop_config **model_cfg, coop_record **out, coop_err *err)
{
    int p, w, r;
    decode(plan, i, &p, &w, &r);
    const coop_config *cfg = plan->cfg[(size_t)p * plan->n_worlds + w];
    if (*model_cfg != cfg) {
        coop_model_free(*model);
        *model_cfg = NULL;
        err->code = COOP_OK;
        *model = coop_model_alloc(cfg, err);
        if (!*model)
            return err->code ? err->code
                             : COOP_FAIL(err, COOP_ENOMEM, "out of memory allocating a model");
        *model_cfg = cfg;
        /* Where a run qualifies for the node kernel it records the population only, so
         * nothing reads the per-node cumulative gains: let the kernel skip them.  Threads
         * the item-level team leaves idle go to the run itself (the kernel starts them
         * only for large populations and never inside an active parallel region). */
        coop_model_set_kernel(*model, 2);
        coop_model_set_threads(*model, model_threads);
    }
    coop_record *rec = item_record(plan, i, cfg);
    if (!rec)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory allocating a record of %d steps",
                         cfg->n_steps);
    coop_model_run(*model, coop_rng_key(plan->seed, (uint32_t)(plan->point0 + p), (uint32_t)r),
                   rec);
    *out = rec;
    return COOP_OK;
}

/* Runs item i into its slot. */
static int run_item(engine *e, long long i, coop_model **model, const coop_config **model_cfg,
                    coop_err *err)
{
    return run_one(e->plan, i, e->model_threads, model, model_cfg, &e->slots[i % e->n_slots].rec,
                   err);
}

/* Hands item i to the sink (and closes its (point, world) after its last replicate). */
static int deliver_one(engine *e, long long i, const coop_record *rec, coop_err *err)
{
    const coop_plan *plan = e->plan;
    const coop_sink *sink = e->sink;
    int p, w, r, status = COOP_OK;
    decode(plan, i, &p, &w, &r);
    coop_item item = {
        .point = plan->point0 + p,
        .world = w,
        .world_name = plan->world_name[w],
        .replicate = r,
        .seed = coop_rng_key(plan->seed, (uint32_t)(plan->point0 + p), (uint32_t)r),
        .cfg = plan->cfg[(size_t)p * plan->n_worlds + w],
    };
    if (sink->replicate)
        status = sink->replicate(sink->ctx, &item, rec, err);
    if (!status && r == plan->replicates - 1 && sink->point_done)
        status = sink->point_done(sink->ctx, item.point, w, item.world_name, item.cfg, err);
    return status;
}

/* Delivers every ready item in order, unless another thread is already doing so.
 * Called with the lock held; releases it around each sink call. */
static void deliver(engine *e, coop_err *err)
{
    while (!e->status && !e->delivering && e->next_deliver < e->n_items &&
           e->slots[e->next_deliver % e->n_slots].ready) {
        long long i = e->next_deliver;
        slot *s = &e->slots[i % e->n_slots];
        e->delivering = 1;
        omp_unset_lock(&e->lock);

#ifdef COOP_MPI
        double t0 = now_s();
        int status = deliver_one(e, i, s->rec, err);
        st_sink_s += now_s() - t0;
        st_items++;
#else
        int status = deliver_one(e, i, s->rec, err);
#endif
        coop_record_free(s->rec);
        s->rec = NULL;
        s->ready = 0;

        omp_set_lock(&e->lock);
        e->delivering = 0;
        if (status)
            fail(e, status, err);
        else
            e->next_deliver++;
    }
}

static void nap(void)
{
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
}

static void worker(engine *e)
{
    coop_model *model = NULL;
    const coop_config *model_cfg = NULL;
    coop_err err = {0};
    for (;;) {
        long long i = -1;
        int done = 0;
        omp_set_lock(&e->lock);
        if (e->status || e->next_start >= e->n_items)
            done = 1;
        else if (e->next_start < e->next_deliver + e->local_window)
            i = e->next_start++;
        omp_unset_lock(&e->lock);
        if (done)
            break;
        if (i < 0) {
            nap();
            continue;
        }

        int status = run_item(e, i, &model, &model_cfg, &err);
        omp_set_lock(&e->lock);
        if (status)
            fail(e, status, &err);
        else
            e->slots[i % e->n_slots].ready = 1;
        deliver(e, &err);
        omp_unset_lock(&e->lock);
    }
    coop_model_free(model);
}

static int check_plan(const coop_plan *plan, const coop_sink *sink, coop_err *err)
{
    if (!plan || !sink || !plan->cfg || !plan->world_name)
        return COOP_FAIL(err, COOP_EINVAL, "experiment: missing plan, sink, configurations or world names");
    if (plan->n_points < 1 || plan->point0 < 0 || plan->point0 > COOP_MAX_POINTS - plan->n_points)
        return COOP_FAIL(err, COOP_EINVAL,
                         "experiment: points %d..%d outside [0, %d)", plan->point0,
                         plan->point0 + plan->n_points - 1, COOP_MAX_POINTS);
    if (plan->n_worlds < 1)
        return COOP_FAIL(err, COOP_EINVAL, "experiment: %d worlds (need at least 1)", plan->n_worlds);
    if (plan->replicates < 1 || plan->replicates > COOP_MAX_REPLICATES)
        return COOP_FAIL(err, COOP_EINVAL, "experiment: replicates = %d outside [1, %d]",
                         plan->replicates, COOP_MAX_REPLICATES);
    for (int w = 0; w < plan->n_worlds; w++)
        if (!plan->world_name[w])
            return COOP_FAIL(err, COOP_EINVAL, "experiment: world %d has no name", w);
    for (long long k = 0; k < (long long)plan->n_points * plan->n_worlds; k++)
        if (!plan->cfg[k])
            return COOP_FAIL(err, COOP_EINVAL, "experiment: point %lld world %lld has no configuration",
                             plan->point0 + k / plan->n_worlds, k % plan->n_worlds);
    return COOP_OK;
}

int coop_experiment_threads(int requested)
{
    return requested > 0 ? requested : omp_get_max_threads();
}

/* One plan (a chunk of a lazy one) on this rank's threads and, under MPI, on the
 * workers. */
static int run_chunk(const coop_plan *plan, int threads, const coop_sink *sink, coop_err *err)
{
    int status = check_plan(plan, sink, err);
    if (status)
        return status;

    engine e = {0};
    e.plan = plan;
    e.sink = sink;
    e.n_items = (long long)plan->n_points * plan->n_worlds * plan->replicates;
    long long nt = coop_experiment_threads(threads);
    if (nt > e.n_items)
        nt = e.n_items;
    e.model_threads = (int)(coop_experiment_threads(threads) / nt);
    e.n_slots = e.local_window = 2 * nt;
    int team = (int)nt;
#ifdef COOP_MPI
    if ((status = remote_start(&e, (int)nt))) {
        if (err)
            *err = e.err;
        return status;
    }
    if (e.rm)
        team++; /* thread 0 talks to the workers */
#endif
    e.slots = calloc((size_t)e.n_slots, sizeof *e.slots);
    if (!e.slots)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory allocating %lld result slots", e.n_slots);
    omp_init_lock(&e.lock);

#pragma omp parallel num_threads(team)
    {
#ifdef COOP_MPI
        if (e.rm && omp_get_thread_num() == 0)
            remote_loop(&e);
        else
#endif
            worker(&e);
    }

#ifdef COOP_MPI
    remote_end(&e);
#endif
    omp_destroy_lock(&e.lock);
    for (long long k = 0; k < e.n_slots; k++)
        coop_record_free(e.slots[k].rec);
    free(e.slots);
    if (e.status && err)
        *err = e.err;
    return e.status;
}

int coop_experiment_run_plan(const coop_plan *plan, int threads, const coop_sink *sink,
                             coop_err *err)
{
#ifdef COOP_MPI
    if (mpi_rank > 0)
        return serve_plan(plan, NULL, NULL, threads, err);
    int status = run_chunk(plan, threads, sink, err);
    exp_end();
    return status;
#else
    return run_chunk(plan, threads, sink, err);
#endif
}

int coop_experiment_run(const coop_config *cfg, int threads, const coop_sink *sink,
                        coop_err *err)
{
    if (!cfg)
        return COOP_FAIL(err, COOP_EINVAL, "experiment: no configuration");
    static const char *const factual[] = {"factual"};
    const coop_config *cfgs[] = {cfg};
    coop_plan plan = {
        .n_points = 1,
        .point0 = 0,
        .n_worlds = 1,
        .cfg = cfgs,
        .world_name = factual,
        .replicates = cfg->replicates,
        .seed = (uint32_t)cfg->seed,
        .keep_series = cfg->series != COOP_SERIES_NONE,
        .keep_snapshots = cfg->n_snapshots > 0,
    };
    return coop_experiment_run_plan(&plan, threads, sink, err);
}

/* Points per chunk of a lazy plan: enough items that the threads rarely wait for
 * one another at the end of a chunk (about 256 per thread), few enough that the
 * chunk's configurations stay small. */
static int chunk_points(const coop_plan *plan, int threads)
{
    long long per_point = (long long)plan->n_worlds * plan->replicates;
    long long want = 256LL * coop_experiment_threads(threads) * coop_experiment_ranks();
    long long k = (want + per_point - 1) / per_point;
    return k < 1 ? 1 : k > 256 ? 256 : (int)k;
}

int coop_experiment_run_lazy(const coop_plan *plan, coop_point_cfg_fn make, void *ctx,
                             int threads, const coop_sink *sink, coop_err *err)
{
    if (!plan || !make || !sink || !plan->world_name)
        return COOP_FAIL(err, COOP_EINVAL, "experiment: missing plan, configuration builder, "
                         "sink or world names");
    if (plan->n_points < 1 || plan->n_worlds < 1)
        return COOP_FAIL(err, COOP_EINVAL, "experiment: %d points of %d worlds", plan->n_points,
                         plan->n_worlds);
#ifdef COOP_MPI
    if (mpi_rank > 0)
        return serve_plan(plan, make, ctx, threads, err);
#endif
    int chunk = chunk_points(plan, threads);
    if (chunk > plan->n_points)
        chunk = plan->n_points;
    size_t n_cfg = (size_t)chunk * (size_t)plan->n_worlds;
    coop_config *cfgs = calloc(n_cfg, sizeof *cfgs);
    const coop_config **ptrs = calloc(n_cfg, sizeof *ptrs);
    if (!cfgs || !ptrs) {
        free(cfgs);
        free(ptrs);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory for %zu point configurations", n_cfg);
    }
    for (size_t k = 0; k < n_cfg; k++)
        ptrs[k] = &cfgs[k];

    int status = COOP_OK;
    for (int p0 = 0; p0 < plan->n_points && !status; p0 += chunk) {
        int k = plan->n_points - p0 < chunk ? plan->n_points - p0 : chunk;
        size_t built = 0;
        for (int p = 0; p < k && !status; p++)
            for (int w = 0; w < plan->n_worlds && !status; w++) {
                coop_config *c = &cfgs[(size_t)p * plan->n_worlds + w];
                memset(c, 0, sizeof *c);
                status = make(ctx, plan->point0 + p0 + p, w, c, err);
                built++;
            }
        if (!status) {
            coop_plan sub = *plan;
            sub.point0 = plan->point0 + p0;
            sub.n_points = k;
            sub.cfg = ptrs;
            status = run_chunk(&sub, threads, sink, err);
        }
        for (size_t i = 0; i < built; i++)
            coop_config_destroy(&cfgs[i]);
    }
    free(cfgs);
    free(ptrs);
#ifdef COOP_MPI
    exp_end();
#endif
    return status;
}

#ifndef COOP_MPI
int coop_experiment_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return COOP_OK;
}

int coop_experiment_rank(void)
{
    return 0;
}

int coop_experiment_ranks(void)
{
    return 1;
}

int coop_experiment_finish(int status, const coop_err *err)
{
    (void)err;
    return status;
}
#else
/* ---- MPI (built with -DCOOP_MPI only) ----
 *
 * Messages, all on MPI_COMM_WORLD between rank 0 (root) and one worker:
 *   root -> worker  START       long long[7]: point0, n_points, n_worlds, replicates, seed,
 *                               keep_series, keep_snapshots of the plan (a lazy plan's
 *                               chunk) about to run
 *                   BLOCK       long long[2]: run items [a, b) of that plan
 *                   CHUNK_DONE  no more blocks in this plan
 *                   EXP_END     the experiment function returns (after its last plan)
 *                   BYE         int: the program is over, with this status
 *   worker -> root  REQUEST     long long: the worker's threads; it wants a block
 *                   RESULT      bytes: the item index, then the record's arrays
 *                               (outcomes, actor, tie, pop series, milestones, snapshots), native
 *                               layout: the ranks must share one architecture
 *                   FAIL        bytes: int status, then the error text
 *                   LEAVE       the worker takes no part in this experiment
 *                   IDLE        every request of this plan answered, every block sent
 * A worker asks twice when a plan starts and once more after each block, so it
 * holds the next block while it runs the current one; it runs a block on its
 * threads and sends the records one per message in item order.  Every request
 * is answered (BLOCK, or CHUNK_DONE when no item is left); once a worker has all
 * its answers and has sent its last block it sends IDLE, and rank 0 ends the
 * plan only when every worker is idle (or gone): no message of one plan is left
 * for the next.  Blocks are BLOCK_PER_THREAD items per worker thread, at most
 * BLOCK_MAX, so faster ranks take more blocks (dynamic load balancing) and the
 * tail of a plan stays short.  Rank 0 polls (MPI_Iprobe, then a 0.2 ms nap when
 * nothing came) rather than block in MPI, so that it sees the stop flag at once
 * and its threads keep the cores; workers poll the same way while they wait. */
enum {
    TAG_START = 1, TAG_BLOCK, TAG_CHUNK_DONE, TAG_EXP_END, TAG_BYE,
    TAG_REQUEST, TAG_RESULT, TAG_FAIL, TAG_LEAVE, TAG_IDLE
};
enum { BLOCK_MAX = 256, BLOCK_PER_THREAD = 16 };

/* How long rank 0 waits for the workers once a run has failed: briefly after a
 * signal (mpirun follows its SIGTERM with SIGKILL after a second, and a rank that
 * died never answers), longer otherwise (a worker finishes its block first).
 * Workers that do not answer in time are abandoned: rank 0 closes its files and
 * ends the job with MPI_Abort. */
#define GRACE_SIGNAL 0.3
#define GRACE_FAILURE 30.0

static int mpi_size = 1, mpi_on, abandoned;

static unsigned char *worker_out;  /* root: worker left for good (1), or abandoned (2) */
static int bye_received, bye_status, fail_sent; /* worker */

typedef struct wstate {
    int in, pending, done;       /* serves this plan; requests not yet answered; sent IDLE */
    long long threads;           /* its threads */
} wstate;

struct remote {
    wstate *w;                   /* [mpi_size], index 0 unused */
    unsigned char *buf;
    size_t cap;
};

int coop_experiment_init(int *argc, char ***argv)
{
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return COOP_EIO;
    mpi_on = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    worker_out = calloc((size_t)mpi_size, 1);
    if (!worker_out || provided < MPI_THREAD_FUNNELED) {
        fprintf(stderr, "coopsim: rank %d: MPI %s\n", mpi_rank,
                worker_out ? "does not support MPI_THREAD_FUNNELED" : "out of memory");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return COOP_OK;
}

int coop_experiment_rank(void)
{
    return mpi_rank;
}

int coop_experiment_ranks(void)
{
    return mpi_size;
}

static void nap_long(void)
{
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
}

/* The record's arrays: counts of doubles (na, nt, np), ints (nm) and snapshot
 * doubles (ns); the message size. */
static size_t rec_bytes(const coop_record *rec, size_t n[5])
{
    size_t steps = rec->n_steps > 0 ? (size_t)rec->n_steps : 0;
    n[0] = rec->keep_series ? steps * rec->n_actors * COOP_ACTOR_METRICS : 0;
    n[1] = rec->keep_series ? steps * rec->n_ties * (COOP_TIE_METRICS + rec->n_obs) : 0;
    n[2] = rec->keep_series ? steps * COOP_POP_METRICS : 0;
    n[3] = rec->n_ties * rec->n_levels;
    n[4] = rec->snap ? rec->n_snaps * rec->n_snap_nodes : 0;
    return sizeof(long long) + sizeof(double) * (COOP_N_OUTCOMES + n[0] + n[1] + n[2] + n[4]) +
           sizeof(int) * n[3];
}

static void rec_pack(const coop_record *rec, long long item, unsigned char *buf)
{
    size_t n[5];
    rec_bytes(rec, n);
    memcpy(buf, &item, sizeof item);
    buf += sizeof item;
    memcpy(buf, rec->outcome, sizeof rec->outcome);
    buf += sizeof rec->outcome;
    if (n[0]) memcpy(buf, rec->actor, n[0] * sizeof(double));
    buf += n[0] * sizeof(double);
    if (n[1]) memcpy(buf, rec->tie, n[1] * sizeof(double));
    buf += n[1] * sizeof(double);
    if (n[2]) memcpy(buf, rec->pop, n[2] * sizeof(double));
    buf += n[2] * sizeof(double);
    if (n[3]) memcpy(buf, rec->milestone, n[3] * sizeof(int));
    buf += n[3] * sizeof(int);
    if (n[4]) memcpy(buf, rec->snap, n[4] * sizeof(double));
}

static void rec_unpack(coop_record *rec, const unsigned char *buf)
{
    size_t n[5];
    rec_bytes(rec, n);
    buf += sizeof(long long);
    memcpy(rec->outcome, buf, sizeof rec->outcome);
    buf += sizeof rec->outcome;
    if (n[0]) memcpy(rec->actor, buf, n[0] * sizeof(double));
    buf += n[0] * sizeof(double);
    if (n[1]) memcpy(rec->tie, buf, n[1] * sizeof(double));
    buf += n[1] * sizeof(double);
    if (n[2]) memcpy(rec->pop, buf, n[2] * sizeof(double));
    buf += n[2] * sizeof(double);
    if (n[3]) memcpy(rec->milestone, buf, n[3] * sizeof(int));
    buf += n[3] * sizeof(int);
    if (n[4]) memcpy(rec->snap, buf, n[4] * sizeof(double));
}

/* Receives the probed message into *buf (grown as needed); its size in *count. */
static void recv_probed(const MPI_Status *st, unsigned char **buf, size_t *cap, int *count)
{
    MPI_Get_count(st, MPI_BYTE, count);
    if ((size_t)*count > *cap) {
        unsigned char *b = realloc(*buf, (size_t)*count);
        if (!b) {
            fprintf(stderr, "coopsim: rank %d: out of memory for a message of %d bytes\n",
                    mpi_rank, *count);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        *buf = b;
        *cap = (size_t)*count;
    }
    MPI_Recv(*buf, *count, MPI_BYTE, st->MPI_SOURCE, st->MPI_TAG, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
}

static void send_ll(int dest, int tag, const long long *v, int n)
{
    MPI_Send(v, n * (int)sizeof *v, MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

static void send_to_workers(int tag, const void *v, int bytes)
{
    for (int r = 1; r < mpi_size; r++)
        if (worker_out[r] != 2)
            MPI_Send(v, bytes, MPI_BYTE, r, tag, MPI_COMM_WORLD);
}

/* Root: tells the workers still taking part that plan e->plan starts. */
static int remote_start(engine *e, int threads)
{
    (void)threads;
    e->rm = NULL;
    if (!mpi_on || mpi_size < 2)
        return COOP_OK;
    int n_in = 0;
    for (int r = 1; r < mpi_size; r++)
        n_in += !worker_out[r];
    if (!n_in)
        return COOP_OK;
    remote *rm = calloc(1, sizeof *rm);
    if (!rm || !(rm->w = calloc((size_t)mpi_size, sizeof *rm->w))) {
        free(rm);
        return COOP_FAIL(&e->err, COOP_ENOMEM, "out of memory for %d ranks", mpi_size);
    }
    const coop_plan *p = e->plan;
    long long hdr[7] = {p->point0, p->n_points, p->n_worlds, p->replicates, p->seed,
                        p->keep_series, p->keep_snapshots};
    for (int r = 1; r < mpi_size; r++)
        if (!worker_out[r]) {
            rm->w[r].in = 1;
            send_ll(r, TAG_START, hdr, 7);
        }
    e->rm = rm;
    /* Two blocks held per worker and one more; the local threads stay out of the
     * last two blocks' worth, or they would fill the window while a worker's block
     * is late and leave the worker no room for its next one. */
    e->local_window = e->n_slots + (long long)BLOCK_MAX * n_in;
    e->n_slots += 3LL * BLOCK_MAX * n_in;
    return COOP_OK;
}

static void remote_end(engine *e)
{
    if (!e->rm)
        return;
    free(e->rm->w);
    free(e->rm->buf);
    free(e->rm);
    e->rm = NULL;
}

/* Root, thread 0: one message from a worker. */
static void on_message(engine *e, const MPI_Status *st)
{
    remote *rm = e->rm;
    int src = st->MPI_SOURCE, count = 0;
    recv_probed(st, &rm->buf, &rm->cap, &count);
    wstate *w = &rm->w[src];
    coop_err err = {0};
    switch (st->MPI_TAG) {
    case TAG_REQUEST:
        if (count >= (int)sizeof(long long))
            memcpy(&w->threads, rm->buf, sizeof w->threads);
        w->pending++;
        break;
    case TAG_IDLE:
        w->done = 1;
        break;
    case TAG_RESULT: {
        double t0 = now_s();
        long long i = -1;
        if (count >= (int)sizeof i)
            memcpy(&i, rm->buf, sizeof i);
        omp_set_lock(&e->lock);
        int skip = e->status != COOP_OK;
        omp_unset_lock(&e->lock);
        if (skip)
            break;
        int status = COOP_OK;
        coop_record *rec = NULL;
        omp_set_lock(&e->lock);
        int bad = i < e->next_deliver || i >= e->next_start || e->slots[i % e->n_slots].ready;
        omp_unset_lock(&e->lock);
        if (bad) {
            status = COOP_FAIL(&err, COOP_EIO, "rank %d sent item %lld, which it was not given",
                               src, i);
        } else {
            int p, wd, r;
            size_t n[5];
            decode(e->plan, i, &p, &wd, &r);
            const coop_config *cfg = e->plan->cfg[(size_t)p * e->plan->n_worlds + wd];
            if (!(rec = item_record(e->plan, i, cfg)))
                status = COOP_FAIL(&err, COOP_ENOMEM, "out of memory allocating a record of %d "
                                   "steps", cfg->n_steps);
            else if (rec_bytes(rec, n) != (size_t)count)
                status = COOP_FAIL(&err, COOP_EIO, "rank %d sent a record of %d bytes for item "
                                   "%lld, expected %zu (do all ranks run the same program on "
                                   "the same configuration?)", src, count, i, rec_bytes(rec, n));
            else
                rec_unpack(rec, rm->buf);
        }
        omp_set_lock(&e->lock);
        if (status) {
            coop_record_free(rec);
            fail(e, status, &err);
        } else {
            slot *s = &e->slots[i % e->n_slots];
            s->rec = rec;
            s->ready = 1;
        }
        omp_unset_lock(&e->lock);
        st_received++;
        st_bytes += count;
        st_recv_s += now_s() - t0;
        break;
    }
    case TAG_FAIL: {
        int code = COOP_EIO;
        if (count >= (int)sizeof code)
            memcpy(&code, rm->buf, sizeof code);
        int len = count - (int)sizeof code;
        COOP_FAIL(&err, code ? code : COOP_EIO, "rank %d: %.*s", src, len > 0 ? len : 0,
                  (const char *)rm->buf + sizeof code);
        omp_set_lock(&e->lock);
        fail(e, err.code, &err);
        omp_unset_lock(&e->lock);
    }
        /* fall through */
    case TAG_LEAVE:
        w->in = 0;
        w->done = 1;
        w->pending = 0;
        worker_out[src] = 1;
        break;
    default: /* nothing else is sent to rank 0 */
        break;
    }
}

/* Root: answers the requests of the workers: a block, or CHUNK_DONE when no item
 * is left.  Called with the lock held. */
static void hand_out(engine *e)
{
    remote *rm = e->rm;
    for (int r = 1; r < mpi_size; r++) {
        wstate *w = &rm->w[r];
        while (w->in && w->pending > 0) {
            if (e->status || e->next_start >= e->n_items) {
                long long none = 0;
                send_ll(r, TAG_CHUNK_DONE, &none, 1);
                w->pending--;
                continue;
            }
            long long size = w->threads * BLOCK_PER_THREAD;
            size = size < 1 ? 1 : size > BLOCK_MAX ? BLOCK_MAX : size;
            long long a = e->next_start, b = a + size < e->n_items ? a + size : e->n_items;
            if (b > e->next_deliver + e->n_slots)
                break; /* no room in the window yet */
            e->next_start = b;
            w->pending--;
            long long blk[2] = {a, b};
            send_ll(r, TAG_BLOCK, blk, 2);
        }
    }
}

/* Root, thread 0 of the parallel region: serves the workers until every item is
 * delivered (or the run failed) and every worker has been told the plan is done. */
static void remote_loop(engine *e)
{
    remote *rm = e->rm;
    coop_err err = {0};
    struct timespec failed_at = {0, 0};
    for (;;) {
        int flag = 0, any = 0;
        MPI_Status st;
        while (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) ==
                   MPI_SUCCESS && flag) {
            on_message(e, &st);
            any = 1;
        }
        omp_set_lock(&e->lock);
        if (stopping()) {
            coop_err stop = {0};
            COOP_FAIL(&stop, COOP_EINTR, "interrupted");
            fail(e, COOP_EINTR, &stop);
        }
        hand_out(e);
        deliver(e, &err);
        int finished = e->status || e->next_deliver >= e->n_items;
        omp_unset_lock(&e->lock);
        int all_done = 1;
        for (int r = 1; r < mpi_size; r++)
            if (rm->w[r].in && !rm->w[r].done)
                all_done = 0;
        if (finished && all_done)
            break;
        if (finished && e->status) { /* failed: wait a little for the workers */
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (!failed_at.tv_sec && !failed_at.tv_nsec)
                failed_at = now;
            double waited = (double)(now.tv_sec - failed_at.tv_sec) +
                            1e-9 * (double)(now.tv_nsec - failed_at.tv_nsec);
            if (waited > (stopping() ? GRACE_SIGNAL : GRACE_FAILURE)) {
                for (int r = 1; r < mpi_size; r++)
                    if (rm->w[r].in && !rm->w[r].done) {
                        rm->w[r].in = 0;
                        worker_out[r] = 2; /* never sent to again */
                        abandoned = 1;
                    }
                break;
            }
        }
        if (!any)
            nap_long();
    }
}

/* Root: the experiment function returns; workers still in it return too. */
static void exp_end(void)
{
    if (!mpi_on || mpi_rank != 0)
        return;
    long long none = 0;
    send_to_workers(TAG_EXP_END, &none, (int)sizeof none);
}

static void send_fail(int status, const coop_err *err)
{
    unsigned char msg[sizeof(int) + COOP_ERR_MAX];
    const char *text = err && err->text[0] ? err->text : "failed";
    size_t len = strnlen(text, COOP_ERR_MAX);
    memcpy(msg, &status, sizeof status);
    memcpy(msg + sizeof status, text, len);
    MPI_Send(msg, (int)(sizeof status + len), MPI_BYTE, 0, TAG_FAIL, MPI_COMM_WORLD);
    fail_sent = 1;
}

/* Worker: waits (polling) for the next message from rank 0; its tag and payload. */
static int recv_root(unsigned char **buf, size_t *cap, int *count)
{
    for (;;) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            recv_probed(&st, buf, cap, count);
            if (st.MPI_TAG == TAG_BYE) {
                bye_received = 1;
                if (*count >= (int)sizeof(int))
                    memcpy(&bye_status, *buf, sizeof bye_status);
            }
            return st.MPI_TAG;
        }
        nap_long();
    }
}

/* Worker: runs items [a, b) of sub on this rank's threads and sends their records. */
static int run_block(const coop_plan *sub, long long a, long long b, int threads, coop_err *err)
{
    long long n = b - a;
    coop_record **recs = calloc((size_t)n, sizeof *recs);
    if (!recs)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory for a block of %lld records", n);
    int status = COOP_OK;
    int nt = coop_experiment_threads(threads);
    if (nt > n)
        nt = (int)n;
#pragma omp parallel num_threads(nt)
    {
        coop_model *model = NULL;
        const coop_config *model_cfg = NULL;
        coop_err terr = {0};
#pragma omp for schedule(dynamic, 1)
        for (long long k = 0; k < n; k++) {
            int failed;
#pragma omp atomic read
            failed = status;
            if (failed)
                continue;
            int st = stopping() ? COOP_FAIL(&terr, COOP_EINTR, "interrupted by a signal")
                                : run_one(sub, a + k, 1, &model, &model_cfg, &recs[k], &terr);
            if (st) {
#pragma omp critical(coop_block_fail)
                if (!status) {
                    status = st;
                    *err = terr;
                }
            }
        }
        coop_model_free(model);
    }
    unsigned char *buf = NULL;
    size_t cap = 0;
    for (long long k = 0; k < n && !status; k++) {
        size_t nb[5], size = rec_bytes(recs[k], nb);
        if (size > cap) {
            unsigned char *nbuf = realloc(buf, size);
            if (!nbuf) {
                status = COOP_FAIL(err, COOP_ENOMEM, "out of memory for a message of %zu bytes",
                                   size);
                break;
            }
            buf = nbuf;
            cap = size;
        }
        rec_pack(recs[k], a + k, buf);
        MPI_Send(buf, (int)size, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
    }
    free(buf);
    for (long long k = 0; k < n; k++)
        coop_record_free(recs[k]);
    free(recs);
    return status;
}

/* Worker: one plan that rank 0 started (hdr: its START message). */
static int serve_chunk(const coop_plan *plan, coop_point_cfg_fn make, void *ctx,
                       const long long hdr[7], int threads, coop_err *err)
{
    coop_plan sub = *plan;
    sub.point0 = (int)hdr[0];
    sub.n_points = (int)hdr[1];
    if (hdr[2] != plan->n_worlds || hdr[3] != plan->replicates ||
        hdr[4] != (long long)plan->seed || hdr[5] != plan->keep_series ||
        hdr[6] != plan->keep_snapshots)
        return COOP_FAIL(err, COOP_ECONFIG, "the experiment differs from rank 0's (%lld worlds, "
                         "%lld replicates, seed %lld there; %d, %d, %u here): do all ranks "
                         "read the same configuration?", hdr[2], hdr[3], hdr[4], plan->n_worlds,
                         plan->replicates, plan->seed);
    size_t n_cfg = (size_t)sub.n_points * (size_t)plan->n_worlds;
    coop_config *cfgs = NULL;
    const coop_config **ptrs = NULL;
    size_t built = 0;
    int status = COOP_OK;
    if (make) {
        cfgs = calloc(n_cfg, sizeof *cfgs);
        ptrs = calloc(n_cfg, sizeof *ptrs);
        if (!cfgs || !ptrs) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory for %zu point configurations",
                               n_cfg);
            goto out;
        }
        for (int p = 0; p < sub.n_points && !status; p++)
            for (int w = 0; w < plan->n_worlds && !status; w++) {
                size_t k = (size_t)p * plan->n_worlds + w;
                status = make(ctx, sub.point0 + p, w, &cfgs[k], err);
                ptrs[k] = &cfgs[k];
                built++;
            }
        sub.cfg = ptrs;
    } else {
        if (sub.point0 < plan->point0 ||
            sub.point0 + sub.n_points > plan->point0 + plan->n_points) {
            status = COOP_FAIL(err, COOP_ECONFIG, "rank 0 runs points %d..%d, this rank has "
                               "%d..%d", sub.point0, sub.point0 + sub.n_points - 1, plan->point0,
                               plan->point0 + plan->n_points - 1);
            goto out;
        }
        sub.cfg = plan->cfg + (size_t)(sub.point0 - plan->point0) * plan->n_worlds;
    }
    if (status)
        goto out;
    unsigned char *buf = NULL;
    size_t cap = 0;
    /* Two requests at first and one after each block: the next block is already
     * here when the current one is done.  Every request gets an answer (BLOCK or
     * CHUNK_DONE); once every answer is in, IDLE tells rank 0 this rank is done. */
    long long nt = coop_experiment_threads(threads), queue[2][2];
    int asked = 0, queued = 0, no_more = 0;
    for (int k = 0; k < 2; k++, asked++)
        send_ll(0, TAG_REQUEST, &nt, 1);
    while (!status && (asked > 0 || queued > 0)) {
        if (queued == 0 || asked > 0) { /* collect answers; wait only when idle */
            int count = 0, tag = -1;
            if (queued == 0) {
                tag = recv_root(&buf, &cap, &count);
            } else {
                int flag = 0;
                MPI_Status st;
                MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
                if (flag)
                    tag = recv_root(&buf, &cap, &count);
            }
            if (tag == TAG_BLOCK && queued < 2) {
                memcpy(queue[queued++], buf, sizeof queue[0]);
                asked--;
            } else if (tag == TAG_CHUNK_DONE) {
                no_more = 1;
                asked--;
            } else if (tag == TAG_BYE) {
                status = COOP_FAIL(err, COOP_EINTR, "stopped by rank 0");
                break;
            }
            if (queued == 0)
                continue;
        }
        long long blk[2] = {queue[0][0], queue[0][1]};
        queue[0][0] = queue[1][0];
        queue[0][1] = queue[1][1];
        queued--;
        if ((status = run_block(&sub, blk[0], blk[1], threads, err)))
            break;
        if (!no_more) {
            send_ll(0, TAG_REQUEST, &nt, 1);
            asked++;
        }
    }
    if (!status) {
        long long none = 0;
        send_ll(0, TAG_IDLE, &none, 1);
    }
    free(buf);
out:
    for (size_t k = 0; k < built; k++)
        coop_config_destroy(&cfgs[k]);
    free(cfgs);
    free(ptrs);
    return status;
}

/* Worker: an experiment function.  Serves each plan rank 0 starts until rank 0
 * ends the experiment (EXP_END) or the program (BYE). */
static int serve_plan(const coop_plan *plan, coop_point_cfg_fn make, void *ctx, int threads,
                      coop_err *err)
{
    unsigned char *buf = NULL;
    size_t cap = 0;
    int status = COOP_OK, count = 0;
    for (;;) {
        if (bye_received) {
            if (!status)
                status = COOP_FAIL(err, COOP_EINTR, "stopped by rank 0");
            break;
        }
        int tag = recv_root(&buf, &cap, &count);
        if (tag == TAG_EXP_END)
            break;
        if (tag != TAG_START || count < 7 * (int)sizeof(long long))
            continue;
        if (status) { /* failed before: rank 0 counts this rank out */
            long long none = 0;
            send_ll(0, TAG_LEAVE, &none, 1);
            continue;
        }
        long long hdr[7];
        memcpy(hdr, buf, sizeof hdr);
        int st = serve_chunk(plan, make, ctx, hdr, threads, err);
        if (st && !bye_received) {
            status = st;
            send_fail(st, err);
        } else if (st) {
            status = st;
        }
    }
    free(buf);
    return status;
}

int coop_experiment_finish(int status, const coop_err *err)
{
    if (!mpi_on)
        return status;
    if (mpi_rank == 0) {
        if (abandoned) { /* a worker did not answer (died, or stuck): end them all */
            fflush(NULL);
            MPI_Abort(MPI_COMM_WORLD, coop_exit_status(status ? status : COOP_EIO));
        }
        send_to_workers(TAG_BYE, &status, (int)sizeof status);
        const char *stats = getenv("COOPSIM_MPI_STATS");
        if (stats && *stats && st_items > 0)
            fprintf(stderr, "coopsim-mpi: rank 0 of %d: %lld items delivered, %lld received "
                    "(%.0f bytes each); serial time per item: %.2f us sink + %.2f us receive\n",
                    mpi_size, st_items, st_received,
                    st_received ? (double)st_bytes / (double)st_received : 0.0,
                    1e6 * st_sink_s / (double)st_items,
                    st_received ? 1e6 * st_recv_s / (double)st_received : 0.0);
    } else {
        if (!bye_received && status && !fail_sent)
            send_fail(status, err);
        unsigned char *buf = NULL;
        size_t cap = 0;
        int count = 0;
        while (!bye_received)
            if (recv_root(&buf, &cap, &count) == TAG_START) {
                long long none = 0;
                send_ll(0, TAG_LEAVE, &none, 1);
            }
        free(buf);
        status = bye_status;
    }
    free(worker_out);
    worker_out = NULL;
    MPI_Finalize();
    mpi_on = 0;
    return status;
}
#endif
