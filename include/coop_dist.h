/* coop_dist.h: the experiment's engine as its process layer sees it (internal to
 * the experiment module: sim/experiment/experiment.c, sim/experiment/farm.c and the
 * one process file linked with them).
 *
 * The process layer spreads an experiment's items over processes.  The Makefile
 * links exactly one implementation: sim/experiment/dist_serial.c in build/coopsim (one
 * process, rank 0 of 1, no workers: every hook below does nothing) or
 * sim/experiment/dist_mpi.c with dist_farm.c in build/coopsim-mpi (compiled by mpicc only;
 * the MPI protocol is described there).  Both also define the process functions of coop_experiment.h
 * (coop_experiment_init, _rank, _ranks, _set_stop, _worker, _finish). */
#ifndef COOP_DIST_H
#define COOP_DIST_H

#include <omp.h>
#include <time.h>

#include "coop_experiment.h"

/* The most items of a block a worker runs (dist_mpi.c). */
enum { COOP_BLOCK_MAX = 512 };

/* What a descriptor is made for, the same on the worker and rank 0: the plan's
 * replicates and worlds (a segment of scalars per (point, world)), and what rank
 * 0's sink reads (coop_sink: scalars unless no_scalars, state_worlds). */
typedef struct coop_desc_shape {
    long long replicates;
    int n_worlds, state_worlds, scalars;
} coop_desc_shape;

/* A received descriptor (coop_desc_read): items [a, a + n), one head (that of
 * item a + head_item: the first whose layout differs from item a's, else a's),
 * their byte counts len[k][j] and, when rank 0's sink reads them (scalars), the
 * scalars of each (point, world) as columns (coop_desc_run). */
typedef struct coop_desc {
    long long a, n, head_item;
    int scalars, n_seg;
    const unsigned char *base, *head;
    const uint32_t *len[COOP_SINK_FILES];
    uint16_t seg_j0[COOP_BLOCK_MAX]; /* segment s: its first item, and where it lies */
    uint32_t seg_at[COOP_BLOCK_MAX]; /* in base */
} coop_desc;

/* A message of prepared items received from a worker: freed when the last of
 * its items has been committed.  Under direct writes (coop_sink_files) a block
 * may be a worker's descriptor (direct; sim/experiment/dist_wire.c): one head,
 * the items' byte counts and scalars, their rows kept by the worker until rank 0
 * says where they go. */
typedef struct coop_block {
    unsigned char *buf;
    long long left;          /* its items not yet committed */
    int src, direct;         /* the worker that sent it; a descriptor (desc) */
    long long a, n, committed;                  /* its items [a, a + n); committed so far */
    long long at0[COOP_SINK_FILES];             /* where its first item's rows go */
    long long next[COOP_SINK_FILES];            /* where the next item's rows must go */
    coop_desc desc;          /* direct: the descriptor read (into buf) */
    int borrowed;            /* buf lies in rank 0's window (a worker put it there,
                              * dist_mpi.c): never freed, the worker reuses it */
} coop_block;

/* One slot of the reorder buffer: a record, or with a splitting sink (e->split) a
 * prepared item (coop_engine_prepare's layout) in the slot's own buffer or in a
 * received block. */
typedef struct coop_slot {
    coop_record *rec;
    const unsigned char *prep;
    coop_block *block;       /* the block prep lies in; NULL: in own */
    coop_bytes own;          /* a prepared item this rank computed (freed when delivered) */
    int ready;
} coop_slot;

typedef struct coop_remote coop_remote; /* the process layer's state of one plan */

