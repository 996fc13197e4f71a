/* hyp_farm.c: the statistics of a hypothesis test's points as a task farm
 * (coop_experiment_farm, coop_experiment.h; docs/HYPOTHESIS.md, "Performance").
 *
 * The collector (hypothesis.c) queues each complete point here: its settings and
 * states as a hyp_pt, then its outcome scalars and per-state values, appended to
 * one payload.  A batch of queued points is then computed as tasks: per point,
 * one task per comparison (its pooled rows, per-state rows, placebo
 * difference-in-differences and Kaplan-Meier summaries: hyp_cmp_compute) and,
 * with hypothesis.channels, one per outcome of the channel decomposition
 * (coop_channels_outcome).  Each task's rows draw their bootstrap resamples from
 * one generator seeded with the point's bootstrap seed, and a row's interval
 * depends only on its data, that seed and its number of pairs
 * (coop_paired_boot_shared), so splitting a point's rows over tasks gives the same
 * bits as computing them together.  The tasks run on this process's threads and,
 * under MPI, on the worker ranks (coop_hyp_farm is their work's farm); the caller
 * only assembles each point's results in point order, from fixed-size results,
 * and writes them (the collector's callback).  Without threads (the collector
 * never given any) the same tasks run in a loop on the calling thread. */
#include "coop_hypothesis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hyp_internal.h"

/* Room for a task's rows: a comparison's rows of hypothesis.csv are about 200
 * bytes each, 7 + 7 + 7 per state of them (rank 0 formats a point whose rows do
 * not fit). */
enum { TEXT_MAX = 32 * 1024 };

/* A task's result: a comparison, or the channel decomposition of one outcome, and
 * its rows formatted: a comparison's in three pieces (its pooled, placebo
 * difference-in-differences and per-state rows, as hypothesis.csv orders them),
 * an outcome's channels.csv rows in one; len -1: not formatted. */
typedef struct hyp_res {
    union {
        hyp_cmp cmp;
        coop_chan_est est[COOP_CHAN_MAX_TERMS];
    } u;
    long long len[3];
    char text[TEXT_MAX];
} hyp_res;

/* The payload's first words: points, then the points one after another (hyp_pt,
 * values, per-state values). */
enum { HEAD_WORDS = 2 };

/* The size of a point's values and per-state values, in doubles. */
static size_t values_len(const hyp_pt *p)
{
    return (size_t)p->n_worlds * COOP_N_OUTCOMES * (size_t)p->replicates;
}

static size_t states_len(const hyp_pt *p)
{
    return (size_t)p->n_cmp * (size_t)p->n_states * COOP_N_OUTCOMES * (size_t)p->replicates;
}

static long long point_tasks(const hyp_pt *p)
{
    return (long long)(p->n_cmp - 1) + (p->chan_k ? COOP_N_OUTCOMES : 0);
}

/* A payload read: the points and where their tasks start. */
typedef struct hyp_round {
    int n;
    const hyp_pt **pt;
    const double **values, **sv;
    long long *first;     /* [n + 1]: point i's tasks are first[i] .. first[i + 1] - 1 */
} hyp_round;

static void round_end(void *state)
{
    hyp_round *r = state;
    if (r) {
        free(r->pt), free(r->values), free(r->sv), free(r->first);
        free(r);
    }
}

/* Whether p describes a point these tasks can compute (a worker's payload comes
 * from rank 0 over MPI: checked before it is used). */
static int pt_ok(const hyp_pt *p)
{
    int ok = p->replicates >= 1 && p->replicates <= COOP_MAX_REPLICATES && p->n_cmp >= 2 &&
             p->n_cmp <= p->n_worlds && p->n_worlds <= COOP_HYP_MAX_WORLDS &&
             p->n_states >= 0 && p->n_states <= COOP_MAX_STATES && p->chan_k >= 0 &&
             p->chan_k <= COOP_CHAN_MAX_FACTORS && p->h.primary >= 0 &&
             p->h.primary < COOP_N_OUTCOMES && p->h.n_placebo >= 0 &&
             p->h.n_placebo <= COOP_MAX_PLACEBO && p->h.bootstrap >= 0;
    for (int s = 0; ok && p->chan_k && s < (1 << p->chan_k); s++)
        ok = p->world_of[s] >= 0 && p->world_of[s] < p->n_worlds;
    return ok;
}

