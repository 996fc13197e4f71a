/* hyp_outcomes.c: a hypothesis sweep's statistics from its outcomes.csv
 * (coop_hypothesis_from_outcomes, coop_hypothesis_from_outcomes_farm;
 * docs/HYPOTHESIS.md, "Performance").
 *
 * outcomes.csv holds one row per outcome (pooled, then per state) of every
 * replicate of every world of every point, in that nesting and in point order.
 * The statistics compare the values as the file holds them, so both routes below
 * give the bits the collector gave during the sweep, and R gives on the file.
 *
 * - Serially (threads < 0, or as the fallback below): this process reads the rows
 *   one after another and feeds them to a collector (hypothesis.c), which queues
 *   each complete point for its statistics.
 * - As tasks (threads >= 0): the process that writes reads only the header, the
 *   first point (for its worlds' names) and the last line (for the number of
 *   points).  The statistics' tasks (hyp_farm.c, a "read" payload: the results
 *   directory and one point's settings for all points) each find their point's
 *   rows by bisection, since the file is sorted by point
 *   (coop_csv_reader_bisect), and read them themselves (hyp_outcomes_read), so
 *   the reading is spread over the threads and worker ranks with the statistics.
 *   A task that cannot read its point (a worker rank that does not see the
 *   file, a file out of order or damaged) says so in its result; the points from
 *   that batch on are then read serially, which names the line at fault. */
#include "coop_hypothesis.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "coop_csv.h"
#include "hyp_internal.h"

/* The reader's failure on outcomes.csv in this module's words: a read error, a
 * file that is not an outcomes file (line 1) or a malformed row (line > 1). */
static int outcomes_fail(const coop_csv_reader *c, int status, coop_err *err)
{
    static const char header[] = "point,world,replicate,outcome,value,state";
    if (status == COOP_ENOMEM || status == COOP_EINVAL)
        return status;
    if (c->sys_errno)
        return COOP_FAIL(err, COOP_EIO, "%s: cannot read: %s", c->path, strerror(c->sys_errno));
    if (c->line <= 1)
        return COOP_FAIL(err, COOP_EIO, "%s:1: not an outcomes file (header \"%s\" expected)",
                         c->path, header);
    return COOP_FAIL(err, COOP_EIO, "%s:%ld: not an outcomes row", c->path, c->line);
}

/* Opens dir/outcomes.csv and checks its header: the columns of coop_output, or
 * those of files written before the state column (every row pooled). */
static int outcomes_open(coop_csv_reader *c, const char *dir, coop_err *err)
{
    static const char *const cols[6] = {"point", "world", "replicate", "outcome", "value",
                                        "state"};
    static const char *const old[5] = {"point", "world", "replicate", "outcome", "value"};
    int status = coop_csv_reader_open(c, dir, "outcomes.csv", err);
    if (status)
        return outcomes_fail(c, status, err);
    int ok = c->nhead == 6, ok_old = c->nhead == 5;
    for (size_t i = 0; ok && i < 6; i++)
        ok = strcmp(c->head[i], cols[i]) == 0;
    for (size_t i = 0; ok_old && i < 5; i++)
        ok_old = strcmp(c->head[i], old[i]) == 0;
    return ok || ok_old ? COOP_OK : outcomes_fail(c, COOP_ECONFIG, err);
}

/* A whole number >= 0 from a field, or -1. */
static int outcomes_index(const char *s)
{
    char *e;
    long v = strtol(s, &e, 10);
    return e == s || *e || v < 0 || v > INT_MAX ? -1 : (int)v;
}

/* A line's point (its first field), the key the file is sorted by; -1 when it
 * has none. */
static long long outcomes_key(const char *line)
{
    char *e;
    long long v = strtoll(line, &e, 10);
    return e == line || *e != ',' ? -1 : v;
}

/* A value as the collector keeps it (hyp_as_written), from its field: a field
 * of at most ten significant digits is read as it is (rounding it again would
 * give the same bits), a longer one is rounded as written. */