/* One plan (a chunk of a lazy one) being run: see sim/experiment/experiment.c. */
typedef struct coop_engine {
    const coop_plan *plan;
    const coop_sink *sink;
    long long n_items;
    long long n_slots;
    long long local_window;  /* this rank's threads start items below next_deliver + this */
    int model_threads;       /* within-run threads of each model: threads / team */
    int split;               /* the sink prepares and commits (coop_sink) */
    int place;               /* direct writes: commit reserves, the owners write (rank 0,
                              * set by coop_dist_start) */
    coop_bytes wb[COOP_SINK_FILES];  /* direct writes: rows of this rank's items, contiguous, */
    long long wb_at[COOP_SINK_FILES]; /* to be written at wb_at (one pwrite per file and */
    long long wb_items;              /* point at most): wb_items items */
    coop_slot *slots;
    omp_lock_t lock;
    long long next_start;    /* the next item to start */
    long long next_deliver;  /* the next item to hand to the sink */
    int delivering;          /* a thread is inside a sink call */
    int status;              /* first failure, COOP_OK while none */
    coop_err err;
    coop_remote *rm;         /* rank 0: the workers of this plan (NULL when none) */
} coop_engine;

/* ---- the engine, for the process layer (sim/experiment/experiment.c) ---- */

/* Item i of plan is (point p, world w, replicate r), p relative to plan->point0. */
void coop_engine_decode(const coop_plan *plan, long long i, int *p, int *w, int *r);

/* Records the first failure.  Called with the lock held. */
void coop_engine_fail(coop_engine *e, int status, const coop_err *err);

/* Delivers every ready item in order, unless another thread is already doing so.
 * Called with the lock held; releases it around each sink call. */
void coop_engine_deliver(coop_engine *e, coop_err *err);

/* A new record for item i of plan, run on cfg (per-step arrays and snapshots as
 * the plan says); NULL when out of memory.  Rank 0 allocates the records it
 * receives with it too, so both sides agree on the record's size. */
coop_record *coop_engine_record(const coop_plan *plan, long long i, const coop_config *cfg);

/* Runs item i of plan into a new record *out, reusing *model while the
 * configuration stays the same (*model_cfg). */
int coop_engine_run_one(const coop_plan *plan, long long i, int model_threads,
                        coop_model **model, const coop_config **model_cfg, coop_record **out,
                        coop_err *err);

/* Item i of plan as a sink sees it. */
coop_item coop_engine_item(const coop_plan *plan, long long i);

/* A prepared item, appended to out (whole 8-byte words, so that items can follow
 * one another in a message): long long index, n_states, n_bytes and total size;
 * COOP_N_OUTCOMES + n_states x COOP_N_OUTCOMES doubles (the outcomes, rounded as
 * written when round is set); then prepare's n_bytes, padded to 8.  COOP_OK, or
 * prepare's error (COOP_ENOMEM when out cannot grow). */
int coop_engine_prepare(const coop_plan *plan, coop_prepare_fn prepare, int round, long long i,
                        const coop_record *rec, coop_bytes *out, coop_err *err);

/* The byte counts for each of files->n files of a prepared item, read from the
 * head of its sink bytes (coop_sink_files). */
void coop_engine_lens(const coop_sink_files *files, const unsigned char *head, size_t *len);

/* The size of the prepared item at p, of at most `room` bytes, when it is whole
 * (its header words and the sizes they give agree: a received one is checked), else
 * 0; its index in *i. */
size_t coop_engine_prepared_whole(const unsigned char *p, size_t room, long long *i);

/* The total size of the prepared item at p (its fourth word), and its index;
 * the view of it that commit gets. */
size_t coop_engine_prepared_size(const unsigned char *p, long long *index);
coop_prepared coop_engine_prepared_view(const unsigned char *p);

/* ---- what crosses between ranks (sim/experiment/dist_wire.c) ---- */

/* A record as one message: the item index, the outcome scalars, then its arrays
 * (per-step actor, tie and population series, milestones, snapshots), native
 * layout.  coop_rec_wire_bytes: the message's size, and the counts of the arrays'
 * doubles (n[0] actor, n[1] tie, n[2] population, n[4] snapshot) and ints (n[3]
 * milestones); coop_rec_pack writes it to buf, coop_rec_unpack reads it into a
 * record of the same shape (coop_engine_record). */
