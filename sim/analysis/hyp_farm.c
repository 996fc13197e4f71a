/* hyp_farm.c: the statistics of a hypothesis test's points as a task farm
 * (coop_experiment_farm, coop_experiment.h; docs/HYPOTHESIS.md, "Performance").
 *
 * The collector (hypothesis.c) queues each complete point here: its settings and
 * states as a hyp_pt, then its outcome scalars and per-state values, appended to
 * one payload.  A sweep's statistics (hyp_outcomes.c) queue a "read" payload
 * instead: the results directory and the settings all points share, each task
 * reading its point's values from outcomes.csv (a point read once per process,
 * its other tasks waiting for that copy: pt_slot).  A batch of queued points is
 * then computed as tasks: per point, one task per comparison (its pooled rows,
 * per-state rows, placebo difference-in-differences and Kaplan-Meier summaries:
 * hyp_cmp_compute) or, when threads outnumber the tasks, `parts` tasks per
 * comparison (hyp_cmp_part: part 0 all but the other parts' bootstrap intervals,
 * merged where the point is assembled), and, with hypothesis.channels, one per
 * outcome of the channel decomposition (coop_channels_outcome).  Each task's rows
 * draw their bootstrap resamples from one generator seeded with the point's
 * bootstrap seed, and a row's interval depends only on its data, that seed and
 * its number of pairs (coop_paired_boot_shared), so splitting a point's rows over
 * tasks gives the same bits as computing them together.  The tasks run on this
 * process's threads and, under MPI, on the worker ranks (coop_hyp_farm is their
 * work's farm; a result travels packed, without the room it does not use); the
 * caller only assembles each point's results in point order, from fixed-size
 * results, and writes them (the collector's callback).  Without threads (the
 * collector never given any) the same tasks run in a loop on the calling
 * thread. */
#include "coop_hypothesis.h"

#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coop_csv.h"
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
        hyp_boot boot;
    } u;
    long long len[3];
    int unread;           /* a read round's task could not read its point */
    int kind;             /* RES_CMP (u.cmp), RES_BOOT (u.boot) or RES_CHAN (u.est) */
    int n_states;         /* the states of u.cmp.st in use */
    double cpu_s;         /* the task's CPU time (COOPSIM_MPI_STATS) */
    char text[TEXT_MAX];
} hyp_res;

enum { RES_CMP, RES_BOOT, RES_CHAN };

/* The most parts a comparison is split into (hyp_pt.parts). */
enum { PARTS_MAX = 64 };

/* The payload's first words: points and the source of their values.  Values: the
 * points one after another (hyp_pt, values, per-state values).  Read: a hyp_src
 * and one hyp_pt for all points, whose tasks read their values from the file. */
enum { HEAD_WORDS = 2, SRC_VALUES = 0, SRC_READ = 1 };

typedef struct hyp_src {
    char dir[COOP_CSV_PATH_MAX - 16]; /* the results directory of outcomes.csv */
    long long seed;                   /* the experiment's: each point's bootstrap seed */
    long long point0;                 /* the first point */
} hyp_src;

/* The size of a point's values and per-state values, in doubles. */
static size_t values_len(const hyp_pt *p)
{
    return (size_t)p->n_worlds * COOP_N_OUTCOMES * (size_t)p->replicates;
}

static size_t states_len(const hyp_pt *p)
{
    return (size_t)p->n_cmp * (size_t)p->n_states * COOP_N_OUTCOMES * (size_t)p->replicates;
}

static int parts_of(const hyp_pt *p)
{
    return p->parts > 1 ? p->parts : 1;
}

/* A point's tasks: its comparisons' parts, comparison by comparison, then the
 * outcomes of its channel decomposition. */
static long long point_tasks(const hyp_pt *p)
{
    return (long long)(p->n_cmp - 1) * parts_of(p) + (p->chan_k ? COOP_N_OUTCOMES : 0);
}

/* A point's values read from the file by one of a read round's tasks, kept for
 * the point's other tasks on this process (they mostly come together). */
typedef struct pt_slot {
    long long point;      /* -1: none */
    int state;            /* SLOT_LOADING, SLOT_READY, SLOT_FAILED */
    int users;            /* tasks using the values now */
    unsigned long long used;  /* when last taken (the least recently used goes first) */
    double *values, *sv;
} pt_slot;