static double outcomes_value(const char *s, double v)
{
    int digits = 0;
    for (; *s && *s != 'e' && *s != 'E'; s++)
        digits += *s >= '0' && *s <= '9';
    return digits > 10 ? hyp_as_written(v) : v;
}

/* One row of outcomes.csv. */
typedef struct orow {
    int p, r, o;
    int x;      /* -1: the pooled value ("all"); else the state's index in `state` */
    double v;
} orow;

/* The current row of outcomes.csv into *q (its world name into world); the
 * n_states names state[] name the per-state rows.  0 when it is not an outcomes
 * row. */
static int outcomes_row(const coop_csv_reader *c, const char (*state)[COOP_NAME_MAX],
                        int n_states, char *world, size_t size, orow *q)
{
    int wide = c->nhead == 6;
    if (c->n != c->nhead)
        return 0;
    q->p = outcomes_index(c->fld[0]);
    q->r = outcomes_index(c->fld[2]);
    snprintf(world, size, "%s", c->fld[1]);
    q->o = q->x = -1;
    for (int k = 0; k < COOP_N_OUTCOMES; k++)
        if (strcmp(c->fld[3], coop_outcome_names[k]) == 0)
            q->o = k;
    int known = !wide || strcmp(c->fld[5], "all") == 0;
    for (int x = 0; wide && !known && x < n_states; x++)
        if (strcmp(c->fld[5], state[x]) == 0)
            q->x = x, known = 1;
    const char *val = c->fld[4];
    q->v = NAN;
    if (strcmp(val, "NA") != 0) {
        char *e;
        q->v = strtod(val, &e);
        if (e == val || *e)
            return 0;
        q->v = outcomes_value(val, q->v);
    }
    return q->p >= 0 && q->r >= 0 && q->o >= 0 && known;
}

/* Reads on from where point `point` starts (the file is sorted by point): its
 * first row's byte into *at.  COOP_EIO. */
static int outcomes_seek(coop_csv_reader *c, long long point, long long *at, coop_err *err)
{
    struct stat fs;
    if (stat(c->path, &fs) != 0)
        return COOP_FAIL(err, COOP_EIO, "%s: cannot read its size", c->path);
    return coop_csv_reader_bisect(c, coop_csv_reader_tell(c), (long long)fs.st_size, point,
                                  outcomes_key, at, err);
}

/* ---------------------------------------------------------------- one point, by a task */

int hyp_outcomes_read(const char *dir, const hyp_pt *p, double *values, double *sv,
                      char (*names)[COOP_HYP_WORLD_NAME], coop_err *err)
{
    size_t R = (size_t)p->replicates, S = (size_t)p->n_states;
    for (size_t k = 0; k < (size_t)p->n_worlds * COOP_N_OUTCOMES * R; k++)
        values[k] = NAN;
    for (size_t k = 0; k < (size_t)p->n_cmp * S * COOP_N_OUTCOMES * R; k++)
        sv[k] = NAN;
    coop_csv_reader c;
    long long at = -1;
    int st = outcomes_open(&c, dir, err);
    if (!st)
        st = outcomes_seek(&c, p->point, &at, err);
    char name[COOP_HYP_WORLD_NAME] = "", field[COOP_HYP_WORLD_NAME];
    int world = -1, rep = -1, have = 0, got = 0, bad = 0, all = (1 << COOP_N_OUTCOMES) - 1;
    long received = 0;
    while (!st && !bad) {
        orow q;
        if ((st = coop_csv_reader_record(&c, &got, err)) || !got)
            break;
        if (!outcomes_row(&c, p->state, p->n_states, field, sizeof field, &q) ||
            q.p < p->point) {
            bad = 1;
            break;
        }
        if (q.p > p->point)
            break;
        int new_world = world < 0 || strcmp(field, name) != 0;
        if (new_world || q.r != rep) { /* a new replicate */
            bad = world >= 0 && have != all;
            if (new_world && ++world < p->n_worlds) {
                snprintf(name, sizeof name, "%s", field);
                if (names)
                    snprintf(names[world], sizeof names[world], "%s", field);
                else
                    bad = bad || (world < p->n_cmp && strcmp(field, p->world[world]) != 0);
            }
            bad = bad || world >= p->n_worlds || q.r >= p->replicates;
            rep = q.r, have = 0, received++;
            if (bad)
                break;
        }
        size_t r = (size_t)rep;
        if (q.x < 0)
            values[((size_t)world * COOP_N_OUTCOMES + (size_t)q.o) * R + r] = q.v,
            have |= 1 << q.o;
        else if (world < p->n_cmp && q.x < p->n_states)
            sv[(((size_t)world * S + (size_t)q.x) * COOP_N_OUTCOMES + (size_t)q.o) * R + r] = q.v;
    }
    if (!st && (bad || have != all || world != p->n_worlds - 1 ||
                received != (long)p->n_worlds * p->replicates))
        st = COOP_FAIL(err, COOP_EIO, "%s: point %lld (from byte %lld) is not %d worlds x %d "
                       "replicates of every outcome as this test makes them", c.path, p->point,
                       at, p->n_worlds, p->replicates);
    coop_csv_reader_close(&c);
    return st;
}

