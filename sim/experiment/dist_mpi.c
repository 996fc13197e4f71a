/* dist_mpi.c: the experiment's processes under MPI (coop_dist.h), linked into
 * build/coopsim-mpi only (the Makefile compiles it with mpicc; build/coopsim links
 * sim/experiment/dist_serial.c instead).  It owns MPI's start and end (and rank 0's
 * window for the workers' blocks), rank 0's side of a plan (handing out blocks of
 * items to the worker ranks and feeding the records they send back into the
 * engine's reorder buffer), the workers' side of plans and the worker ranks' one
 * entry point, coop_experiment_worker.  Task farms (coop_experiment_farm,
 * sim/experiment/farm.c) are dist_farm.c's, which shares this file's helpers
 * (dist_mpi_internal.h).
 *
 * On rank 0 the engine's parallel region has one more thread, thread 0, which
 * talks to the other ranks (MPI_THREAD_FUNNELED: only the main thread calls MPI).
 * A block is handed out only when it fits in the reorder buffer's window, which
 * has 3 x BLOCK_MAX more slots per worker and room for two blocks' time of rank
 * 0's own threads beyond them (they keep out of the last BLOCK_MAX slots per
 * worker, so that a worker always finds room for its next block), so rank 0
 * still holds a bounded number of records.
 *
 * A worker rank runs no command: main hands it the work the command would run
 * (coop_work: the shape of rank 0's plans and how a point's worlds are built, or
 * the task farm rank 0 runs, the same on every rank as every rank reads the same
 * configuration) and it serves whatever plans and farms rank 0 starts until rank 0
 * ends the program.
 *
 * Messages, all on MPI_COMM_WORLD between rank 0 (root) and one worker:
 * (task farms add FARM, FARM_PAYLOAD and FARM_RESULT: see dist_farm.c)
 *   root -> worker  START       long long[9]: point0, n_points, n_worlds, replicates, seed,
 *                               keep_series, keep_snapshots of the plan (a lazy plan's
 *                               chunk) about to run, whether rank 0's sink splits
 *                               (bit 1: prepare on the workers, bit 2: round the scalars,
 *                               bit 4: direct writes offered, bit 8: required, bit 16: the
 *                               sink reads no scalars), and the sink's state_worlds;
 *                               with bit 4 the files follow (coop_dist.h,
 *                               COOP_DIRECT_WORDS)
 *                   BLOCK       long long[2]: run items [a, b) of that plan
 *                   CHUNK_DONE  no more blocks in this plan
 *                   BYE         int: the program is over, with this status (a
 *                               worker serves plans until it comes)
 *                   PLACED      long long[2 + files]: a, n, and the offsets in each file
 *                               of the rows of item a, the first of the worker's block
 *                               [a, a + n), now committed (direct writes); a = -1: drop
 *                               every block held, rank 0 has failed
 *   worker -> root  REQUEST     long long: the worker's threads; it wants a block
 *                   RESULT      bytes: the item index, then the record's arrays
 *                               (outcomes, per-state outcomes, actor, tie, pop series, milestones,
 *                               snapshots), native
 *                               layout: the ranks must share one architecture
 *                   PREPARED    bytes: a whole block's prepared items (coop_engine_prepare,
 *                               coop_dist.h), in item order, when the sink splits
 *                   DESC        direct writes, the rows kept: the block's descriptor
 *                               (dist_wire.c: one head, byte counts and scalars as
 *                               columns)
 *                   DESC_AT     long long[3]: slot, bytes, more: the same descriptor,
 *                               put into the worker's slot of rank 0's window (below);
 *                               more = 1: and a REQUEST (the worker sends none)
 *                   SYNCED      long long: that many of the worker's oldest placed
 *                               blocks are written and fdatasync'ed
 *                   FAIL        bytes: int status, then the error text
 *                   LEAVE       the worker takes no part in this plan or any later one
 *                   IDLE        every request of this plan answered, every block sent
 * A worker asks twice when a plan starts and once more after each block, so it
 * holds the next block while it runs the current one; it runs a block on its
 * threads and sends the records one per message in item order, or, when rank 0's
 * sink splits (coop_sink: prepare and commit), prepares each record on the thread
 * that computed it and sends the block's prepared items as one message: rank 0
 * posts its receive at once (MPI_Irecv, polled), lets the items point into the
 * message (freed after the last is committed) and only commits them in order.  Every request
 * is answered (BLOCK, or CHUNK_DONE when no item is left); once a worker has all
 * its answers and has sent its last block it sends IDLE, and rank 0 ends the
 * plan only when every worker is idle (or gone): no message of one plan is left
 * for the next.  Blocks are BLOCK_PER_THREAD items per worker thread, at most
 * BLOCK_MAX, so faster ranks take more blocks (dynamic load balancing) and the
 * tail of a plan stays short.  With direct writes (docs/CLUSTER.md, "Who writes
 * the rows") a worker that reads rank 0's token back sends DESC instead of
 * PREPARED, writes each block where PLACED says (dist_files.c) and says SYNCED;
 * rank 0's checkpoints count only synced blocks (coop_experiment_durable_points)
 * and a plan ends only when every placed block is synced.  Rank 0 polls (MPI_Iprobe, then a 0.2 ms nap when
 * nothing came) rather than block in MPI, so that it sees the stop flag at once
 * and its threads keep the cores; workers poll the same way while they wait. */
#include "coop_dist.h"
#include "dist_mpi_internal.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

enum { START_WORDS = 9, START_SPLIT = 1, START_ROUND = 2, START_DIRECT = 4, START_RANKS = 8,
       START_NO_SCALARS = 16 };
enum { BLOCK_MAX = COOP_BLOCK_MAX, BLOCK_PER_THREAD = 16 };

/* How long rank 0 waits for the workers once a run has failed: briefly after a
 * signal (mpirun follows its SIGTERM with SIGKILL after a second, and a rank that
 * died never answers), longer otherwise (a worker finishes its block first).
 * Workers that do not answer in time are abandoned: rank 0 closes its files and
 * ends the job with MPI_Abort. */
#define GRACE_SIGNAL 0.3
#define GRACE_FAILURE 30.0

static int mpi_rank, mpi_size = 1, mpi_on, abandoned;

/* The stop flag of coop_experiment_set_stop. */
static const volatile sig_atomic_t *stop_flag;

/* Rank 0's accounting, printed at the end when COOPSIM_MPI_STATS is set (for
 * sizing a cluster run, docs/CLUSTER.md): items delivered, items, messages and
 * bytes received, and the CPU time spent on them serially (receiving, and every
 * sink call). */
static long long st_items, st_received, st_bytes, st_messages, st_direct;
static double st_recv_s, st_sink_s, st_write_s, st_point_s;
static double st_point_run;  /* point_done's and rank 0's writes' time in the current run
                             * of deliveries */