size_t coop_rec_wire_bytes(const coop_record *rec, size_t n[5]);
void coop_rec_pack(const coop_record *rec, long long item, unsigned char *buf);
void coop_rec_unpack(coop_record *rec, const unsigned char *buf);

/* A worker's block descriptor, direct writes: */

enum { COOP_DESC_HEAD_MAX = 256 }; /* the largest sink head a descriptor carries */


/* Worker: appends to out the descriptor of the n prepared items of block
 * [a, a + n), whole and in order in items[0, n_bytes) (coop_engine_prepare's
 * layout), for files fs and shape sh.  COOP_OK; COOP_EINVAL when the items are
 * not those; COOP_ENOMEM. */
int coop_desc_make(const unsigned char *items, size_t n_bytes, long long a, long long n,
                   const coop_sink_files *fs, const coop_desc_shape *sh, coop_bytes *out);

/* Rank 0: a received descriptor of count bytes read into *d (pointing into buf),
 * checked against fs and sh.  COOP_OK, or COOP_EIO when it is damaged or was made
 * for other files or another shape. */
int coop_desc_read(const unsigned char *buf, size_t count, const coop_sink_files *fs,
                   const coop_desc_shape *sh, coop_desc *d);

/* The run of d's items [j0, j0 + m), within one (point, world) (files: fs->n),
 * for a sink's commit_run. */
coop_run coop_desc_run(const coop_desc *d, int files, long long j0, int m);

/* Item j of run as commit sees it: its head (copied to head[COOP_DESC_HEAD_MAX]
 * with its own byte counts) and its scalars (gathered into
 * scalars[COOP_N_OUTCOMES * (1 + COOP_MAX_STATES)]).  COOP_OK, or COOP_EINVAL
 * for a head that does not fit. */
int coop_run_view(const coop_sink_files *fs, const coop_run *run, int j, unsigned char *head,
                  double *scalars, coop_prepared *v);

/* ---- the process layer, for the engine (sim/experiment/dist_serial.c or sim/experiment/dist_mpi.c) ---- */

/* Rank 0, before the parallel region: tells the workers still taking part that
 * e->plan starts, sets e->rm (NULL when there are none) and widens e->n_slots and
 * e->local_window for their blocks.  Returns COOP_OK, or an error with e->err
 * filled. */
int coop_dist_start(coop_engine *e);

/* Rank 0, thread 0 of the parallel region when e->rm is set: serves the workers
 * until every item is delivered (or the plan failed). */
void coop_dist_loop(coop_engine *e);

/* After the parallel region: releases e->rm. */
void coop_dist_end(coop_engine *e);

/* Rank 0, the deliverer, with the lock held, under direct writes: item i of the
 * worker's block b and the n - 1 items after it committed, their rows to go at
 * at[k] of file k (len[k] bytes in all).
 * The worker is told where its block goes once the whole block is committed.
 * COOP_OK, or COOP_EIO (filled err) when the block's rows are not contiguous. */
int coop_dist_placed(coop_engine *e, long long i, long long n, coop_block *b,
                     const long long *at, const size_t *len, coop_err *err);

/* Rank 0's serial time in sink calls, for COOPSIM_MPI_STATS: a clock reading
 * before a run of deliveries, and its end after n items, called with the lock
 * held (the serial stand-in: nothing). */
double coop_dist_clock(void);
void coop_dist_delivered(double t0, long long n);

/* The same for n items of a worker's block committed as one unit (deliver_run),
 * from t0 to their slots cleared; aside0: coop_dist_aside() at t0 (the time in
 * point_done and rank 0's writes so far, which the unit's time leaves out).
 * Returns its clock reading, which may start the next run. */
double coop_dist_aside(void);
double coop_dist_ran(double t0, double aside0, long long n);

/* The same for rank 0's writes of the rows of n items it holds whole (direct
 * writes), part of the sink time. */
void coop_dist_wrote(double t0, long long n);

