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
 * A sink that splits (coop_sink: prepare and commit) has each record prepared
 * by the thread that computed it, right away (coop_engine_prepare: the outcome
 * scalars and the sink's bytes, in the slot's buffer; the record is released),
 * and the deliverer calls only commit: formatting leaves the serial delivery.
 * Under MPI with direct writes (coop_sink_files, e->place) commit only reserves
 * each item's ranges of the sink's files: the deliverer writes the rows of the
 * items this rank holds whole (pwrite) and a worker's block (its descriptor) is
 * accounted for the process layer, which tells the worker where to write it.
 *
 * Nothing in the parallel region exits or jumps: a failure is recorded (the first
 * one wins), no new items start, and the caller sees the status after the region.
 * The seeds, and so the records, do not depend on which thread ran an item, and
 * the sink receives them in the same order: its output is the same for any
 * thread count.
 *
 * Processes (coop_dist.h): the engine knows nothing of MPI.  Before the parallel
 * region it asks the process layer to start the plan on the worker ranks
 * (coop_dist_start); when there are some, the region has one more thread, thread
 * 0, which serves them (coop_dist_loop, sim/experiment/dist_mpi.c): it hands a worker a
 * block [a, b) of the next items (the shared counter jumps by b - a) and puts each
 * record, or prepared item, received into its slot of the reorder buffer as if a
 * local thread had computed it.  In build/coopsim (sim/experiment/dist_serial.c) there
 * are never any. */
#include "coop_experiment.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>
#include <unistd.h>

#include "coop_dist.h"
#include "coop_fmt.h"
#include "coop_rng.h"

typedef coop_engine engine;
typedef coop_slot slot;

void coop_engine_decode(const coop_plan *plan, long long i, int *p, int *w, int *r)
{
    *r = (int)(i % plan->replicates);
    long long pw = i / plan->replicates;
    *w = (int)(pw % plan->n_worlds);
    *p = (int)(pw / plan->n_worlds);
}

void coop_engine_fail(engine *e, int status, const coop_err *err)
{
    if (!e->status) {
        e->status = status;
        e->err = *err;
    }
}

/* Snapshots go to the record of replicate 0 of world 0 when the plan keeps them. */
coop_record *coop_engine_record(const coop_plan *plan, long long i, const coop_config *cfg)
{
    int p, w, r;
    coop_engine_decode(plan, i, &p, &w, &r);
    coop_record *rec = coop_record_alloc(cfg, plan->keep_series);
    if (rec && plan->keep_snapshots && w == 0 && r == 0 &&
        coop_record_add_snapshots(rec, cfg) != COOP_OK) {
        coop_record_free(rec);
        rec = NULL;
    }
    return rec;
}

int coop_engine_run_one(const coop_plan *plan, long long i, int model_threads,
                        coop_model **model, const coop_config **model_cfg, coop_record **out,
                        coop_err *err)
{
    int p, w, r;
    coop_engine_decode(plan, i, &p, &w, &r);
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
    coop_record *rec = coop_engine_record(plan, i, cfg);
    if (!rec)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory allocating a record of %d steps",
                         cfg->n_steps);
    coop_model_run(*model, coop_rng_key(plan->seed, (uint32_t)(plan->point0 + p), (uint32_t)r),
                   rec);
    *out = rec;
    return COOP_OK;
}