static long long st_written; /* items whose rows rank 0 wrote under direct writes */
static int st_on;            /* COOPSIM_MPI_STATS set: the accounting's clock runs */
static double st_pure_s;     /* sink time of workers' items committed as runs: */
static long long st_pure, st_runs; /* their items, runs */

static long long st_puts, st_put_bytes; /* descriptors workers put into the window */
static double st_steer_s;    /* a plan's steering messages (REQUEST, IDLE, SYNCED received; */
static long long st_steer_n; /* BLOCK, CHUNK_DONE, PLACED sent): time, messages */

/* Blocks put into rank 0's memory (docs/CLUSTER.md).  Rank 0 exposes put_slots
 * slots of put_slot_bytes per worker (MPI_Win_allocate, made by every rank in
 * coop_experiment_init; a passive-target epoch open on every rank until
 * coop_experiment_finish).  A worker puts a block's descriptor into a free slot
 * of its own (MPI_Put, then MPI_Win_flush: complete in rank 0's memory) and sends
 * DESC_AT; rank 0 reads the descriptor where it lies (after MPI_Win_sync) and
 * copies nothing: where the network has RDMA (or between ranks of one node) the
 * bytes cost rank 0 no CPU time.  Only descriptors of COOP_PUT_MIN bytes or more:
 * below that a message (sent eagerly, one copy) costs rank 0 less than the
 * notification and MPI_Win_sync.  The slot is the worker's again once it has
 * rank 0's PLACED for that block: rank 0 places a block only when every item of
 * it is committed, and reads nothing of it after.  A descriptor larger than a
 * slot, or with every slot taken, goes as a DESC message; after rank 0 drops the
 * blocks (a failure) the worker puts no more (put_off). */
enum { PUT_SLOTS = 4 };
#define PUT_WINDOW_MAX ((long long)64 << 20) /* rank 0's window, at most (bytes) */
static MPI_Win put_win = MPI_WIN_NULL;
static unsigned char *put_base;   /* rank 0: the window's memory */
static long long put_slot_bytes;  /* 0: no window */
static int put_slots;
static int put_bad;               /* rank 0: COOPSIM_MPI_PUT is not a valid value */
static unsigned put_busy;         /* worker: its slots holding a block not yet placed */
static int put_off;               /* worker: puts no more */

static unsigned char *worker_out;  /* root: worker left for good (1), or abandoned (2) */
static int bye_received, bye_status, fail_sent; /* worker */


/* A block of prepared items being received (MPI_Irecv): rank 0 never waits
 * for a transfer, it polls. */
typedef struct pending {
    MPI_Request req;
    unsigned char *buf;
    int src, count, tag;
} pending;

struct coop_remote {
    wstate *w;                   /* [mpi_size], index 0 unused */
    unsigned char *buf;
    size_t cap;
    pending *pend;               /* [n_pend] receives in flight */
    int n_pend, cap_pend;
    coop_placed_queue pl;        /* direct writes not yet durable */
    char *token;                 /* the token file every worker reads back (direct writes) */
    int dropped;                 /* after a failure: the workers were told to drop their rows */
    int block;                   /* COOPSIM_MPI_BLOCK (0: per worker thread) */
};

/* Direct writes: the plan being run with them (rank 0), and after one ended with
 * rows still outstanding (a failure), how many points were durable. */
static coop_engine *durable_e;
static int durable_after = INT_MAX;

/* Every rank: rank 0's window of slots, as rank 0's COOPSIM_MPI_PUT says (its
 * choice broadcast: the window is made collectively): PUT_SLOTS slots per worker,
 * fewer where the window would pass PUT_WINDOW_MAX, none under two. */