enum { SLOT_LOADING, SLOT_READY, SLOT_FAILED };

/* A payload read: the points and where their tasks start; for a read round, its
 * source, the points' shared settings and the points read so far. */
typedef struct hyp_round {
    int n;
    const hyp_pt **pt;
    const double **values, **sv;
    long long *first;     /* [n + 1]: point i's tasks are first[i] .. first[i + 1] - 1 */
    const hyp_src *src;   /* NULL: the values are in the payload */
    const hyp_pt *tmpl;
    long long per;        /* a read round's tasks per point */
    pthread_mutex_t mu;   /* guards the slots */
    pthread_cond_t cv;    /* a slot's loading ended */
    pt_slot *slot;
    int n_slots;
    unsigned long long tick;
} hyp_round;

static void round_end(void *state)
{
    hyp_round *r = state;
    if (!r)
        return;
    if (r->src) {
        for (int i = 0; i < r->n_slots; i++)
            free(r->slot[i].values), free(r->slot[i].sv);
        free(r->slot);
        pthread_mutex_destroy(&r->mu);
        pthread_cond_destroy(&r->cv);
    }
    free(r->pt), free(r->values), free(r->sv), free(r->first);
    free(r);
}

/* Point i of the round: a read round's from its shared settings, into *tmp. */
static const hyp_pt *round_pt(const hyp_round *r, int i, hyp_pt *tmp)
{
    if (!r->src)
        return r->pt[i];
    *tmp = *r->tmpl;
    tmp->point = r->src->point0 + i;
    tmp->boot_seed = coop_hypothesis_boot_seed((uint32_t)r->src->seed, (int)tmp->point);
    return tmp;
}

static long long round_first(const hyp_round *r, int i)
{
    return r->src ? (long long)i * r->per : r->first[i];
}

/* Point p's values for a task of a read round: read by the first task that needs
 * them, waited for by the others.  The slot to give back (slot_put), or -1 when
 * they cannot be read. */
static int slot_get(hyp_round *r, const hyp_pt *p, const double **values, const double **sv)
{
    pthread_mutex_lock(&r->mu);
    for (;;) {
        int at = -1, spare = -1;
        for (int i = 0; i < r->n_slots; i++) {
            const pt_slot *s = &r->slot[i];
            if (s->point == p->point)
                at = i;
            else if (s->users == 0 && s->state != SLOT_LOADING &&
                     (spare < 0 || s->used < r->slot[spare].used))
                spare = i;
        }
        if (at >= 0 && r->slot[at].state == SLOT_LOADING) {
            pthread_cond_wait(&r->cv, &r->mu);
            continue;
        }
        if (at >= 0) {
            pt_slot *s = &r->slot[at];
            int ok = s->state == SLOT_READY;
            s->users += ok;
            s->used = ++r->tick;
            *values = s->values, *sv = s->sv;
            pthread_mutex_unlock(&r->mu);
            return ok ? at : -1;
        }
        if (spare < 0) {
            pt_slot *grown = realloc(r->slot, (size_t)(r->n_slots + 1) * sizeof *grown);
            if (!grown) {
                pthread_mutex_unlock(&r->mu);
                return -1;
            }
            r->slot = grown;
            spare = r->n_slots++;
            r->slot[spare] = (pt_slot){.point = -1};
        }
        pt_slot *s = &r->slot[spare];
        *s = (pt_slot){p->point, SLOT_LOADING, 1, ++r->tick, s->values, s->sv};
        double *v = s->values, *w = s->sv;
        pthread_mutex_unlock(&r->mu);
        if (!v)
            v = malloc(values_len(p) * sizeof *v);
        if (!w)
            w = malloc((states_len(p) + 1) * sizeof *w);
        int ok = v && w && hyp_outcomes_read(r->src->dir, p, v, w, NULL, NULL) == COOP_OK;
        pthread_mutex_lock(&r->mu);
        s = &r->slot[spare];
        s->values = v, s->sv = w;
        s->state = ok ? SLOT_READY : SLOT_FAILED;
        s->users -= !ok;
        *values = v, *sv = w;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
        return ok ? spare : -1;
    }
}