/* ---------------------------------------------------------------- serially */

/* The replicate being read: its pooled and per-state values. */
typedef struct orep {
    double v[COOP_N_OUTCOMES];
    double sv[COOP_MAX_STATES][COOP_N_OUTCOMES];
    int have;   /* bit o: the pooled value of outcome o was read */
} orep;

static void orep_start(orep *e)
{
    for (int k = 0; k < COOP_N_OUTCOMES; k++)
        e->v[k] = NAN;
    for (int x = 0; x < COOP_MAX_STATES; x++)
        for (int k = 0; k < COOP_N_OUTCOMES; k++)
            e->sv[x][k] = NAN;
    e->have = 0;
}

static void orep_put(orep *e, const orow *q)
{
    if (q->x < 0)
        e->v[q->o] = q->v, e->have |= 1 << q->o;
    else
        e->sv[q->x][q->o] = q->v;
}

/* The points from `from` on, read by this process into a collector whose
 * statistics run on `threads` threads (< 0: on this one). */
static int serial(const char *dir, const coop_config *cfg, int n_worlds, int threads,
                  long long from, coop_hyp_point_fn fn, void *ctx, coop_hyp_cost *cost,
                  coop_err *err)
{
    double t0 = hyp_cpu_s();
    coop_hyp_collector *col = coop_hyp_collector_alloc(n_worlds, cfg->replicates,
                                                       (uint32_t)cfg->seed, NULL, fn, ctx, err);
    if (!col)
        return err && err->code ? err->code : COOP_ENOMEM;
    if (threads >= 0)
        coop_hyp_collector_farm(col, threads, COOP_HYP_BATCH);
    hyp_pt sp; /* the states' names */
    hyp_pt_states(&sp, cfg, NULL);
    coop_csv_reader c;
    long long at = -1;
    int st = outcomes_open(&c, dir, err);
    if (!st && from > 0)
        st = outcomes_seek(&c, from, &at, err);
    const char *path = c.path;
    char name[COOP_HYP_WORLD_NAME] = "", field[COOP_HYP_WORLD_NAME];
    int point = -1, world = -1, rep = -1, got = 0;
    orep e;
    orep_start(&e);
    while (!st) {
        if ((st = coop_csv_reader_record(&c, &got, err))) {
            st = outcomes_fail(&c, st, err);
            break;
        }
        long lineno = c.line;
        orow q = {-1, -1, -1, -1, NAN};
        if (got) {
            if (!outcomes_row(&c, sp.state, sp.n_states, field, sizeof field, &q)) {
                st = COOP_FAIL(err, COOP_EIO, "%s:%ld: not an outcomes row", path, lineno);
                break;
            }
            if (q.p == point && strcmp(field, name) == 0 && q.r == rep) {
                orep_put(&e, &q);
                continue;
            }
        }
        /* A new replicate (or the end of the file): hand over the one before. */
        if (point >= 0) {
            if (e.have != (1 << COOP_N_OUTCOMES) - 1) {
                st = COOP_FAIL(err, COOP_EIO, "%s:%ld: point %d world %s replicate %d lacks "
                               "outcomes", path, lineno, point, name, rep);
                break;
            }
            if ((st = coop_hyp_collector_add(col, point, world, name, rep, cfg, e.v, err)) ||
                (st = coop_hyp_collector_add_states(col, world, rep, sp.n_states,
                                                    (const double (*)[COOP_N_OUTCOMES])e.sv)))
                break;
            int end_world = !got || q.p != point || strcmp(field, name) != 0;
            if (end_world && (st = coop_hyp_collector_done(col, point, world, err)))
                break;
            if ((!got || q.p != point) && world != n_worlds - 1) {
                st = COOP_FAIL(err, COOP_EIO, "%s:%ld: point %d has %d of %d worlds", path,
                               lineno, point, world + 1, n_worlds);
                break;
            }
        }
        if (!got)
            break;
        world = q.p != point ? 0 : strcmp(field, name) != 0 ? world + 1 : world;
        point = q.p;
        rep = q.r;
        snprintf(name, sizeof name, "%s", field);
        orep_start(&e);
        orep_put(&e, &q);
    }
    if (!st && point < 0)
        st = COOP_FAIL(err, COOP_EIO, "%s: no outcomes", path);
    if (!st)
        st = coop_hyp_collector_flush(col, err);
    if (cost) {
        coop_hyp_cost c1;
        coop_hyp_collector_cost(col, &c1);
        cost->serial_s += hyp_cpu_s() - t0 - c1.tasks_s; /* tasks: on this thread too */
        cost->tasks_s += c1.tasks_s;
        cost->task_cpu_s += c1.task_cpu_s;
        cost->task_max_s = c1.task_max_s > cost->task_max_s ? c1.task_max_s : cost->task_max_s;
        cost->tasks += c1.tasks;
        cost->serial_from = from;
    }
    coop_csv_reader_close(&c);
    coop_hyp_collector_free(col);
    return st;
}