/* The payload's points, checked against its length. */
static void *round_begin(void *ctx, const unsigned char *payload, size_t n, coop_err *err)
{
    (void)ctx;
    long long head[HEAD_WORDS];
    if (n < sizeof head) {
        COOP_FAIL(err, COOP_EIO, "hypothesis: a statistics payload of %zu bytes", n);
        return NULL;
    }
    memcpy(head, payload, sizeof head);
    if (head[0] < 1 || (unsigned long long)head[0] > n / sizeof(hyp_pt)) {
        COOP_FAIL(err, COOP_EIO, "hypothesis: a statistics payload of %zu bytes for %lld "
                  "points", n, head[0]);
        return NULL;
    }
    hyp_round *r = calloc(1, sizeof *r);
    size_t np = (size_t)head[0];
    if (r) {
        r->pt = malloc(np * sizeof *r->pt);
        r->values = malloc(np * sizeof *r->values);
        r->sv = malloc(np * sizeof *r->sv);
        r->first = malloc((np + 1) * sizeof *r->first);
    }
    if (!r || !r->pt || !r->values || !r->sv || !r->first) {
        round_end(r);
        COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for %zu points", np);
        return NULL;
    }
    size_t at = sizeof head;
    r->first[0] = 0;
    for (long long i = 0; i < head[0]; i++) {
        const hyp_pt *p = (const hyp_pt *)(const void *)(payload + at);
        if (n - at < sizeof *p || !pt_ok(p) ||
            n - at - sizeof *p < (values_len(p) + states_len(p)) * sizeof(double)) {
            round_end(r);
            COOP_FAIL(err, COOP_EIO, "hypothesis: a damaged statistics payload (point %lld)", i);
            return NULL;
        }
        r->pt[i] = p;
        r->values[i] = (const double *)(const void *)(p + 1);
        r->sv[i] = r->values[i] + values_len(p);
        r->first[i + 1] = r->first[i] + point_tasks(p);
        at += sizeof *p + (values_len(p) + states_len(p)) * sizeof(double);
        r->n++;
    }
    return r;
}

/* Task k of point p formats its rows into out->text (out->len). */
static void format_rows(const hyp_pt *p, int k, hyp_res *out)
{
    for (int i = 0; i < 3; i++)
        out->len[i] = -1;
    coop_chan_point *cp = k >= p->n_cmp - 1 ? malloc(sizeof *cp) : NULL;
    FILE *f = k < p->n_cmp - 1 || cp ? fmemopen(out->text, sizeof out->text, "w") : NULL;
    if (!f) {
        free(cp);
        return;
    }
    coop_csv w = {f, 0, 0};
    long long len[3] = {0, 0, 0}, at = 0;
    int pt = (int)p->point, pieces = cp ? 1 : 3;
    const hyp_cmp *x = &out->u.cmp;
    const char *name = cp ? "" : p->world[k + 1];
    for (int i = 0; i < pieces && !w.bad; i++) {
        if (cp) {
            int o = k - (p->n_cmp - 1);
            coop_channels_point_init(&p->h, p->chan_k, pt, cp);
            memcpy(cp->est[o], out->u.est, sizeof cp->est[o]);
            coop_channels_csv_outcome(&w, cp, o);
        } else if (i == 0) {
            hyp_pooled_rows(&w, pt, name, x->r);
        } else if (i == 1) {
            hyp_did_rows(&w, pt, name, x->did_n, x->did);
        } else if (p->n_states) {
            hyp_state_rows(&w, pt, name, p->n_states, p->state,
                           (const coop_hyp_result (*)[COOP_N_OUTCOMES])x->st);
        }
        long end = fflush(f) == 0 && !ferror(f) ? ftell(f) : -1;
        if (end < 0 || end >= (long)sizeof out->text - 1)
            w.bad = 1;
        len[i] = end - at, at = end;
    }
    if (fclose(f) == 0 && !w.bad)
        memcpy(out->len, len, sizeof len);
    free(cp);
}