/* The same for the sink's point_done calls (summaries, statistics, checkpoints). */
void coop_dist_point_done(double t0);

/* ---- task farms (coop_experiment_farm; sim/experiment/farm.c) ---- */

typedef struct coop_farm_remote coop_farm_remote; /* the process layer's state of one farm */

/* One farm being run. */
typedef struct coop_farm_run {
    const coop_farm *farm;
    void *state;                 /* begin's */
    const unsigned char *payload;
    size_t n_payload;
    long long n_tasks;
    unsigned char *results;      /* [n_tasks * farm->result_size] */
    omp_lock_t lock;
    long long next;              /* the next task to start (here or on a worker) */
    long long done;              /* tasks whose results are in place */
    int status;                  /* first failure, COOP_OK while none */
    coop_err err;
    coop_farm_remote *rm;        /* rank 0: the workers of this farm (NULL when none) */
} coop_farm_run;

/* Records the first failure of a farm.  Called with the lock held. */
void coop_farm_fail(coop_farm_run *fr, int status, const coop_err *err);

/* Runs tasks [a, b) of farm (state: its begin's) on coop_experiment_threads(threads)
 * threads into out[(b - a) * farm->result_size], zeroed first.  COOP_OK, or the first
 * failure. */
int coop_farm_block(const coop_farm *farm, void *state, long long a, long long b, int threads,
                    unsigned char *out, coop_err *err);

/* Rank 0, before the parallel region: sends the farm's payload to the workers still
 * taking part and sets fr->rm (NULL when there are none).  COOP_OK, or an error
 * with fr->err filled. */
int coop_dist_farm_start(coop_farm_run *fr);

/* Rank 0, thread 0 of the parallel region when fr->rm is set: hands blocks of
 * tasks to the workers and places their results until every task is done (or
 * the farm failed), then releases fr->rm. */
void coop_dist_farm_loop(coop_farm_run *fr);

/* ---- direct writes, the file side (sim/experiment/dist_files.c) ---- */

/* A worker holds at most COOP_UNWRITTEN_MAX blocks whose rows wait for their
 * offsets, of COOP_UNWRITTEN_ITEMS items in all (as many as rank 0's reorder
 * buffer holds per worker: a smaller bound would make the workers wait for the
 * commit of slower items before theirs), and makes what it wrote durable every
 * COOP_SYNC_SECONDS at most (fdatasync blocks the rank's main thread: more often
 * slowed the workers) and at the end of the plan.  A block has at most
 * COOP_BLOCK_MAX items.  Rank 0 offers
 * the files in COOP_DIRECT_WORDS words (count, head, len_at, mode), then the
 * token file's path, its text and the files' paths, each ending in NUL. */
enum { COOP_UNWRITTEN_MAX = 64, COOP_UNWRITTEN_ITEMS = 3 * COOP_BLOCK_MAX,
       COOP_DIRECT_WORDS = 4 };
#define COOP_SYNC_SECONDS 0.5

/* A block whose rows wait for rank 0 to say where they go: its prepared items
 * [a, a + n), whole, in buf. */
typedef struct coop_wblock {
    long long a, n;
    coop_bytes buf;
} coop_wblock;

/* A worker's direct writes in one plan. */
typedef struct coop_direct {
    int on, dropped;             /* rows written here; rank 0 wants no more of them */
    coop_sink_files fs;          /* the files, with this rank's descriptors */
    char *path;                  /* fs's paths, one allocation */
    coop_wblock held[COOP_UNWRITTEN_MAX]; /* [0, n_held) wait, oldest first; the rest are
                                           * buffers for the next */
    int n_held;
    long long held_items;        /* their items */
    long long unsynced;          /* blocks written since the last sync */
    struct timespec synced_at;
} coop_direct;

/* COOPSIM_MPI_WRITE (docs/CLUSTER.md): 0 auto (each worker writes its own rows
 * where it sees the files, else sends them), 1 root (rank 0 writes every row),
 * 2 ranks (as auto, but a worker that cannot see the files is an error); -1 for
 * another value. */