int coop_hypothesis_from_outcomes(const char *dir, const coop_config *cfg, int n_worlds,
                                  coop_hyp_point_fn fn, void *ctx, coop_err *err)
{
    return serial(dir, cfg, n_worlds, -1, 0, fn, ctx, NULL, err);
}

/* ---------------------------------------------------------------- as tasks */

/* The point of the file's last line into *last; 0 when it cannot be told (the
 * serial route then reads the file). */
static int last_point(const char *dir, long long *last)
{
    char path[COOP_CSV_PATH_MAX], buf[4096];
    snprintf(path, sizeof path, "%s/outcomes.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int ok = fseeko(f, 0, SEEK_END) == 0;
    long long size = ok ? (long long)ftello(f) : -1;
    long long from = size > (long long)sizeof buf - 1 ? size - (long long)sizeof buf + 1 : 0;
    size_t n = ok && size > 0 && fseeko(f, (off_t)from, SEEK_SET) == 0
                   ? fread(buf, 1, (size_t)(size - from), f) : 0;
    fclose(f);
    while (n > 0 && buf[n - 1] == '\n')
        n--;
    buf[n] = '\0';
    char *line = strrchr(buf, '\n');
    *last = line ? outcomes_key(line + 1) : -1;
    return *last >= 0;
}

/* The settings every point shares (hyp_pt: the worlds' names from point 0), as
 * the collector makes them for cfg's points; 0 when the tasks cannot read this
 * file (the serial route then says why). */
static int template_point(const char *dir, const coop_config *cfg, int n_worlds, hyp_pt *p)
{
    const coop_hypothesis_cfg *h = &cfg->hyp;
    memset(p, 0, sizeof *p);
    p->h = *h;
    p->replicates = cfg->replicates;
    p->n_worlds = n_worlds;
    p->n_cmp = n_worlds;
    hyp_pt_states(p, cfg, NULL);
    if (h->channels) { /* as the collector's queue_point */
        if (n_worlds != coop_hyp_n_worlds(h))
            return 0;
        int k = coop_channels_n_factors();
        unsigned all = (1u << k) - 1u;
        p->n_cmp = 2 + h->n_placebo;
        p->chan_k = k;
        for (unsigned s = 0; s <= all; s++)
            p->world_of[s] = s == 0 ? COOP_HYP_COUNTERFACTUAL
                             : s == all ? COOP_HYP_FACTUAL
                                        : 2 + h->n_placebo + (int)s - 1;
    }
    size_t R = (size_t)p->replicates, S = (size_t)p->n_states;
    double *v = malloc((size_t)n_worlds * COOP_N_OUTCOMES * R * sizeof *v);
    double *s = malloc(((size_t)p->n_cmp * S * COOP_N_OUTCOMES * R + 1) * sizeof *s);
    char(*names)[COOP_HYP_WORLD_NAME] = calloc(COOP_HYP_MAX_WORLDS, sizeof *names);
    int ok = v && s && names && hyp_outcomes_read(dir, p, v, s, names, NULL) == COOP_OK;
    for (int w = 0; ok && w < p->n_cmp; w++)
        snprintf(p->world[w], sizeof p->world[w], "%s", names[w]);
    free(v), free(s), free(names);
    return ok;
}

int coop_hypothesis_from_outcomes_farm(const char *dir, const coop_config *cfg, int n_worlds,
                                       int threads, coop_hyp_point_fn fn, void *ctx,
                                       coop_hyp_cost *cost, coop_err *err)
{
    if (cost)
        *cost = (coop_hyp_cost){0.0, 0.0, 0.0, 0.0, 0, -1};
    if (threads < 0)
        return serial(dir, cfg, n_worlds, -1, 0, fn, ctx, cost, err);
    double t0 = hyp_cpu_s();
    hyp_pt *tmpl = malloc(sizeof *tmpl);
    long long last;
    if (!tmpl || n_worlds < 2 || n_worlds > COOP_HYP_MAX_WORLDS || cfg->replicates < 1 ||
        !last_point(dir, &last) || !template_point(dir, cfg, n_worlds, tmpl)) {
        free(tmpl);
        return serial(dir, cfg, n_worlds, threads, 0, fn, ctx, cost, err);
    }
    double setup_s = hyp_cpu_s() - t0; /* the first point and the last line */
    threads = coop_experiment_threads(threads);
    coop_hyp_point *res = calloc(1, sizeof *res);
    coop_chan_point *chan = tmpl->chan_k ? malloc(sizeof *chan) : NULL;
    hyp_batch b;
    memset(&b, 0, sizeof b);
    long long per = hyp_batch_read_points(tmpl, COOP_HYP_BATCH);
    int st = !res || (tmpl->chan_k && !chan)
                 ? COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory") : COOP_OK;
    long long p0 = 0;
    for (; !st && p0 <= last; p0 += per) {
        long long n = last + 1 - p0 < per ? last + 1 - p0 : per;
        if (!(st = hyp_batch_read(&b, dir, tmpl, (uint32_t)cfg->seed, p0, n, cfg, err)))
            st = hyp_batch_run(&b, threads, res, chan, fn, ctx, err);
        if (!st && b.unread)
            break;
    }
    int unread = b.unread;
    if (cost) {
        cost->serial_s += setup_s + b.serial_s;
        cost->tasks_s += b.tasks_s;
        cost->task_cpu_s += b.task_cpu_s;
        cost->task_max_s = b.task_max_s;
        cost->tasks += b.run_tasks;
    }
    hyp_batch_free(&b);
    free(res), free(chan), free(tmpl);
    return !st && unread ? serial(dir, cfg, n_worlds, threads, p0, fn, ctx, cost, err) : st;
}