static int round_task(void *state, long long task, unsigned char *result, coop_err *err)
{
    const hyp_round *r = state;
    int i = 0, hi = r->n - 1; /* the point of the task: first[i] <= task < first[i + 1] */
    while (i < hi) {
        int mid = (i + hi + 1) / 2;
        if (r->first[mid] <= task)
            i = mid;
        else
            hi = mid - 1;
    }
    const hyp_pt *p = r->pt[i];
    int k = (int)(task - r->first[i]);
    hyp_res *out = (hyp_res *)(void *)result;
    int st;
    if (k < p->n_cmp - 1)
        st = hyp_cmp_compute(p, r->values[i], p->n_states ? r->sv[i] : NULL, k, &out->u.cmp,
                             err);
    else
        st = coop_channels_outcome(&p->h, r->values[i], (size_t)p->replicates, p->chan_k,
                                   p->world_of, k - (p->n_cmp - 1), (unsigned long)p->boot_seed,
                                   out->u.est, err);
    if (!st)
        format_rows(p, k, out);
    return st;
}

coop_farm coop_hyp_farm(void)
{
    return (coop_farm){NULL, round_begin, round_task, round_end, sizeof(hyp_res)};
}

/* ---------------------------------------------------------------- the batch */

/* The calling thread's CPU time (as COOPSIM_MPI_STATS counts rank 0's). */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct hyp_meta {
    const coop_config *cfg;   /* the factual world's configuration */
};

int hyp_batch_add(hyp_batch *b, const hyp_pt *p, const double *values, const double *sv,
                  const coop_config *cfg, coop_err *err)
{
    double t0 = cpu_s();
    if (b->n == 0) {
        b->pay.n = 0;
        long long head[HEAD_WORDS] = {0, 0};
        coop_bytes_put(&b->pay, head, sizeof head);
    }
    if (b->n == b->cap) {
        int cap = b->cap ? 2 * b->cap : 4;
        struct hyp_meta *m = realloc(b->meta, (size_t)cap * sizeof *m);
        if (!m)
            return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for %d points", cap);
        b->meta = m, b->cap = cap;
    }
    /* room for the point at once: no copy of a growing buffer, and the buffer is
     * kept from one batch to the next */
    coop_bytes_reserve(&b->pay, sizeof *p + (values_len(p) + states_len(p)) * sizeof(double));
    coop_bytes_put(&b->pay, p, sizeof *p);
    coop_bytes_put(&b->pay, values, values_len(p) * sizeof(double));
    if (states_len(p))
        coop_bytes_put(&b->pay, sv, states_len(p) * sizeof(double));
    if (b->pay.bad)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for the statistics of "
                         "%d points", b->n + 1);
    struct hyp_meta *m = &b->meta[b->n++];
    m->cfg = cfg;
    long long n_points = b->n;
    memcpy(b->pay.p, &n_points, sizeof n_points);
    b->tasks += point_tasks(p);
    b->serial_s += cpu_s() - t0;
    return COOP_OK;
}

/* Point i of round r from the tasks' results: into res (and *chan when it has a
 * channel decomposition), with the rows its tasks formatted. */