static void put_window_open(void)
{
    long long v[2] = {0, 0}; /* slot bytes, slots */
    if (mpi_rank == 0 && mpi_size > 1) {
        long long slot = coop_dist_put_slot(), per = slot * (mpi_size - 1);
        put_bad = slot < 0;
        v[1] = slot > 0 ? PUT_WINDOW_MAX / per : 0;
        v[1] = v[1] > PUT_SLOTS ? PUT_SLOTS : v[1];
        v[0] = slot > 0 && v[1] >= 2 ? slot : 0;
    }
    MPI_Bcast(v, 2, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    if (!v[0])
        return;
    MPI_Aint size = mpi_rank == 0 ? (MPI_Aint)((mpi_size - 1) * v[0] * v[1]) : 0;
    MPI_Win_allocate(size, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &put_base, &put_win);
    MPI_Win_lock_all(MPI_MODE_NOCHECK, put_win);
    put_slot_bytes = v[0];
    put_slots = (int)v[1];
}

int coop_experiment_init(int *argc, char ***argv)
{
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return COOP_EIO;
    mpi_on = 1;
    const char *stats = getenv("COOPSIM_MPI_STATS");
    st_on = stats && *stats;
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    worker_out = calloc((size_t)mpi_size, 1);
    if (!worker_out || provided < MPI_THREAD_FUNNELED) {
        fprintf(stderr, "coopsim: rank %d: MPI %s\n", mpi_rank,
                worker_out ? "does not support MPI_THREAD_FUNNELED" : "out of memory");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    put_window_open();
    return COOP_OK;
}

int coop_experiment_rank(void)
{
    return mpi_rank;
}

void coop_experiment_set_stop(const volatile sig_atomic_t *stop)
{
    stop_flag = stop;
}

int dist_stopping(void)
{
    return stop_flag && *stop_flag;
}

/* The calling thread's CPU time: rank 0's serial cost as a dedicated node would
 * see it, whatever else shares the cores (a wall clock counts every time the
 * thread is descheduled). */
double dist_cpu_s(void)
{
    if (!st_on) /* a reading costs about 1 us: none without COOPSIM_MPI_STATS */
        return 0.0;
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Root: n steering messages handled since t0 (dist_cpu_s). */
static void steered(double t0, int n)
{
    st_steer_s += dist_cpu_s() - t0;
    st_steer_n += n;
}

double coop_dist_clock(void)
{
    return dist_cpu_s();
}

void coop_dist_delivered(double t0, long long n)
{
    st_sink_s += dist_cpu_s() - t0;
    st_items += n;
    st_point_run = 0;
}

double coop_dist_aside(void)
{
    return st_point_run;
}

double coop_dist_ran(double t0, double aside0, long long n)
{
    double t = dist_cpu_s();
    st_pure_s += t - t0 - (st_point_run - aside0);
    st_pure += n, st_runs++;
    return t;
}

void coop_dist_point_done(double t0)
{
    double t = dist_cpu_s() - t0;
    st_point_s += t;
    st_point_run += t;
}

void coop_dist_wrote(double t0, long long n)
{
    double t = dist_cpu_s() - t0;
    st_write_s += t;
    st_point_run += t;
    st_written += n;
}

int coop_experiment_ranks(void)
{
    return mpi_size;
}

void dist_nap(long ns)
{
    struct timespec ts = {0, ns};
    nanosleep(&ts, NULL);
}

static void nap_long(void)
{
    dist_nap(200000);
}

/* Receives the probed message into *buf (grown as needed); its size in *count. */
void dist_recv_probed(const MPI_Status *st, unsigned char **buf, size_t *cap, int *count)
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

void dist_send_ll(int dest, int tag, const long long *v, int n)
{
    MPI_Send(v, n * (int)sizeof *v, MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

static void send_to_workers(int tag, const void *v, int bytes)
{
    for (int r = 1; r < mpi_size; r++)
        if (worker_out[r] != 2)
            MPI_Send(v, bytes, MPI_BYTE, r, tag, MPI_COMM_WORLD);
}

int dist_worker_in(int r)
{
    return !worker_out[r];
}

int dist_workers_idle(const wstate *w)
{
    for (int r = 1; r < mpi_size; r++)
        if (w[r].in && !w[r].done)
            return 0;
    return 1;
}

/* Root: how many workers still take part (0 on a worker rank or in one process). */
int dist_workers_in(void)
{
    int n = 0;
    for (int r = 1; mpi_on && mpi_rank == 0 && r < mpi_size; r++)
        n += !worker_out[r];
    return n;
}

/* Root: the START message of plan e->plan into msg: its words, and under direct
 * writes the files (count, head, len_at, mode; then the token file's path, its
 * text and the files' paths, each ending in NUL). */
static void start_message(const coop_engine *e, int mode, const char *token_text, coop_bytes *msg)
{
    const coop_plan *p = e->plan;
    long long hdr[START_WORDS] = {
        p->point0, p->n_points, p->n_worlds, p->replicates, p->seed, p->keep_series,
        p->keep_snapshots,
        (e->split ? START_SPLIT : 0) | (e->split && e->sink->round_scalars ? START_ROUND : 0) |
            (e->place ? START_DIRECT : 0) | (e->place && mode == 2 ? START_RANKS : 0) |
            (e->place && e->sink->no_scalars ? START_NO_SCALARS : 0),
        e->sink->state_worlds};
    coop_bytes_put(msg, hdr, sizeof hdr);
    if (!e->place)
        return;
    const coop_sink_files *fs = e->sink->files;
    long long d[COOP_DIRECT_WORDS] = {fs->n, (long long)fs->head, (long long)fs->len_at, mode};
    coop_bytes_put(msg, d, sizeof d);
    coop_bytes_put(msg, e->rm->token, strlen(e->rm->token) + 1);
    coop_bytes_put(msg, token_text, strlen(token_text) + 1);
    for (int k = 0; k < fs->n; k++)
        coop_bytes_put(msg, fs->path[k], strlen(fs->path[k]) + 1);
}

/* Root: tells the workers still taking part that plan e->plan starts, and
 * whether they may write their rows themselves (direct writes: the sink offers
 * its files, COOPSIM_MPI_WRITE is not root and the token file could be made). */
int coop_dist_start(coop_engine *e)
{
    e->rm = NULL;
    e->place = 0;
    int n_in = dist_workers_in();
    if (!n_in)
        return COOP_OK;
    int mode = coop_direct_mode(), block = coop_dist_block_size();
    if (mode < 0)
        return COOP_FAIL(&e->err, COOP_ECONFIG, "environment: COOPSIM_MPI_WRITE = \"%s\": not "
                         "one of auto, root, ranks", getenv("COOPSIM_MPI_WRITE"));
    if (block < 0)
        return COOP_FAIL(&e->err, COOP_ECONFIG, "environment: COOPSIM_MPI_BLOCK = \"%s\": not "
                         "an integer from 1 to %d", getenv("COOPSIM_MPI_BLOCK"), BLOCK_MAX);
    if (put_bad)
        return COOP_FAIL(&e->err, COOP_ECONFIG, "environment: COOPSIM_MPI_PUT = \"%s\": not "
                         "auto, off or a slot size in bytes from %d to %d",
                         getenv("COOPSIM_MPI_PUT"), COOP_PUT_SLOT_MIN, COOP_PUT_SLOT_MAX);
    coop_remote *rm = calloc(1, sizeof *rm);
    if (!rm || !(rm->w = calloc((size_t)mpi_size, sizeof *rm->w))) {
        free(rm);
        return COOP_FAIL(&e->err, COOP_ENOMEM, "out of memory for %d ranks", mpi_size);
    }
    e->rm = rm;
    rm->block = block;
    char token_text[96] = "";
    const coop_sink_files *fs = e->sink->files;
    if (e->split && fs && fs->n > 0 && fs->n <= COOP_SINK_FILES && mode != 1 &&
        (rm->token = coop_direct_token(fs, token_text, sizeof token_text)))
        e->place = 1;
    else if (mode == 2 && e->split && fs)
        return COOP_FAIL(&e->err, COOP_EIO, "COOPSIM_MPI_WRITE=ranks: cannot write the token "
                         "file beside %s", fs->path[0]);
    coop_bytes msg = {0};
    start_message(e, mode, token_text, &msg);
    if (msg.bad)
        return COOP_FAIL(&e->err, COOP_ENOMEM, "out of memory");
    for (int r = 1; r < mpi_size; r++)
        if (!worker_out[r]) {
            rm->w[r].in = 1;
            MPI_Send(msg.p, (int)msg.n, MPI_BYTE, r, TAG_START, MPI_COMM_WORLD);
        }
    coop_bytes_free(&msg);
    if (e->place)
        durable_e = e;
    /* Two blocks held per worker and one more.  The local threads may start items
     * beyond the blocks the workers hold, as many as they run in the time of two
     * blocks (a block's time: BLOCK_PER_THREAD items a thread, or COOPSIM_MPI_BLOCK
     * items), or they would wait whenever the workers hold theirs (with a window
     * one block wider than their own, blocks of 256 kept them idle); they stay out
     * of the last block's worth per worker, the room a worker's next block needs
     * (it still holds one to run). */
    long long nt = e->n_slots / 2, per = rm->block ? rm->block : BLOCK_PER_THREAD;
    e->local_window = e->n_slots + 2LL * BLOCK_MAX * n_in + 2 * per * nt;
    e->n_slots = e->local_window + (long long)BLOCK_MAX * n_in;
    return COOP_OK;
}

int coop_experiment_durable_points(void)
{
    coop_engine *e = durable_e;
    if (!e)
        return durable_after;
    omp_set_lock(&e->lock);
    int points = coop_placed_durable(&e->rm->pl, e);
    omp_unset_lock(&e->lock);
    return points;
}

void coop_dist_end(coop_engine *e)
{
    if (!e->rm)
        return;
    if (e->place) {
        durable_after = e->rm->pl.n ? coop_placed_durable(&e->rm->pl, e) : INT_MAX;
        durable_e = NULL;
        unlink(e->rm->token);
    }
    free(e->rm->token);
    free(e->rm->pl.q);
    for (int k = 0; k < e->rm->n_pend; k++) { /* a failed plan: abandoned transfers */
        MPI_Cancel(&e->rm->pend[k].req);
        MPI_Request_free(&e->rm->pend[k].req);
        free(e->rm->pend[k].buf);
    }
    free(e->rm->pend);
    free(e->rm->w);
    free(e->rm->buf);
    free(e->rm);
    e->rm = NULL;
}

/* Root, thread 0: a worker's block of prepared items (one message) starts
 * arriving: its receive is posted, and polled by coop_dist_loop. */
static void on_prepared(coop_engine *e, const MPI_Status *st)
{
    double t0 = dist_cpu_s();
    coop_remote *rm = e->rm;
    pending *p = NULL;
    if (rm->n_pend == rm->cap_pend) {
        int cap = rm->cap_pend ? 2 * rm->cap_pend : 8;
        pending *np = realloc(rm->pend, (size_t)cap * sizeof *np);
        if (np)
            rm->pend = np, rm->cap_pend = cap;
    }
    if (rm->n_pend < rm->cap_pend)
        p = &rm->pend[rm->n_pend];
    if (p) {
        p->src = st->MPI_SOURCE;
        p->tag = st->MPI_TAG;
        MPI_Get_count(st, MPI_BYTE, &p->count);
        p->buf = malloc(p->count > 0 ? (size_t)p->count : 1);
    }
    if (!p || !p->buf) {
        fprintf(stderr, "coopsim: rank 0: out of memory for a message from rank %d\n",
                st->MPI_SOURCE);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Irecv(p->buf, p->count, MPI_BYTE, p->src, p->tag, MPI_COMM_WORLD, &p->req);
    rm->n_pend++;
    st_recv_s += dist_cpu_s() - t0;
}

/* Slot s holds an item of block blk now (prep: where the prepared item lies in
 * blk's message; NULL for a descriptor's item). */
static void fill_slot(coop_slot *s, coop_block *blk, const unsigned char *prep)
{
    s->prep = prep;
    s->block = blk;
    s->ready = 1;
    blk->left++;
    blk->n++;
}

/* Root, thread 0, with the lock held: item i of worker src's block blk takes its
 * slot. */
static int take_slot(coop_engine *e, long long i, int src, coop_block *blk,
                     const unsigned char *prep, coop_err *err)
{
    coop_slot *s = &e->slots[i % e->n_slots];
    if (i < e->next_deliver || i >= e->next_start || s->ready)
        return COOP_FAIL(err, COOP_EIO, "rank %d sent item %lld, which it was not given", src, i);
    fill_slot(s, blk, prep);
    return COOP_OK;
}

/* Root, thread 0, with the lock held: the items [a, a + n) of worker src's
 * descriptor blk take their slots, as take_slot would one by one (one index
 * computed, then stepped). */
static int take_slots(coop_engine *e, long long a, long long n, int src, coop_block *blk,
                      coop_err *err)
{
    if (a < e->next_deliver || a + n > e->next_start)
        return COOP_FAIL(err, COOP_EIO, "rank %d sent items [%lld, %lld), which it was not "
                         "given", src, a, a + n);
    for (long long j = 0, k = a % e->n_slots; j < n; j++, k = k + 1 < e->n_slots ? k + 1 : 0) {
        if (e->slots[k].ready)
            return COOP_FAIL(err, COOP_EIO, "rank %d sent item %lld, which it was not given",
                             src, a + j);
        fill_slot(&e->slots[k], blk, NULL);
    }
    return COOP_OK;
}

/* Root, thread 0: a received block of prepared items (or a descriptor, direct:
 * their rows stay with the worker).  Each item takes its slot, pointing into
 * the message, which is freed when the last of them has been committed:
 * nothing is copied or allocated per item. */
static void attach_prepared(coop_engine *e, unsigned char *buf, int count, int src, int direct,
                            int borrowed, double t0)
{
    coop_block *blk = calloc(1, sizeof *blk);
    if (!blk) {
        fprintf(stderr, "coopsim: rank 0: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    blk->buf = buf;
    blk->src = src;
    blk->direct = direct;
    blk->borrowed = borrowed;
    blk->a = -1;
    coop_err err = {0};
    int status = COOP_OK;
    long long n = 0;
    omp_set_lock(&e->lock);
    if (!e->split || (direct && !e->place))
        status = COOP_FAIL(&err, COOP_EIO, "rank %d sent prepared items for a plan without "
                           "them (do all ranks run the same program?)", src);
    if (direct && !status && !e->status) { /* a descriptor: its items in a row */
        coop_desc *d = &blk->desc;
        coop_desc_shape sh = {.replicates = e->plan->replicates, .n_worlds = e->plan->n_worlds,
                              .state_worlds = e->sink->state_worlds,
                              .scalars = !e->sink->no_scalars};
        if (coop_desc_read(buf, (size_t)count, e->sink->files, &sh, d))
            status = COOP_FAIL(&err, COOP_EIO, "rank %d sent a damaged descriptor of %d "
                               "bytes (do all ranks run the same program?)", src, count);
        blk->a = d->a;
        if (!status && !(status = take_slots(e, d->a, d->n, src, blk, &err)))
            n = d->n;
    }
    for (size_t at = 0; !direct && !e->status && !status && at < (size_t)count; n++) {
        long long i = -1;
        size_t size = coop_engine_prepared_whole(buf + at, (size_t)count - at, &i);
        if (!size) {
            status = COOP_FAIL(&err, COOP_EIO, "rank %d sent a damaged block of %d bytes (do "
                               "all ranks run the same program?)", src, count);
            break;
        }
        status = take_slot(e, i, src, blk, buf + at, &err);
        at += size;
    }
    if (status)
        coop_engine_fail(e, status, &err);
    int unused = blk->left == 0; /* decided under the lock: once it is released, a
                                  * deliverer may commit every item and free blk */
    omp_unset_lock(&e->lock);
    if (unused) {
        if (!borrowed)
            free(buf);
        free(blk);
    }
    st_received += n;
    st_direct += direct ? n : 0;
    st_messages++;
    st_bytes += count;
    st_recv_s += dist_cpu_s() - t0;
}

/* Root, thread 0: the blocks whose transfer has ended take their slots.
 * Returns 1 when one did. */
static int poll_prepared(coop_engine *e)
{
    coop_remote *rm = e->rm;
    int any = 0;
    for (int k = 0; k < rm->n_pend;) {
        int done = 0;
        MPI_Test(&rm->pend[k].req, &done, MPI_STATUS_IGNORE);
        if (!done) {
            k++;
            continue;
        }
        pending p = rm->pend[k];
        rm->pend[k] = rm->pend[--rm->n_pend];
        attach_prepared(e, p.buf, p.count, p.src, p.tag == TAG_DESC, 0, dist_cpu_s());
        any = 1;
    }
    return any;
}

/* Root: worker src's REQUEST (it wants a block; the message holds its threads),
 * IDLE (every answer received, its last block sent) or LEAVE (it takes no part in
 * this plan or farm, or any later one), as plans and farms read them. */
void dist_worker_says(wstate *w, int src, int tag, const unsigned char *buf, int count)
{
    if (tag == TAG_LEAVE) {
        w->in = 0;
        w->pending = 0;
        worker_out[src] = 1;
    }
    if (tag != TAG_REQUEST) {
        w->done = 1;
        return;
    }
    if (count >= (int)sizeof(long long))
        memcpy(&w->threads, buf, sizeof w->threads);
    w->pending++;
}

/* Root: worker src's FAIL message (int status, then the error text) into err. */
void dist_worker_failed(int src, const unsigned char *buf, int count, coop_err *err)
{
    int code = COOP_EIO;
    if (count >= (int)sizeof code)
        memcpy(&code, buf, sizeof code);
    int len = count - (int)sizeof code;
    COOP_FAIL(err, code ? code : COOP_EIO, "rank %d: %.*s", src, len > 0 ? len : 0,
              (const char *)buf + sizeof code);
}

int coop_dist_placed(coop_engine *e, long long i, long long n, coop_block *b,
                     const long long *at, const size_t *len, coop_err *err)
{
    return coop_placed_commit(&e->rm->pl, e->sink->files, i, n, b, at, len, err);
}

/* Root, thread 0, with the lock held: tells each worker where its committed
 * blocks go (PLACED: a, n and the offsets of its first item), or after a failure
 * that its rows are not wanted (a = -1, once). */
static void answer_placed(coop_engine *e)
{
    coop_remote *rm = e->rm;
    int nf = e->sink->files->n, sent = 0;
    long long msg[2 + COOP_SINK_FILES];
    double t0 = -1.0;
    if (e->status && !rm->dropped) {
        msg[0] = -1;
        msg[1] = 0;
        for (int r = 1; r < mpi_size; r++)
            if (rm->w[r].in)
                dist_send_ll(r, TAG_PLACED, msg, 2);
        rm->dropped = 1;
    }
    for (long long j = 0; j < rm->pl.n && !rm->dropped; j++) {
        coop_placed *q = &rm->pl.q[j];
        if (!q->complete || q->answered)
            continue;
        if (t0 < 0.0)
            t0 = dist_cpu_s();
        sent++;
        msg[0] = q->a;
        msg[1] = q->n;
        memcpy(msg + 2, q->at0, (size_t)nf * sizeof *msg);
        dist_send_ll(q->src, TAG_PLACED, msg, 2 + nf);
        q->answered = 1;
    }
    if (t0 >= 0.0)
        steered(t0, sent);
}

/* Root, thread 0: one message from a worker. */
static void on_message(coop_engine *e, const MPI_Status *st)
{
    if (st->MPI_TAG == TAG_PREPARED || st->MPI_TAG == TAG_DESC) {
        on_prepared(e, st);
        return;
    }
    coop_remote *rm = e->rm;
    int src = st->MPI_SOURCE, count = 0;
    double t0 = dist_cpu_s(); /* the message's receive, and its handling */
    dist_recv_probed(st, &rm->buf, &rm->cap, &count);
    wstate *w = &rm->w[src];
    coop_err err = {0};
    switch (st->MPI_TAG) {
    case TAG_REQUEST:
    case TAG_IDLE:
        dist_worker_says(w, src, st->MPI_TAG, rm->buf, count);
        steered(t0, 1);
        break;
    case TAG_RESULT: {
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
            coop_engine_decode(e->plan, i, &p, &wd, &r);
            const coop_config *cfg = e->plan->cfg[(size_t)p * e->plan->n_worlds + wd];
            if (!(rec = coop_engine_record(e->plan, i, cfg)))
                status = COOP_FAIL(&err, COOP_ENOMEM, "out of memory allocating a record of %d "
                                   "steps", cfg->n_steps);
            else if (coop_rec_wire_bytes(rec, n) != (size_t)count)
                status = COOP_FAIL(&err, COOP_EIO, "rank %d sent a record of %d bytes for item "
                                   "%lld, expected %zu (do all ranks run the same program on "
                                   "the same configuration?)", src, count, i, coop_rec_wire_bytes(rec, n));
            else
                coop_rec_unpack(rec, rm->buf);
        }
        omp_set_lock(&e->lock);
        if (status) {
            coop_record_free(rec);
            coop_engine_fail(e, status, &err);
        } else {
            coop_slot *s = &e->slots[i % e->n_slots];
            s->rec = rec;
            s->ready = 1;
        }
        omp_unset_lock(&e->lock);
        st_received++;
        st_messages++;
        st_bytes += count;
        st_recv_s += dist_cpu_s() - t0;
        break;
    }
    case TAG_DESC_AT: { /* a descriptor in src's slot of the window */
        long long at[3] = {-1, -1, 0};
        if (count == (int)sizeof at)
            memcpy(at, rm->buf, sizeof at);
        if (at[2] == 1 && w->in) /* its next REQUEST, in the same message */
            w->pending++;
        if (!put_slot_bytes || at[0] < 0 || at[0] >= put_slots || at[1] < 1 ||
            at[1] > put_slot_bytes) {
            COOP_FAIL(&err, COOP_EIO, "rank %d put a block of %lld bytes in slot %lld, which "
                      "rank 0's window has not (do all ranks run the same program?)", src,
                      at[1], at[0]);
            omp_set_lock(&e->lock);
            coop_engine_fail(e, err.code, &err);
            omp_unset_lock(&e->lock);
            break;
        }
        MPI_Win_sync(put_win); /* the worker's put, flushed before DESC_AT, is seen */
        st_puts++;
        st_put_bytes += at[1];
        size_t slot = (size_t)(src - 1) * (size_t)put_slots + (size_t)at[0];
        attach_prepared(e, put_base + slot * (size_t)put_slot_bytes, (int)at[1], src, 1, 1, t0);
        break;
    }
    case TAG_SYNCED:
        if (count >= (int)sizeof(long long)) {
            long long k;
            memcpy(&k, rm->buf, sizeof k);
            omp_set_lock(&e->lock);
            coop_placed_synced(&e->rm->pl, src, k);
            omp_unset_lock(&e->lock);
        }
        steered(t0, 1);
        break;
    case TAG_FAIL: {
        dist_worker_failed(src, rm->buf, count, &err);
        omp_set_lock(&e->lock);
        coop_engine_fail(e, err.code, &err);
        omp_unset_lock(&e->lock);
    }
        /* fall through */
    case TAG_LEAVE:
        dist_worker_says(w, src, TAG_LEAVE, NULL, 0);
        break;
    default: /* nothing else is sent to rank 0 */
        break;
    }
}

/* Root: answers the requests of the workers: a block, or CHUNK_DONE when no item
 * is left.  Called with the lock held. */
static void hand_out(coop_engine *e)
{
    coop_remote *rm = e->rm;
    double t0 = -1.0;
    int sent = 0;
    for (int r = 1; r < mpi_size; r++) {
        wstate *w = &rm->w[r];
        while (w->in && w->pending > 0) {
            long long blk[2] = {0, 0}; /* CHUNK_DONE: one word, 0 */
            int tag = TAG_CHUNK_DONE, words = 1;
            if (!e->status && e->next_start < e->n_items) {
                long long size = rm->block ? rm->block : w->threads * BLOCK_PER_THREAD;
                size = size < 1 ? 1 : size > BLOCK_MAX ? BLOCK_MAX : size;
                long long a = e->next_start, b = a + size < e->n_items ? a + size : e->n_items;
                if (b > e->next_deliver + e->n_slots)
                    break; /* no room in the window yet */
                e->next_start = b;
                blk[0] = a, blk[1] = b, tag = TAG_BLOCK, words = 2;
            }
            if (t0 < 0.0)
                t0 = dist_cpu_s();
            dist_send_ll(r, tag, blk, words);
            w->pending--;
            sent++;
        }
    }
    if (t0 >= 0.0)
        steered(t0, sent);
}

/* Root, after a failure: whether the workers still busy have had their time to
 * answer (failed_at: when the wait began, set on the first call); if so they are
 * abandoned (never sent to again; the job ends with MPI_Abort). */
int dist_grace_over(struct timespec *failed_at, wstate *w)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!failed_at->tv_sec && !failed_at->tv_nsec)
        *failed_at = now;
    double waited = (double)(now.tv_sec - failed_at->tv_sec) +
                    1e-9 * (double)(now.tv_nsec - failed_at->tv_nsec);
    if (waited <= (dist_stopping() ? GRACE_SIGNAL : GRACE_FAILURE))
        return 0;
    for (int r = 1; r < mpi_size; r++)
        if (w[r].in && !w[r].done) {
            w[r].in = 0;
            worker_out[r] = 2;
            abandoned = 1;
        }
    return 1;
}

/* Root, thread 0 of the parallel region: serves the workers until every item is
 * delivered (or the run failed) and every worker has been told the plan is done. */
void coop_dist_loop(coop_engine *e)
{
    coop_remote *rm = e->rm;
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
        any |= poll_prepared(e);
        omp_set_lock(&e->lock);
        if (dist_stopping()) {
            coop_err stop = {0};
            COOP_FAIL(&stop, COOP_EINTR, "interrupted");
            coop_engine_fail(e, COOP_EINTR, &stop);
        }
        hand_out(e);
        coop_engine_deliver(e, &err);
        if (e->place)
            answer_placed(e);
        int finished = e->status || (e->next_deliver >= e->n_items && rm->pl.n == 0);
        omp_unset_lock(&e->lock);
        int all_done = rm->n_pend == 0 && dist_workers_idle(rm->w);
        if (finished && all_done)
            break;
        if (finished && e->status && dist_grace_over(&failed_at, rm->w))
            break;
        if (!any && !rm->n_pend) /* a transfer in flight progresses only while we poll */
            nap_long();
    }
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
int dist_recv_root(unsigned char **buf, size_t *cap, int *count)
{
    for (;;) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            dist_recv_probed(&st, buf, cap, count);
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

/* Worker: how rank 0's sink takes this plan's items: prepared (fn set), with
 * the scalars rounded or not, in item[k] (k < BLOCK_MAX) then one message, msg;
 * with direct writes (direct: the files fs, opened here) rank 0 gets only their
 * descriptors and this rank keeps the blocks (held) until it knows where their
 * rows go, writes them there and makes them durable. */
typedef struct wprep {
    coop_prepare_fn fn;
    int round;                   /* round the scalars */
    coop_desc_shape shape;       /* direct writes: the plan's, and what rank 0 reads */
    coop_bytes item[BLOCK_MAX];
    coop_bytes msg;
    coop_direct dw;              /* direct writes (dist_files.c) */
    int held_slot[COOP_UNWRITTEN_MAX]; /* the window slot of each held block, oldest
                                        * first (-1: sent as a message) */
    int more;                    /* the next block's descriptor may carry a REQUEST */
    int requested;               /* the last one did (DESC_AT) */
} wprep;

/* Worker: a free slot of rank 0's window for a descriptor of `bytes`, or -1 (too
 * small to gain from a put, too large for a slot, or every slot taken). */
static int put_free_slot(const wprep *wp, size_t bytes)
{
    if (put_off || !put_slot_bytes || wp->dw.dropped || bytes < COOP_PUT_MIN ||
        bytes > (size_t)put_slot_bytes)
        return -1;
    for (int k = 0; k < put_slots; k++)
        if (!(put_busy & (1u << k)))
            return k;
    return -1;
}

/* Worker: rank 0 placed the oldest held block (a >= 0; its slot is free again),
 * or dropped them all (a < 0: no more puts). */
static void put_placed(wprep *wp, long long a)
{
    if (a < 0) {
        put_off = 1;
        return;
    }
    int slot = wp->held_slot[0];
    memmove(wp->held_slot, wp->held_slot + 1, (COOP_UNWRITTEN_MAX - 1) * sizeof *wp->held_slot);
    if (slot >= 0)
        put_busy &= ~(1u << slot);
}

/* Worker: the prepared items [0, n) of block [a, a + n) as one message to rank
 * 0; with direct writes their descriptors, the block kept. */
static int send_prepared(wprep *wp, long long a, long long n, coop_err *err)
{
    coop_wblock *h = wp->dw.on ? &wp->dw.held[wp->dw.n_held] : NULL;
    coop_bytes *whole = h ? &h->buf : &wp->msg;
    whole->n = 0;
    for (long long k = 0; k < n; k++)
        coop_bytes_put(whole, wp->item[k].p, wp->item[k].n);
    int st = COOP_OK;
    if (h && !whole->bad) {
        wp->msg.n = 0;
        st = coop_desc_make(whole->p, whole->n, a, n, &wp->dw.fs, &wp->shape, &wp->msg);
    }
    if (st == COOP_EINVAL)
        return COOP_FAIL(err, COOP_EINVAL, "block [%lld, %lld) cannot be described", a, a + n);
    if (st || whole->bad || wp->msg.bad || wp->msg.n > (size_t)INT_MAX)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory for a message of %lld items", n);
    int slot = h ? put_free_slot(wp, wp->msg.n) : -1;
    wp->requested = 0;
    if (slot >= 0) { /* into rank 0's memory, then word of where */
        MPI_Aint at = ((MPI_Aint)(mpi_rank - 1) * put_slots + slot) * (MPI_Aint)put_slot_bytes;
        MPI_Put(wp->msg.p, (int)wp->msg.n, MPI_BYTE, 0, at, (int)wp->msg.n, MPI_BYTE, put_win);
        MPI_Win_flush(0, put_win);
        long long where[3] = {slot, (long long)wp->msg.n, wp->more};
        dist_send_ll(0, TAG_DESC_AT, where, 3);
        put_busy |= 1u << slot;
        wp->requested = wp->more;
    } else {
        MPI_Send(wp->msg.p, (int)wp->msg.n, MPI_BYTE, 0, h ? TAG_DESC : TAG_PREPARED,
                 MPI_COMM_WORLD);
    }
    if (h && !wp->dw.dropped) {
        wp->held_slot[wp->dw.n_held] = slot;
        h->a = a;
        h->n = n;
        wp->dw.n_held++;
        wp->dw.held_items += n;
    }
    return COOP_OK;
}

/* Worker: makes the rows written since the last time durable and tells rank 0
 * (SYNCED: how many blocks). */
static int sync_written(wprep *wp, coop_err *err)
{
    if (!wp->dw.unsynced)
        return COOP_OK;
    long long n = coop_direct_sync(&wp->dw, err);
    if (n < 0)
        return err->code;
    dist_send_ll(0, TAG_SYNCED, &n, 1);
    return COOP_OK;
}

/* Worker: rank 0's PLACED (msg, count bytes): the rows of the block it names
 * written (or every held block dropped), synced when due. */
static int write_placed(wprep *wp, const unsigned char *msg, int count, coop_err *err)
{
    long long w[2 + COOP_SINK_FILES];
    if (count < (int)(2 * sizeof w[0]) || count > (int)sizeof w || count % sizeof w[0])
        return COOP_FAIL(err, COOP_EIO, "a damaged message from rank 0");
    memcpy(w, msg, (size_t)count);
    int st = coop_direct_write(&wp->dw, w, count / (int)sizeof w[0], err);
    if (!st)
        put_placed(wp, w[0]);
    return st ? st : coop_direct_sync_due(&wp->dw) ? sync_written(wp, err) : COOP_OK;
}

/* Worker: runs items [a, b) of sub on this rank's threads and sends their records
 * one message each, or with wp->fn their prepared items as one message. */
static int run_block(const coop_plan *sub, wprep *wp, long long a, long long b, int threads,
                     coop_err *err)
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
            int st = dist_stopping() ? COOP_FAIL(&terr, COOP_EINTR, "interrupted by a signal")
                                : coop_engine_run_one(sub, a + k, 1, &model, &model_cfg, &recs[k], &terr);
            if (!st && wp->fn) {
                wp->item[k].n = 0;
                st = coop_engine_prepare(sub, wp->fn, wp->round, a + k, recs[k], &wp->item[k],
                                         &terr);
                coop_record_free(recs[k]);
                recs[k] = NULL;
            }
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
    if (wp->fn && !status)
        status = send_prepared(wp, a, n, err);
    unsigned char *buf = NULL;
    size_t cap = 0;
    for (long long k = 0; k < n && !status && !wp->fn; k++) {
        size_t nb[5], size = coop_rec_wire_bytes(recs[k], nb);
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
        coop_rec_pack(recs[k], a + k, buf);
        MPI_Send(buf, (int)size, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
    }
    free(buf);
    for (long long k = 0; k < n; k++)
        coop_record_free(recs[k]);
    free(recs);
    return status;
}

/* Worker: asks for blocks of plan sub and runs them until rank 0 has none left.
 * Two requests at first and one after each block: the next block is already
 * here when the current one is done.  Every request gets an answer (BLOCK or
 * CHUNK_DONE).  With direct writes the answers where rows go (PLACED) come too:
 * messages are handled before the next block starts, and no block starts while
 * COOP_UNWRITTEN_MAX blocks or COOP_UNWRITTEN_ITEMS items wait for theirs
 * (they are earlier items than any block still to run, so rank 0 can commit
 * them: no deadlock).  Once every answer is
 * in and every row written and synced, IDLE tells rank 0 this rank is done. */
static int serve_blocks(const coop_plan *sub, wprep *wp, int threads, coop_err *err)
{
    unsigned char *buf = NULL;
    size_t cap = 0;
    long long nt = coop_experiment_threads(threads), queue[2][2];
    int asked = 0, queued = 0, no_more = 0, status = COOP_OK;
    for (int k = 0; k < 2; k++, asked++)
        dist_send_ll(0, TAG_REQUEST, &nt, 1);
    while (!status && (asked > 0 || queued > 0 || wp->dw.n_held > 0)) {
        int can_run = queued > 0 && wp->dw.n_held < COOP_UNWRITTEN_MAX &&
                      wp->dw.held_items < COOP_UNWRITTEN_ITEMS, count = 0, tag = -1;
        if (!can_run) { /* wait, with what is written made durable when due */
            if (coop_direct_sync_due(&wp->dw) && (status = sync_written(wp, err)))
                break;
            tag = dist_recv_root(&buf, &cap, &count);
        } else {
            int flag = 0;
            MPI_Status st;
            MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
            if (flag)
                tag = dist_recv_root(&buf, &cap, &count);
        }
        if (tag == TAG_BLOCK && queued < 2) {
            memcpy(queue[queued++], buf, sizeof queue[0]);
            asked--;
        } else if (tag == TAG_CHUNK_DONE) {
            no_more = 1;
            asked--;
        } else if (tag == TAG_PLACED) {
            status = write_placed(wp, buf, count, err);
        } else if (tag == TAG_BYE) {
            status = COOP_FAIL(err, COOP_EINTR, "stopped by rank 0");
            break;
        }
        if (tag >= 0 || !can_run)
            continue;
        long long blk[2] = {queue[0][0], queue[0][1]};
        queue[0][0] = queue[1][0];
        queue[0][1] = queue[1][1];
        queued--;
        wp->more = !no_more;
        wp->requested = 0;
        if ((status = run_block(sub, wp, blk[0], blk[1], threads, err)))
            break;
        if (!no_more) { /* the next block, asked for in the descriptor or here */
            if (!wp->requested)
                dist_send_ll(0, TAG_REQUEST, &nt, 1);
            asked++;
        }
    }
    if (!status)
        status = sync_written(wp, err);
    if (put_busy) /* a block never placed (a failure): its slot's state is unknown */
        put_off = 1;
    if (!status) {
        long long none = 0;
        dist_send_ll(0, TAG_IDLE, &none, 1);
    }
    free(buf);
    return status;
}

/* Worker: one plan that rank 0 started (hdr: its START message): its points'
 * configurations built as work says, then its blocks. */
static int serve_chunk(const coop_work *work, const long long *hdr, int count, wprep *wp,
                       int threads, coop_err *err)
{
    coop_plan sub = work->plan;
    wp->fn = hdr[7] & START_SPLIT ? work->prepare : NULL;
    wp->round = (hdr[7] & START_ROUND) != 0;
    wp->shape = (coop_desc_shape){.replicates = sub.replicates, .n_worlds = sub.n_worlds,
                                  .state_worlds = (int)hdr[8],
                                  .scalars = !(hdr[7] & START_NO_SCALARS)};
    if ((hdr[7] & START_SPLIT) && !work->prepare)
        return COOP_FAIL(err, COOP_EINVAL, "rank 0's sink prepares its rows on the workers, "
                         "but this rank's command has no prepare stage (do all ranks run the "
                         "same program?)");
    sub.point0 = (int)hdr[0];
    sub.n_points = (int)hdr[1];
    if (hdr[2] != sub.n_worlds || hdr[3] != sub.replicates || hdr[4] != (long long)sub.seed ||
        hdr[5] != sub.keep_series || hdr[6] != sub.keep_snapshots)
        return COOP_FAIL(err, COOP_ECONFIG, "the experiment differs from rank 0's (%lld worlds, "
                         "%lld replicates, seed %lld there; %d, %d, %u here): do all ranks "
                         "read the same configuration?", hdr[2], hdr[3], hdr[4], sub.n_worlds,
                         sub.replicates, sub.seed);
    size_t n_cfg = (size_t)sub.n_points * (size_t)sub.n_worlds, built = 0;
    coop_config *cfgs = calloc(n_cfg, sizeof *cfgs);
    const coop_config **ptrs = calloc(n_cfg, sizeof *ptrs);
    int status = COOP_OK;
    if (!cfgs || !ptrs)
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory for %zu point configurations", n_cfg);
    for (int p = 0; p < sub.n_points && !status; p++)
        for (int w = 0; w < sub.n_worlds && !status; w++) {
            size_t k = (size_t)p * sub.n_worlds + w;
            status = work->make(work->ctx, sub.point0 + p, w, &cfgs[k], err);
            ptrs[k] = &cfgs[k];
            built++;
        }
    sub.cfg = ptrs;
    if (!status && (hdr[7] & START_DIRECT))
        status = coop_direct_open(&wp->dw, (const unsigned char *)(hdr + START_WORDS),
                                  count - START_WORDS * (int)sizeof(long long), err);
    if (!status)
        status = serve_blocks(&sub, wp, threads, err);
    coop_direct_close(&wp->dw);
    for (size_t k = 0; k < built; k++)
        coop_config_destroy(&cfgs[k]);
    free(cfgs);
    free(ptrs);
    return status;
}

/* The worker ranks' entry point: serves each plan rank 0 starts until rank 0 ends
 * the program (BYE).  After a failure, or without work, it takes no part in the
 * plans that follow (LEAVE). */
int coop_experiment_worker(const coop_work *work, int threads, coop_err *err)
{
    if (!mpi_on || mpi_rank == 0)
        return COOP_OK;
    unsigned char *buf = NULL;
    size_t cap = 0;
    int plans = work && work->make, farms = work && work->farm, status = COOP_OK, count = 0;
    wprep *wp = calloc(1, sizeof *wp);
    if (!wp)
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    while (!bye_received) {
        int tag = dist_recv_root(&buf, &cap, &count);
        if (tag != TAG_FARM && (tag != TAG_START || count < START_WORDS * (int)sizeof(long long)))
            continue;
        if (status || !(tag == TAG_FARM ? farms : plans)) { /* rank 0 counts this rank out */
            long long none = 0;
            dist_send_ll(0, TAG_LEAVE, &none, 1);
            continue;
        }
        if (tag == TAG_FARM) {
            status = dist_serve_farm(work->farm, buf, count, threads, err);
        } else {
            long long *hdr = malloc((size_t)count + sizeof(long long));
            if (!hdr) {
                status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            } else {
                memcpy(hdr, buf, (size_t)count);
                status = serve_chunk(work, hdr, count, wp, threads, err);
            }
            free(hdr);
        }
        if (status && !bye_received)
            send_fail(status, err);
    }
    if (wp) {
        for (int k = 0; k < BLOCK_MAX; k++)
            coop_bytes_free(&wp->item[k]);
        coop_bytes_free(&wp->msg);
    }
    free(wp);
    free(buf);
    return status;
}

/* Root: rank 0's accounting (COOPSIM_MPI_STATS, docs/CLUSTER.md "Sizing a run"). */
static void print_stats(void)
{
    if (st_items > 0) {
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: %lld items delivered, %lld received "
                "in %lld messages (%.0f bytes each); serial time per item: %.3f us sink "
                "+ %.3f us receive\n", mpi_size, st_items, st_received, st_messages,
                st_received ? (double)st_bytes / (double)st_received : 0.0,
                1e6 * st_sink_s / (double)st_items, 1e6 * st_recv_s / (double)st_items);
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: %lld items' rows written by the workers "
                "themselves (direct writes)\n", mpi_size, st_direct);
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: of the sink time, %.3f us per item in "
                "point_done (summaries, statistics, checkpoints), %.3f ms in all\n",
                mpi_size, 1e6 * st_point_s / (double)st_items, 1e3 * st_point_s);
    }
    if (st_messages > 0)
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: receive time per message: %.3f us\n",
                mpi_size, 1e6 * st_recv_s / (double)st_messages);
    if (st_messages > 0 && st_steer_n > 0)
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: %lld steering messages (requests, blocks "
                "handed out, placements, syncs), %.3f us each: %.3f us per block received\n",
                mpi_size, st_steer_n, 1e6 * st_steer_s / (double)st_steer_n,
                1e6 * st_steer_s / (double)st_messages);
    if (st_messages > 0 && st_direct > 0)
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: %lld of %lld blocks put into rank 0's "
                "memory by their workers (slots of %lld bytes), %.0f bytes each\n", mpi_size,
                st_puts, st_messages, put_slot_bytes,
                st_puts ? (double)st_put_bytes / (double)st_puts : 0.0);
    if (st_pure > 0)
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: sink time per worker's item, committed "
                "a block at a time, point_done and writes aside (%lld items in %lld runs): "
                "%.3f us\n", mpi_size, st_pure, st_runs, 1e6 * st_pure_s / (double)st_pure);
    if (st_written > 0)
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: of the sink time, %.3f us per item writing "
                "the rows of the %lld items rank 0 held whole (%.3f us each)\n", mpi_size,
                1e6 * st_write_s / (double)st_items, st_written,
                1e6 * st_write_s / (double)st_written);
    dist_farm_stats();
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
        if (st_on)
            print_stats();
    } else {
        if (!bye_received && status && !fail_sent)
            send_fail(status, err);
        unsigned char *buf = NULL;
        size_t cap = 0;
        int count = 0;
        while (!bye_received) {
            int tag = dist_recv_root(&buf, &cap, &count);
            if (tag == TAG_START || tag == TAG_FARM) {
                long long none = 0;
                dist_send_ll(0, TAG_LEAVE, &none, 1);
            }
        }
        free(buf);
        status = bye_status;
    }
    if (put_win != MPI_WIN_NULL) { /* collective: every rank is here */
        MPI_Win_unlock_all(put_win);
        MPI_Win_free(&put_win);
    }
    free(worker_out);
    worker_out = NULL;
    MPI_Finalize();
    mpi_on = 0;
    return status;
}