int coop_direct_mode(void);

/* COOPSIM_MPI_BLOCK, in rank 0's environment: the items of every block handed to
 * a worker (1 to COOP_BLOCK_MAX; a tuning and benchmarking knob, which changes no
 * result), 0 where unset (BLOCK_PER_THREAD per worker thread), -1 for another
 * value. */
int coop_dist_block_size(void);

/* COOPSIM_MPI_PUT, in rank 0's environment: the size in bytes of a slot of rank
 * 0's window, into which workers put their blocks' descriptors of COOP_PUT_MIN
 * bytes or more (docs/CLUSTER.md, "Blocks put into rank 0's memory"; a smaller one
 * costs rank 0 less as a message): COOP_PUT_SLOT where unset or "auto", 0 for
 * "off" (every descriptor sent as a message), a number from COOP_PUT_SLOT_MIN to
 * COOP_PUT_SLOT_MAX as given (a benchmarking and testing knob, which changes no
 * result), -1 for another value. */
enum { COOP_PUT_SLOT = 128 * 1024, COOP_PUT_SLOT_MIN = 4096, COOP_PUT_SLOT_MAX = 1 << 24,
       COOP_PUT_MIN = 4096 };
long long coop_dist_put_slot(void);

/* Rank 0: the token file, beside fs's first file, with a text (into text[size])
 * no other run has; its path (malloc'ed), NULL when it cannot be made. */
char *coop_direct_token(const coop_sink_files *fs, char *text, size_t size);

/* Worker: rank 0's offer (msg, count bytes; see above) taken up when this rank
 * reads the token back and opens every file (d->on); else COOP_OK with d->on
 * unset, or an error under COOPSIM_MPI_WRITE=ranks. */
int coop_direct_open(coop_direct *d, const unsigned char *msg, int count, coop_err *err);

/* Worker: rank 0's answer w[0, n_words): the oldest held block [w[0], w[0] +
 * w[1]) written, its first item's rows at w[2 + k] of file k and the others
 * after them; or (w[0] < 0) every held block dropped, and later ones too. */
int coop_direct_write(coop_direct *d, const long long *w, int n_words, coop_err *err);

/* Worker: whether the written rows are due to be synced; syncs them (fdatasync)
 * and returns how many blocks that made durable, or -1 with err filled. */
int coop_direct_sync_due(const coop_direct *d);
long long coop_direct_sync(coop_direct *d, coop_err *err);

/* Worker: files closed, buffers freed. */
void coop_direct_close(coop_direct *d);

/* Rank 0: a worker's block of descriptors whose commit has begun, until the
 * worker says its rows are durable; the queue of them, in item order. */
typedef struct coop_placed {
    long long a, n, at0[COOP_SINK_FILES];
    int src, complete, answered, acked;
} coop_placed;
typedef struct coop_placed_queue {
    coop_placed *q;
    long long n, cap;
} coop_placed_queue;

/* Rank 0 (coop_dist_placed): items [i, i + n) of block b committed at at[k]
 * (len[k] bytes in all) of each of fs's files: queued at its first item, checked
 * to follow the ones before, and marked complete (with its first item's offsets)
 * at its last. */
int coop_placed_commit(coop_placed_queue *pq, const coop_sink_files *fs, long long i,
                       long long n, coop_block *b, const long long *at, const size_t *len,
                       coop_err *err);

/* Rank 0: worker src made the rows of its k oldest answered blocks durable; the
 * blocks durable from the front leave the queue. */
void coop_placed_synced(coop_placed_queue *pq, int src, long long k);

/* Rank 0, with e's lock held: the points, from point 0, whose rows are durable:
 * all before the first item of the oldest block in pq (not yet synced by its
 * worker), or before the first item not yet committed. */
int coop_placed_durable(const coop_placed_queue *pq, const coop_engine *e);

#endif