static void assemble(const hyp_round *r, int i, const struct hyp_meta *m,
                     const unsigned char *results, coop_hyp_point *res, coop_chan_point *chan)
{
    const hyp_pt *p = r->pt[i];
    const char *names[COOP_HYP_MAX_WORLDS];
    for (int w = 0; w < p->n_cmp; w++)
        names[w] = p->world[w];
    hyp_point_head(res, &p->h, (int)p->point, p->replicates, (uint32_t)p->boot_seed, p->n_cmp,
                   names);
    hyp_pt tmp = *p;
    hyp_pt_states(&tmp, m->cfg, &res->states);
    const hyp_res *x = (const hyp_res *)(const void *)(results +
                                                       (size_t)r->first[i] * sizeof(hyp_res));
    int n_cmp = p->n_cmp - 1, text = 1;
    for (int c = 0; c < n_cmp; c++) {
        hyp_cmp_store(res, c, &x[c].u.cmp, 1, p->n_states > 0);
        text = text && x[c].len[0] >= 0 && x[c].len[1] >= 0 && x[c].len[2] >= 0;
    }
    for (int k = 0; text && k < 3 * n_cmp; k++) { /* by piece, then comparison */
        const hyp_res *y = &x[k % n_cmp];
        int piece = k / n_cmp;
        res->text[k] = y->text + (piece > 0 ? y->len[0] : 0) + (piece > 1 ? y->len[1] : 0);
        res->text_len[k] = (size_t)y->len[piece];
    }
    res->n_text = text ? 3 * n_cmp : 0;
    if (!p->chan_k || !chan)
        return;
    coop_channels_point_init(&p->h, p->chan_k, (int)p->point, chan);
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        const hyp_res *y = &x[n_cmp + o];
        memcpy(chan->est[o], y->u.est, sizeof chan->est[o]);
        chan->text[o] = y->len[0] >= 0 ? y->text : NULL;
        chan->text_len[o] = y->len[0] >= 0 ? (size_t)y->len[0] : 0;
    }
    res->channels = chan;
}

int hyp_batch_run(hyp_batch *b, int threads, coop_hyp_point *res, coop_chan_point *chan,
                  coop_hyp_point_fn fn, void *ctx, coop_err *err)
{
    if (b->n == 0)
        return COOP_OK;
    coop_farm farm = coop_hyp_farm();
    size_t size = farm.result_size;
    if ((size_t)b->tasks > b->res_cap) { /* kept from one batch to the next */
        free(b->results);
        b->res_cap = (size_t)b->tasks;
        if (!(b->results = malloc(b->res_cap * size)))
            b->res_cap = 0;
    }
    unsigned char *results = b->results;
    hyp_round *r = results ? round_begin(NULL, b->pay.p, b->pay.n, err) : NULL;
    int st = !results ? COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for the "
                                  "statistics of %d points", b->n)
             : !r ? (err && err->code ? err->code : COOP_ENOMEM) : COOP_OK;
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    if (!st && threads > 0)
        st = coop_experiment_farm(&farm, b->pay.p, b->pay.n, b->tasks, threads, results, err);
    for (long long k = 0; !st && threads <= 0 && k < b->tasks; k++) {
        memset(results + (size_t)k * size, 0, size); /* as a farm's task finds it */
        st = round_task(r, k, results + (size_t)k * size, err);
    }
    clock_gettime(CLOCK_MONOTONIC, &w1);
    b->tasks_s += (double)(w1.tv_sec - w0.tv_sec) + 1e-9 * (double)(w1.tv_nsec - w0.tv_nsec);
    b->run_tasks += st ? 0 : b->tasks;
    double t0 = cpu_s();
    for (int i = 0; !st && i < b->n; i++) {
        assemble(r, i, &b->meta[i], results, res, chan);
        if (fn)
            st = fn(ctx, res, b->meta[i].cfg, err);
    }
    b->serial_s += cpu_s() - t0;
    round_end(r);
    b->n = 0;
    b->tasks = 0;
    return st;
}

size_t hyp_batch_bytes(const hyp_batch *b)
{
    return b->n ? b->pay.n + (size_t)b->tasks * sizeof(hyp_res) : 0;
}

void hyp_batch_free(hyp_batch *b)
{
    coop_bytes_free(&b->pay);
    free(b->meta);
    free(b->results);
    memset(b, 0, sizeof *b);
}