int coop_bytes_reserve(coop_bytes *b, size_t more)
{
    if (b->bad)
        return -1;
    if (b->cap - b->n >= more)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->n < more)
        cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p) {
        b->bad = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void coop_bytes_put(coop_bytes *b, const void *s, size_t n)
{
    if (n && coop_bytes_reserve(b, n) == 0) {
        memcpy(b->p + b->n, s, n);
        b->n += n;
    }
}

void coop_bytes_free(coop_bytes *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

coop_item coop_engine_item(const coop_plan *plan, long long i)
{
    int p, w, r;
    coop_engine_decode(plan, i, &p, &w, &r);
    coop_item item = {
        .point = plan->point0 + p,
        .world = w,
        .world_name = plan->world_name[w],
        .replicate = r,
        .seed = coop_rng_key(plan->seed, (uint32_t)(plan->point0 + p), (uint32_t)r),
        .cfg = plan->cfg[(size_t)p * plan->n_worlds + w],
    };
    return item;
}

/* x as the results files write it ("%.10g"), read back; infinities and NaN as they are. */
static double as_written(double x)
{
    if (!isfinite(x))
        return x;
    char buf[COOP_FMT_G10_MAX];
    buf[coop_fmt_g10(buf, x)] = '\0';
    return strtod(buf, NULL);
}

enum { PREP_HEAD = 4 }; /* words before the doubles: index, n_states, n_bytes, size */

int coop_engine_prepare(const coop_plan *plan, coop_prepare_fn prepare, int round, long long i,
                        const coop_record *rec, coop_bytes *out, coop_err *err)
{
    int ns = rec->n_states < 0 ? 0 : rec->n_states > COOP_MAX_STATES ? COOP_MAX_STATES
                                                                       : rec->n_states;
    size_t at = out->n, nd = COOP_N_OUTCOMES * (size_t)(1 + ns);
    size_t head = PREP_HEAD * sizeof(long long) + nd * sizeof(double);
    if (coop_bytes_reserve(out, head))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory preparing item %lld", i);
    double *d = (double *)(void *)(out->p + at + PREP_HEAD * sizeof(long long));
    memcpy(d, rec->outcome, sizeof rec->outcome);
    for (int x = 0; x < ns; x++)
        memcpy(d + COOP_N_OUTCOMES * (size_t)(1 + x), rec->state_outcome[x],
               sizeof rec->state_outcome[x]);
    if (round)
        for (size_t k = 0; k < nd; k++)
            d[k] = as_written(d[k]);
    out->n += head;
    coop_item item = coop_engine_item(plan, i);
    int status = prepare(&item, rec, out, err);
    if (!status && out->bad)
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory preparing item %lld", i);
    if (status) {
        out->n = at;
        return status;
    }
    size_t n_bytes = out->n - at - head, pad = (8 - n_bytes % 8) % 8;
    static const unsigned char zero[8];
    coop_bytes_put(out, zero, pad);
    if (out->bad) {
        out->n = at;
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory preparing item %lld", i);
    }
    long long w[PREP_HEAD] = {i, ns, (long long)n_bytes, (long long)(out->n - at)};
    memcpy(out->p + at, w, sizeof w);
    return COOP_OK;
}

void coop_engine_lens(const coop_sink_files *files, const unsigned char *head, size_t *len)
{
    for (int k = 0; k < files->n; k++) {
        uint32_t n;
        memcpy(&n, head + files->len_at + 4 * (size_t)k, sizeof n);
        len[k] = n;
    }
}

size_t coop_engine_prepared_whole(const unsigned char *p, size_t room, long long *i)
{
    long long w[PREP_HEAD];
    if (room < sizeof w)
        return 0;
    memcpy(w, p, sizeof w);
    *i = w[0];
    size_t head = sizeof w + sizeof(double) * COOP_N_OUTCOMES * (size_t)(1 + w[1]);
    int whole = w[1] >= 0 && w[1] <= COOP_MAX_STATES && w[2] >= 0 && w[3] % 8 == 0 &&
                w[3] > 0 && (size_t)w[3] <= room && head + (size_t)w[2] <= (size_t)w[3];
    return whole ? (size_t)w[3] : 0;
}

size_t coop_engine_prepared_size(const unsigned char *p, long long *index)
{
    long long w[PREP_HEAD];
    memcpy(w, p, sizeof w);
    *index = w[0];
    return (size_t)w[3];
}

coop_prepared coop_engine_prepared_view(const unsigned char *p)
{
    long long w[PREP_HEAD];
    memcpy(w, p, sizeof w);
    const double *d = (const double *)(const void *)(p + sizeof w);
    coop_prepared v = {
        .outcome = d,
        .n_states = (int)w[1],
        .state_outcome = (const double (*)[COOP_N_OUTCOMES])(d + COOP_N_OUTCOMES),
        .bytes = (const unsigned char *)(d + COOP_N_OUTCOMES * (size_t)(1 + w[1])),
        .n_bytes = (size_t)w[2],
    };
    return v;
}

/* Runs item i into its slot: the record, or with a splitting sink the prepared
 * item in the slot's own buffer (the record is released at once). */
static int run_item(engine *e, long long i, coop_model **model, const coop_config **model_cfg,
                    coop_err *err)
{
    slot *s = &e->slots[i % e->n_slots];
    coop_record *rec = NULL;
    int status = coop_engine_run_one(e->plan, i, e->model_threads, model, model_cfg, &rec, err);
    if (status || !e->split) {
        s->rec = rec;
        return status;
    }
    s->own.n = 0;
    status = coop_engine_prepare(e->plan, e->sink->prepare, e->sink->round_scalars, i, rec,
                                 &s->own, err);
    coop_record_free(rec);
    s->prep = status ? NULL : s->own.p;
    s->block = NULL;
    return status;
}

/* Releases what slot s holds once delivered (or abandoned).  A local prepared
 * item's buffer goes too: under MPI there are thousands of slots, each of which
 * local items visit in turn, and a buffer kept per slot would add up. */
static void slot_clear(slot *s)
{
    if (s->rec) /* a worker's item (a block's) has neither */
        coop_record_free(s->rec);
    s->rec = NULL;
    if (s->own.p || s->own.bad)
        coop_bytes_free(&s->own);
    if (s->block && --s->block->left == 0) {
        if (!s->block->borrowed)
            free(s->block->buf);
        free(s->block);
    }
    s->block = NULL;
    s->prep = NULL;
    s->ready = 0;
}

/* Direct writes: the rows gathered for this rank's items (e->wb) written at
 * their offsets, one pwrite per file.  Before a point's end (its checkpoint
 * syncs what this rank wrote), at a gap and at the end of the plan. */
static int flush_rows(engine *e, coop_err *err)
{
    const coop_sink_files *fs = e->sink->files;
    if (!e->wb_items)
        return COOP_OK;
    double t0 = coop_dist_clock();
    int status = COOP_OK;
    for (int k = 0; k < fs->n && !status; k++)
        for (size_t done = 0; done < e->wb[k].n;) {
            ssize_t w = pwrite(fs->fd[k], e->wb[k].p + done, e->wb[k].n - done,
                               (off_t)(e->wb_at[k] + (long long)done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                status = COOP_FAIL(err, COOP_EIO, "%s: write failed: %s", fs->path[k],
                                   strerror(w < 0 ? errno : EIO));
                break;
            }
            done += (size_t)w;
        }
    for (int k = 0; k < fs->n; k++)
        e->wb[k].n = 0;
    coop_dist_wrote(t0, e->wb_items);
    e->wb_items = 0;
    return status;
}

/* Direct writes: the rows of a prepared item this rank holds whole (full: its
 * view), len[k] bytes for at[k] of each file, gathered for flush_rows. */
static int write_rows(engine *e, const coop_prepared *full, const long long *at,
                      const size_t *len, coop_err *err)
{
    const coop_sink_files *fs = e->sink->files;
    const unsigned char *p = full->bytes + fs->head;
    size_t total = 0;
    int gap = 0;
    for (int k = 0; k < fs->n; k++) {
        total += len[k];
        gap |= e->wb_at[k] + (long long)e->wb[k].n != at[k];
    }
    if (full->n_bytes < fs->head || full->n_bytes - fs->head != total)
        return COOP_FAIL(err, COOP_EIO, "a prepared item of %zu bytes does not hold the %zu "
                         "bytes of rows its head announces", full->n_bytes, total);
    if (e->wb_items && (gap || e->wb[0].n > (1u << 20)) && flush_rows(e, err))
        return err->code;
    for (int k = 0; k < fs->n; k++) {
        if (!e->wb_items)
            e->wb_at[k] = at[k];
        coop_bytes_put(&e->wb[k], p, len[k]);
        if (e->wb[k].bad)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory for %zu bytes of rows", len[k]);
        p += len[k];
    }
    e->wb_items++;
    return COOP_OK;
}

/* After the last replicate of item's (point, world): this rank's gathered rows
 * written (direct writes) and the sink's point_done. */
static int world_done(engine *e, const coop_item *item, coop_err *err)
{
    const coop_sink *sink = e->sink;
    int status = e->place ? flush_rows(e, err) : COOP_OK;
    if (!status && sink->point_done) {
        double t0 = coop_dist_clock();
        status = sink->point_done(sink->ctx, item->point, item->world, item->world_name,
                                  item->cfg, err);
        coop_dist_point_done(t0);
    }
    return status;
}

/* Hands item i to the sink (and closes its (point, world) after its last
 * replicate).  Under direct writes the rows of a worker's descriptor go at
 * at[k], len[k] bytes (for coop_dist_placed); the others are written here. */
static int deliver_one(engine *e, long long i, const slot *s, long long *at, size_t *len,
                       coop_err *err)
{
    const coop_plan *plan = e->plan;
    const coop_sink *sink = e->sink;
    int status = COOP_OK;
    coop_item item = coop_engine_item(plan, i);
    if (e->split) {
        coop_prepared view = coop_engine_prepared_view(s->prep), full = view;
        if (e->place) {
            view.at = at;
            if (view.n_bytes > sink->files->head)
                view.n_bytes = sink->files->head;
            if (view.n_bytes == sink->files->head)
                coop_engine_lens(sink->files, view.bytes, len);
        }
        status = sink->commit(sink->ctx, &item, &view, err);
        if (!status && e->place && !(s->block && s->block->direct))
            status = write_rows(e, &full, at, len, err);
    } else if (sink->replicate) {
        status = sink->replicate(sink->ctx, &item, s->rec, err);
    }
    if (!status && item.replicate == plan->replicates - 1)
        status = world_done(e, &item, err);
    return status;
}

int coop_sink_commit_run(const coop_sink *sink, const coop_item *first, const coop_run *run,
                         long long *at, coop_err *err)
{
    if (sink->commit_run)
        return sink->commit_run(sink->ctx, first, run, at, err);
    const coop_sink_files *fs = sink->files;
    long long next[COOP_SINK_FILES];
    for (int j = 0; j < run->n; j++) {
        long long here[COOP_SINK_FILES];
        unsigned char head[COOP_DESC_HEAD_MAX];
        double scalars[COOP_N_OUTCOMES * (1 + COOP_MAX_STATES)];
        coop_prepared v;
        coop_item it = *first;
        it.replicate += j;
        it.seed = j ? 0 : it.seed; /* see coop_sink.commit_run */
        if (coop_run_view(fs, run, j, head, scalars, &v))
            return COOP_FAIL(err, COOP_EINVAL, "a sink head of %zu bytes: at most %d",
                             fs->head, (int)COOP_DESC_HEAD_MAX);
        v.at = here;
        int status = sink->commit(sink->ctx, &it, &v, err);
        if (status)
            return status;
        for (int k = 0; k < fs->n; k++) {
            if (!j)
                at[k] = here[k];
            else if (here[k] != next[k])
                return COOP_FAIL(err, COOP_EIO, "the rows of point %d world %s replicate %d "
                                 "do not follow those before them in %s", it.point,
                                 it.world_name, it.replicate, fs->path[k]);
            next[k] = here[k] + (long long)run->len[k][j];
        }
    }
    return COOP_OK;
}

/* Direct writes, part of deliver_run: the items from i on of one (point, world)
 * in a worker's descriptor d, at most `left` (*m of them), committed with one
 * call into the sink (coop_sink_commit_run: at[k] the first item's offset in
 * file k, their bytes added to len[k]), then the (point, world) closed if they
 * reach its last replicate. */
static int deliver_world(engine *e, const coop_desc *d, long long i, int left, int *m,
                         long long *at, size_t *len, coop_err *err)
{
    const coop_sink_files *fs = e->sink->files;
    long long to_end = e->plan->replicates - i % e->plan->replicates;
    int n = *m = (int)(left < to_end ? left : to_end);
    coop_item first = coop_engine_item(e->plan, i);
    coop_run run = coop_desc_run(d, fs->n, i - d->a, n);
    for (int k = 0; k < fs->n; k++)
        len[k] += (size_t)run.total[k];
    int status = coop_sink_commit_run(e->sink, &first, &run, at, err);
    if (!status && first.replicate + n == e->plan->replicates) {
        coop_item last = first;
        last.replicate += n - 1;
        last.seed = coop_rng_key(e->plan->seed, (uint32_t)last.point, (uint32_t)last.replicate);
        status = world_done(e, &last, err);
    }
    return status;
}

/* Direct writes: the items [i, i + n) of a worker's block (its descriptor)
 * committed as one unit (deliver_world for each (point, world) they cover): at
 * and len for the whole run.  Called without the lock: no one else touches the
 * slots of ready items until the deliverer, holding the lock again, clears
 * them. */
static int deliver_run(engine *e, long long i, int n, long long *at, size_t *len,
                       coop_err *err)
{
    const coop_sink_files *fs = e->sink->files;
    const coop_desc *d = &e->slots[i % e->n_slots].block->desc;
    for (int k = 0; k < fs->n; k++)
        len[k] = 0;
    for (int j = 0, m = 0; j < n; j += m) {
        long long here[COOP_SINK_FILES], before[COOP_SINK_FILES];
        for (int k = 0; k < fs->n; k++)
            before[k] = (long long)len[k];
        int status = deliver_world(e, d, i + j, n - j, &m, j ? here : at, len, err);
        for (int k = 0; !status && j && k < fs->n; k++)
            if (here[k] != at[k] + before[k])
                status = COOP_FAIL(err, COOP_EIO, "the rows of item %lld do not follow those "
                                   "before them in %s", i + j, fs->path[k]);
        if (status)
            return status;
    }
    return COOP_OK;
}

/* With the lock held: how many items from next_deliver, all ready, form one run
 * for deliver_run (the rest of a worker's block, a descriptor), or 0 when the
 * next item is delivered alone. */
static int run_length(const engine *e)
{
    long long i = e->next_deliver;
    const coop_block *b = e->slots[i % e->n_slots].block;
    if (!e->place || !b || !b->direct || b->a + b->committed != i)
        return 0;
    long long n = b->n - b->committed, k = i % e->n_slots;
    n = n < COOP_BLOCK_MAX ? n : COOP_BLOCK_MAX;
    for (long long j = 1; j < n; j++) {
        k = k + 1 < e->n_slots ? k + 1 : 0;
        const slot *s = &e->slots[k];
        if (!s->ready || s->block != b)
            return (int)j;
    }
    return (int)n;
}

void coop_engine_deliver(engine *e, coop_err *err)
{
    long long n = 0;
    /* Clock readings (they cost): one per call, one more per worker's run; tr is
     * the latest when the step before was a run (or none), so it starts the next. */
    double t0 = 0.0, tr = 0.0;
    int have_tr = 0;
    while (!e->status && !e->delivering && e->next_deliver < e->n_items &&
           e->slots[e->next_deliver % e->n_slots].ready) {
        long long i = e->next_deliver;
        slot *s = &e->slots[i % e->n_slots];
        int run = run_length(e), k = run ? run : 1;
        e->delivering = 1;
        omp_unset_lock(&e->lock);

        if (!n)
            t0 = tr = coop_dist_clock(), have_tr = 1;
        else if (run && !have_tr)
            tr = coop_dist_clock();
        double aside = run ? coop_dist_aside() : 0.0;
        n += k;
        long long at[COOP_SINK_FILES];
        size_t len[COOP_SINK_FILES];
        int status = run ? deliver_run(e, i, run, at, len, err)
                         : deliver_one(e, i, s, at, len, err);

        omp_set_lock(&e->lock);
        if (!status && e->place && s->block && s->block->direct)
            status = coop_dist_placed(e, i, k, s->block, at, len, err);
        for (long long j = 0, x = i % e->n_slots; j < k; j++, x = x + 1 < e->n_slots ? x + 1 : 0)
            slot_clear(&e->slots[x]);
        e->delivering = 0;
        if (status)
            coop_engine_fail(e, status, err);
        else
            e->next_deliver += k;
        have_tr = run != 0;
        if (run)
            tr = coop_dist_ran(tr, aside, k);
    }
    if (n)
        coop_dist_delivered(t0, n);
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
            coop_engine_fail(e, status, &err);
        else
            e->slots[i % e->n_slots].ready = 1;
        coop_engine_deliver(e, &err);
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

/* One plan (a chunk of a lazy one) on this rank's threads and on the worker ranks
 * the process layer has (coop_dist.h). */
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
    e.split = sink->prepare && sink->commit;
    e.n_slots = e.local_window = 2 * nt;
    int team = (int)nt;
    if ((status = coop_dist_start(&e))) {
        if (err)
            *err = e.err;
        return status;
    }
    if (e.rm)
        team++; /* thread 0 talks to the workers */
    e.slots = calloc((size_t)e.n_slots, sizeof *e.slots);
    if (!e.slots)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory allocating %lld result slots", e.n_slots);
    omp_init_lock(&e.lock);

#pragma omp parallel num_threads(team)
    {
        if (e.rm && omp_get_thread_num() == 0)
            coop_dist_loop(&e);
        else
            worker(&e);
    }

    if (e.place) { /* what was committed is written, even after a failure */
        coop_err ferr = {0};
        if (flush_rows(&e, &ferr) && !e.status)
            coop_engine_fail(&e, ferr.code, &ferr);
        for (int k = 0; k < COOP_SINK_FILES; k++)
            coop_bytes_free(&e.wb[k]);
    }
    coop_dist_end(&e);
    omp_destroy_lock(&e.lock);
    for (long long k = 0; k < e.n_slots; k++)
        slot_clear(&e.slots[k]);
    free(e.slots);
    if (e.status && err)
        *err = e.err;
    return e.status;
}

int coop_experiment_run_plan(const coop_plan *plan, int threads, const coop_sink *sink,
                             coop_err *err)
{
    return run_chunk(plan, threads, sink, err);
}

/* The configuration of `coopsim run` on a worker rank: a copy of ctx. */
static int copy_cfg(void *ctx, int point, int world, coop_config *cfg, coop_err *err)
{
    (void)point;
    (void)world;
    return coop_config_copy(cfg, ctx, err);
}

coop_work coop_experiment_run_work(const coop_config *cfg)
{
    static const char *const factual[] = {"factual"};
    coop_work work = {
        .plan = {
            .n_points = 1,
            .point0 = 0,
            .n_worlds = 1,
            .world_name = factual,
            .replicates = cfg->replicates,
            .seed = (uint32_t)cfg->seed,
            .keep_series = cfg->series != COOP_SERIES_NONE,
            .keep_snapshots = cfg->n_snapshots > 0,
        },
        .make = copy_cfg,
        .ctx = (void *)cfg,
    };
    return work;
}

int coop_experiment_run(const coop_config *cfg, int threads, const coop_sink *sink,
                        coop_err *err)
{
    if (!cfg)
        return COOP_FAIL(err, COOP_EINVAL, "experiment: no configuration");
    const coop_config *cfgs[] = {cfg};
    coop_work work = coop_experiment_run_work(cfg);
    work.plan.cfg = cfgs;
    return coop_experiment_run_plan(&work.plan, threads, sink, err);
}

/* Points per chunk of a lazy plan: enough items that the threads rarely wait for
 * one another at the end of a chunk, few enough that the chunk's configurations
 * stay small (at most 256 points).  In one process a thread waits for at most one
 * item there: about 256 items per thread make that rare.  Under MPI each worker
 * still holds up to two blocks (32 items per thread) when the last item is handed
 * out, which every other thread waits for: 4,096 items per thread keep that wait
 * under 1 % of the chunk. */
static int chunk_points(const coop_plan *plan, int threads)
{
    long long per_point = (long long)plan->n_worlds * plan->replicates;
    int ranks = coop_experiment_ranks();
    long long want = (ranks > 1 ? 4096LL : 256LL) * coop_experiment_threads(threads) * ranks;
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
    return status;
}