static void slot_put(hyp_round *r, int slot)
{
    pthread_mutex_lock(&r->mu);
    r->slot[slot].users--;
    pthread_mutex_unlock(&r->mu);
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
             p->h.n_placebo <= COOP_MAX_PLACEBO && p->h.bootstrap >= 0 && p->parts >= 0 &&
             p->parts <= PARTS_MAX;
    for (int s = 0; ok && p->chan_k && s < (1 << p->chan_k); s++)
        ok = p->world_of[s] >= 0 && p->world_of[s] < p->n_worlds;
    return ok;
}

/* A read round: its source and the points' shared settings, checked. */
static void *read_begin(const unsigned char *payload, size_t n, long long points, coop_err *err)
{
    size_t at = HEAD_WORDS * sizeof(long long);
    const hyp_src *src = (const hyp_src *)(const void *)(payload + at);
    const hyp_pt *p = (const hyp_pt *)(const void *)(src + 1);
    if (n != at + sizeof *src + sizeof *p || !pt_ok(p) || points < 1 || points > INT_MAX ||
        !memchr(src->dir, '\0', sizeof src->dir)) {
        COOP_FAIL(err, COOP_EIO, "hypothesis: a damaged statistics payload (%zu bytes)", n);
        return NULL;
    }
    hyp_round *r = calloc(1, sizeof *r);
    int mu = r && pthread_mutex_init(&r->mu, NULL) == 0;
    if (!mu || pthread_cond_init(&r->cv, NULL) != 0) {
        if (mu)
            pthread_mutex_destroy(&r->mu);
        free(r);
        COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
        return NULL;
    }
    r->n = (int)points;
    r->src = src;
    r->tmpl = p;
    r->per = point_tasks(p);
    return r;
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
    if (head[1] == SRC_READ)
        return read_begin(payload, n, head[0], err);
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

/* A task of point p formats its rows into out->text (out->len): comparison c's,
 * or (c < 0) those of channel outcome o. */
static void format_rows(const hyp_pt *p, int c, int o, hyp_res *out)
{
    for (int i = 0; i < 3; i++)
        out->len[i] = -1;
    coop_chan_point *cp = c < 0 ? malloc(sizeof *cp) : NULL;
    FILE *f = c >= 0 || cp ? fmemopen(out->text, sizeof out->text, "w") : NULL;
    if (!f) {
        free(cp);
        return;
    }
    coop_csv w = {f, 0, 0};
    long long len[3] = {0, 0, 0}, at = 0;
    int pt = (int)p->point, pieces = cp ? 1 : 3;
    const hyp_cmp *x = &out->u.cmp;
    const char *name = cp ? "" : p->world[c + 1];
    for (int i = 0; i < pieces && !w.bad; i++) {
        if (cp) {
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
    hyp_round *r = state;
    int i = 0, hi = r->n - 1; /* the point of the task: first[i] <= task < first[i + 1] */
    if (r->src)
        i = (int)(task / r->per);
    while (!r->src && i < hi) {
        int mid = (i + hi + 1) / 2;
        if (r->first[mid] <= task)
            i = mid;
        else
            hi = mid - 1;
    }
    double t0 = hyp_cpu_s();
    hyp_pt tmp;
    const hyp_pt *p = round_pt(r, i, &tmp);
    int k = (int)(task - round_first(r, i)), slot = -1;
    hyp_res *out = (hyp_res *)(void *)result;
    const double *values = r->src ? NULL : r->values[i], *sv = r->src ? NULL : r->sv[i];
    if (r->src && (slot = slot_get(r, p, &values, &sv)) < 0) {
        out->unread = 1; /* rank 0 reads the points itself */
        return COOP_OK;
    }
    int st, parts = parts_of(p), n_parts = (p->n_cmp - 1) * parts;
    int c = k < n_parts ? k / parts : -1, part = k < n_parts ? k % parts : 0;
    out->kind = c < 0 ? RES_CHAN : part > 0 ? RES_BOOT : RES_CMP;
    out->n_states = p->n_states;
    if (out->kind == RES_CMP) {
        st = hyp_cmp_part(p, values, p->n_states ? sv : NULL, c, 0, &out->u.cmp, NULL, err);
    } else if (out->kind == RES_BOOT) {
        hyp_cmp *scratch = malloc(sizeof *scratch);
        st = scratch ? hyp_cmp_part(p, values, p->n_states ? sv : NULL, c, part, scratch,
                                    &out->u.boot, err)
                     : COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
        free(scratch);
    } else {
        st = coop_channels_outcome(&p->h, values, (size_t)p->replicates, p->chan_k,
                                   p->world_of, k - n_parts, (unsigned long)p->boot_seed,
                                   out->u.est, err);
    }
    if (slot >= 0)
        slot_put(r, slot);
    /* a split comparison's rows wait for all its parts: formatted where they meet */
    if (!st && (out->kind == RES_CHAN || parts == 1))
        format_rows(p, c, k - n_parts, out);
    else
        out->len[0] = out->len[1] = out->len[2] = -1;
    out->cpu_s = hyp_cpu_s() - t0;
    return st;
}

/* A result's parts as a worker rank sends it (coop_farm.pack): its words, the
 * comparison's numbers without the states it does not have (or the channel
 * estimates) and the rows' text; about 20 kB of a comparison's 57, 4 of an
 * outcome's channels. */
typedef struct res_part {
    size_t at, n;
} res_part;

static int res_parts(const hyp_res *x, res_part part[4])
{
    size_t st = offsetof(hyp_res, u) + offsetof(hyp_cmp, st), row = sizeof x->u.cmp.st[0];
    long long text = 0;
    for (int i = 0; i < 3 && x->len[0] >= 0; i++)
        text += x->len[i] > 0 ? x->len[i] : 0;
    if (x->n_states < 0 || x->n_states > COOP_MAX_STATES || text > TEXT_MAX ||
        (x->kind != RES_CMP && x->kind != RES_CHAN && x->kind != RES_BOOT))
        return 0;
    part[0] = (res_part){offsetof(hyp_res, len), offsetof(hyp_res, text) - offsetof(hyp_res, len)};
    if (x->kind == RES_CHAN || x->kind == RES_BOOT) {
        part[1] = (res_part){offsetof(hyp_res, u),
                             x->kind == RES_CHAN ? sizeof x->u.est : sizeof x->u.boot};
        part[2] = (res_part){0, 0};
    } else {
        part[1] = (res_part){offsetof(hyp_res, u), offsetof(hyp_cmp, st) + (size_t)x->n_states * row};
        part[2] = (res_part){st + sizeof x->u.cmp.st,
                             sizeof x->u.cmp - offsetof(hyp_cmp, st) - sizeof x->u.cmp.st};
    }
    part[3] = (res_part){offsetof(hyp_res, text), (size_t)text};
    return 1;
}

static size_t res_pack(const unsigned char *result, unsigned char *out)
{
    const hyp_res *x = (const hyp_res *)(const void *)result;
    res_part part[4];
    if (!res_parts(x, part)) /* cannot happen: a task's result; sent whole */
        part[0] = (res_part){0, sizeof *x}, part[1] = part[2] = part[3] = (res_part){0, 0};
    size_t n = 0;
    for (int i = 0; i < 4; i++)
        memcpy(out + n, result + part[i].at, part[i].n), n += part[i].n;
    return n;
}

static int res_unpack(const unsigned char *in, size_t n, unsigned char *result)
{
    hyp_res *x = (hyp_res *)(void *)result;
    if (n == sizeof *x) {
        memcpy(result, in, n);
        return 1;
    }
    size_t head = offsetof(hyp_res, text) - offsetof(hyp_res, len);
    if (n < head)
        return 0;
    memcpy(result + offsetof(hyp_res, len), in, head); /* the rest as pack left it out:
                                                         * never read */
    res_part part[4];
    if (!res_parts(x, part))
        return 0;
    size_t at = head;
    for (int i = 1; i < 4; i++) {
        if (part[i].n > n - at)
            return 0;
        memcpy(result + part[i].at, in + at, part[i].n), at += part[i].n;
    }
    return at == n;
}

coop_farm coop_hyp_farm(void)
{
    return (coop_farm){NULL, round_begin, round_task, round_end, sizeof(hyp_res), res_pack,
                       res_unpack};
}

/* ---------------------------------------------------------------- the batch */

double hyp_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct hyp_meta {
    const coop_config *cfg;   /* the factual world's configuration */
};

/* Room for n points' meta. */
static int meta_room(hyp_batch *b, int n, coop_err *err)
{
    if (n <= b->cap)
        return COOP_OK;
    int cap = b->cap ? 2 * b->cap : 4;
    cap = cap > n ? cap : n;
    struct hyp_meta *m = realloc(b->meta, (size_t)cap * sizeof *m);
    if (!m)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for %d points", cap);
    b->meta = m, b->cap = cap;
    return COOP_OK;
}

int hyp_batch_add(hyp_batch *b, const hyp_pt *p, const double *values, const double *sv,
                  const coop_config *cfg, coop_err *err)
{
    double t0 = hyp_cpu_s();
    if (b->n == 0) {
        b->pay.n = 0;
        long long head[HEAD_WORDS] = {0, 0};
        coop_bytes_put(&b->pay, head, sizeof head);
    }
    int st = meta_room(b, b->n + 1, err);
    if (st)
        return st;
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
    b->serial_s += hyp_cpu_s() - t0;
    return COOP_OK;
}

int hyp_batch_read(hyp_batch *b, const char *dir, const hyp_pt *p, uint32_t seed,
                   long long point0, long long n, const coop_config *cfg, coop_err *err)
{
    double t0 = hyp_cpu_s();
    hyp_src src;
    memset(&src, 0, sizeof src);
    if (b->n || n < 1 || n > INT_MAX || strlen(dir) >= sizeof src.dir)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: cannot read %lld points from %s", n,
                         dir);
    snprintf(src.dir, sizeof src.dir, "%s", dir);
    src.seed = seed;
    src.point0 = point0;
    int st = meta_room(b, (int)n, err);
    if (st)
        return st;
    long long head[HEAD_WORDS] = {n, SRC_READ};
    b->pay.n = 0;
    coop_bytes_put(&b->pay, head, sizeof head);
    coop_bytes_put(&b->pay, &src, sizeof src);
    coop_bytes_put(&b->pay, p, sizeof *p);
    if (b->pay.bad)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    for (int i = 0; i < (int)n; i++)
        b->meta[i].cfg = cfg;
    b->n = (int)n;
    b->tasks = n * point_tasks(p);
    b->unread = 0;
    b->serial_s += hyp_cpu_s() - t0;
    return COOP_OK;
}

long long hyp_batch_read_points(const hyp_pt *p, size_t bytes)
{
    long long n = (long long)(bytes / (sizeof(hyp_res) * (size_t)point_tasks(p)));
    return n > 0 ? n : 1;
}

/* Point i of round r from the tasks' results: into res (and *chan when it has a
 * channel decomposition), with the rows its tasks formatted. */
static void assemble(const hyp_round *r, int i, const struct hyp_meta *m,
                     unsigned char *results, coop_hyp_point *res, coop_chan_point *chan)
{
    hyp_pt tmp;
    const hyp_pt *p = round_pt(r, i, &tmp);
    const char *names[COOP_HYP_MAX_WORLDS];
    for (int w = 0; w < p->n_cmp; w++)
        names[w] = p->world[w];
    hyp_point_head(res, &p->h, (int)p->point, p->replicates, (uint32_t)p->boot_seed, p->n_cmp,
                   names);
    hyp_pt st = *p;
    hyp_pt_states(&st, m->cfg, &res->states);
    hyp_res *x = (hyp_res *)(void *)(results + (size_t)round_first(r, i) * sizeof(hyp_res));
    int n_cmp = p->n_cmp - 1, parts = parts_of(p), text = 1;
    for (int c = 0; c < n_cmp; c++) {
        hyp_res *y = &x[c * parts];
        for (int g = 1; g < parts; g++) /* a split comparison's intervals in place */
            hyp_boot_merge(&y->u.cmp, &x[c * parts + g].u.boot);
        hyp_cmp_store(res, c, &y->u.cmp, 1, p->n_states > 0);
        text = text && y->len[0] >= 0 && y->len[1] >= 0 && y->len[2] >= 0;
    }
    for (int k = 0; text && k < 3 * n_cmp; k++) { /* by piece, then comparison */
        const hyp_res *y = &x[(k % n_cmp) * parts];
        int piece = k / n_cmp;
        res->text[k] = y->text + (piece > 0 ? y->len[0] : 0) + (piece > 1 ? y->len[1] : 0);
        res->text_len[k] = (size_t)y->len[piece];
    }
    res->n_text = text ? 3 * n_cmp : 0;
    if (!p->chan_k || !chan)
        return;
    coop_channels_point_init(&p->h, p->chan_k, (int)p->point, chan);
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        const hyp_res *y = &x[n_cmp * parts + o];
        memcpy(chan->est[o], y->u.est, sizeof chan->est[o]);
        chan->text[o] = y->len[0] >= 0 ? y->text : NULL;
        chan->text_len[o] = y->len[0] >= 0 ? (size_t)y->len[0] : 0;
    }
    res->channels = chan;
}

/* Every comparison of the batch's points as `parts` tasks: b->tasks again. */
static void batch_parts(hyp_batch *b, int parts)
{
    unsigned char *at = b->pay.p + HEAD_WORDS * sizeof(long long);
    long long head[HEAD_WORDS];
    memcpy(head, b->pay.p, sizeof head);
    b->tasks = 0;
    for (long long i = 0; i < head[0]; i++) {
        hyp_pt *p = (hyp_pt *)(void *)(head[1] == SRC_READ ? at + sizeof(hyp_src) : at);
        p->parts = parts;
        if (head[1] == SRC_READ) { /* one set of settings for all points */
            b->tasks = head[0] * point_tasks(p);
            return;
        }
        b->tasks += point_tasks(p);
        at += sizeof *p + (values_len(p) + states_len(p)) * sizeof(double);
    }
}

/* How many parts the batch's comparisons are split into: COOPSIM_HYP_PARTS, or
 * enough for about twice as many tasks as there are threads on every rank, at
 * most 8 (a part draws its bootstrap's indices again: the CPU time grows). */
int coop_hyp_parts_env(int *parts, coop_err *err)
{
    const char *e = getenv("COOPSIM_HYP_PARTS");
    *parts = 0;
    if (!e || !*e)
        return COOP_OK;
    char *end;
    long v = strtol(e, &end, 10);
    if (*end || v < 1 || v > PARTS_MAX)
        return COOP_FAIL(err, COOP_ECONFIG, "COOPSIM_HYP_PARTS=%s: the tasks per comparison "
                         "must be a whole number from 1 to %d", e, PARTS_MAX);
    *parts = (int)v;
    return COOP_OK;
}

static int choose_parts(hyp_batch *b, int threads, coop_err *err)
{
    int fixed, st = coop_hyp_parts_env(&fixed, err);
    if (st || fixed)
        return st ? -st : fixed;
    long long want = 2LL * (threads > 0 ? threads : 0) * coop_experiment_ranks();
    batch_parts(b, 2);
    long long two = b->tasks;
    batch_parts(b, 1);
    long long cmp = two - b->tasks, chan = b->tasks - cmp; /* one more part adds cmp */
    if (b->tasks >= want || cmp <= 0)
        return 1;
    long long parts = (want - chan + cmp - 1) / cmp;
    return parts < 1 ? 1 : parts > 8 ? 8 : (int)parts;
}

int hyp_batch_run(hyp_batch *b, int threads, coop_hyp_point *res, coop_chan_point *chan,
                  coop_hyp_point_fn fn, void *ctx, coop_err *err)
{
    if (b->n == 0)
        return COOP_OK;
    int parts = choose_parts(b, threads, err);
    if (parts < 0)
        return -parts;
    batch_parts(b, parts);
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
    for (long long k = 0; !st && r && k < b->tasks; k++) {
        const hyp_res *x = (const hyp_res *)(const void *)(results + (size_t)k * size);
        b->unread |= x->unread;
        b->task_cpu_s += x->cpu_s;
        b->task_max_s = x->cpu_s > b->task_max_s ? x->cpu_s : b->task_max_s;
    }
    double t0 = hyp_cpu_s();
    for (int i = 0; !st && !b->unread && i < b->n; i++) {
        assemble(r, i, &b->meta[i], results, res, chan);
        if (fn)
            st = fn(ctx, res, b->meta[i].cfg, err);
    }
    b->serial_s += hyp_cpu_s() - t0;
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
