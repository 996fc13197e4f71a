/* hypothesis.c: the paired counterfactual test (see coop_hypothesis.h and
 * docs/HYPOTHESIS.md).
 *
 * A hypothesis experiment is an ordinary experiment (coop_experiment.h) whose
 * worlds are the factual configuration, its counterfactual and its placebos.  The
 * worlds differ only in who holds the motivator role: the counterfactual sets the
 * motivator's four strengths to 0, a placebo moves the role (target and
 * strengths) to another actor.  Scheduled events that change the role follow it:
 * in the counterfactual they are dropped (they would switch the role back on), in
 * a placebo world they apply to the placebo actor.  Replicate r of every world
 * runs with the same seed (common random numbers), so the paired difference of an
 * outcome isolates the role.  With hypothesis.channels the cells of the factorial
 * design over the role's channels follow (coop_channels.h): they are not compared
 * with the factual world but decomposed (channels.csv, the report's last section).
 *
 * The collector sink stores the COOP_N_OUTCOMES outcome scalars of every
 * replicate of every world of the current point and, when the experiment reports
 * the point's last world done, compares world 0 with each other world
 * (coop_paired_compare and coop_paired_sesoi, checked against R and scipy in
 * tests/test_paired.c; the verdicts by coop_hyp_decide, sim/analysis/hyp_verdict.c).  Every comparison is oriented so that the
 * thesis predicts a positive difference.  A complete point is queued as the
 * payload of tasks (sim/analysis/hyp_farm.c: a comparison, or an outcome of the
 * channel decomposition, each computed by hyp_cmp_compute or
 * coop_channels_outcome and formatted where it runs), computed at once on the
 * calling thread or, with coop_hyp_collector_farm, as a task farm on the threads
 * and worker ranks once the experiment is over (a sink cannot start a farm) or
 * 64 MiB of points are queued; nothing else is kept from one point to the next.
 *
 * A sweep's hypothesis.csv is computed once the sweep is complete, by feeding the
 * collector from the sweep's outcomes.csv (coop_hypothesis_from_outcomes).  The
 * collector compares the outcome values as outcomes.csv writes them (ten
 * significant digits), so both routes (the collector as a sink, and the file) give
 * the same numbers, and so does R on outcomes.csv.  Also here: the hypothesis.csv
 * writer and the terminal tables (one point's, and a sweep's line per point).  The
 * command that runs the worlds into a results directory is sim/cli/cmd_hypothesis.c.
 */
#include "coop_hypothesis.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coop_csv.h"
#include "coop_fmt.h"
#include "coop_rng.h"
#include "coop_sweep.h"
#include "hyp_internal.h"

_Static_assert(COOP_HYP_OUTCOMES == COOP_N_OUTCOMES,
               "hypothesis.sesoi has one key per outcome scalar (config_schema.c)");

const char coop_hypothesis_csv_header[] =
    "point,outcome,comparison,mean_a,mean_b,diff,ci_lo,ci_hi,p_t,p_wilcoxon,d_z,verdict,"
    "t_lo,t_hi,p_adj,n,sesoi,p_tost,p_min_effect,n_needed,state";

int coop_hypothesis_orientation(int outcome)
{
    return outcome == COOP_O_RMST_ENHANCED ? -1 : 1;
}

/* ---------------------------------------------------------------- worlds */

static int is_actor(const coop_config *cfg, int a)
{
    return a >= 0 && (size_t)a < cfg->n_actors;
}

static int is_role_field(coop_field f)
{
    return coop_motivator_channel(f) >= 0;
}

/* The role's strengths set to 0 (COOP_MOTIVATOR_CHANNELS); its target is kept. */
static void zero_strengths(coop_motivator_cfg *m)
{
    for (int c = 0; c < COOP_N_MOT; c++)
        if (coop_motivator_strength(c))
            coop_motivator_set(m, c, 0.0);
}

/* Events that change actor `from`'s role: dropped (to < 0) or moved to actor to. */
static void move_role_events(coop_config *cfg, int from, int to)
{
    size_t k = 0;
    for (size_t i = 0; i < cfg->n_events; i++) {
        coop_event_cfg *ev = &cfg->events[i];
        if (is_role_field(ev->ref.field) && ev->ref.index == from) {
            if (to < 0)
                continue;
            ev->ref.index = to;
            const char *key = strrchr(ev->path, '.');
            char path[COOP_PATH_MAX];
            snprintf(path, sizeof path, "actors.%s.motivator%s", coop_cfg_actor_name(cfg, to),
                     key ? key : "");
            memcpy(ev->path, path, sizeof path);
        }
        cfg->events[k++] = *ev;
    }
    cfg->n_events = k;
}

int coop_hypothesis_remove_role(coop_config *cfg, int actor, coop_err *err)
{
    if (!cfg || !is_actor(cfg, actor))
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: no actor with index %d", actor);
    coop_actor_cfg *a = coop_cfg_actor_edit(cfg, (size_t)actor);
    if (!a)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    zero_strengths(&a->motivator);
    move_role_events(cfg, actor, -1);
    return COOP_OK;
}

int coop_hypothesis_move_role(coop_config *cfg, int from, int to, coop_err *err)
{
    if (!cfg || !is_actor(cfg, from) || !is_actor(cfg, to) || from == to)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: cannot move a role from actor %d to %d",
                         from, to);
    coop_motivator_cfg role = coop_cfg_actor(cfg, from)->motivator;
    if (role.target < 0)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: actor '%s' has no motivator role to move",
                         coop_cfg_actor_name(cfg, from));
    if (role.target == to)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: actor '%s' is the target of the role of "
                         "'%s'", coop_cfg_actor_name(cfg, to), coop_cfg_actor_name(cfg, from));
    coop_actor_cfg *at = coop_cfg_actor_edit(cfg, (size_t)to);
    coop_actor_cfg *af = at ? coop_cfg_actor_edit(cfg, (size_t)from) : NULL;
    if (!at || !af)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    move_role_events(cfg, to, -1); /* the role `to` had, if any, is replaced */
    move_role_events(cfg, from, to);
    at->motivator = role;
    zero_strengths(&af->motivator);
    return COOP_OK;
}

int coop_hyp_n_worlds(const coop_hypothesis_cfg *h)
{
    int n = 2 + h->n_placebo;
    return h->channels ? n + (1 << coop_channels_n_factors()) - 2 : n;
}

/* The world of the channel design's cell `mask` (not 0, not all-on), from world
 * index w of a point whose hypothesis settings are h. */
static unsigned world_cell(const coop_hypothesis_cfg *h, int w)
{
    return (unsigned)(w - (2 + h->n_placebo) + 1);
}

/* Turns cfg, a copy of the point's configuration, into world w of the point (the
 * table at the top of coop_hypothesis.h), its name into name (when not NULL). */
static int make_world(coop_config *cfg, const coop_hypothesis_cfg *h, int w, char *name,
                      size_t size, coop_err *err)
{
    char buf[COOP_CHAN_NAME];
    int st = COOP_OK;
    if (w == COOP_HYP_FACTUAL) {
        snprintf(buf, sizeof buf, "factual");
    } else if (w == COOP_HYP_COUNTERFACTUAL) {
        snprintf(buf, sizeof buf, "counterfactual");
        st = coop_hypothesis_remove_role(cfg, h->motivator, err);
    } else if (w < 2 + h->n_placebo) {
        int p = h->placebo[w - COOP_HYP_PLACEBO];
        if (!is_actor(cfg, p))
            return COOP_FAIL(err, COOP_EINVAL, "hypothesis: placebo actor %d does not exist", p);
        snprintf(buf, sizeof buf, "placebo:%s", coop_cfg_actor_name(cfg, p));
        st = coop_hypothesis_move_role(cfg, h->motivator, p, err);
    } else if (w < coop_hyp_n_worlds(h)) {
        coop_channels_world_name(world_cell(h, w), buf, sizeof buf);
        st = coop_channels_keep(cfg, h->motivator, world_cell(h, w), err);
    } else {
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: no world %d", w);
    }
    if (name && (size_t)snprintf(name, size, "%s", buf) >= size)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: world name '%s' is too long", buf);
    return st;
}

void coop_hyp_worlds_free(coop_hyp_worlds *w)
{
    if (!w)
        return;
    for (int k = 0; k < COOP_HYP_MAX_WORLDS; k++)
        coop_config_destroy(&w->cfg[k]);
    free(w);
}

coop_hyp_worlds *coop_hyp_worlds_alloc(const coop_config *cfg, coop_err *err)
{
    if (!cfg) {
        COOP_FAIL(err, COOP_EINVAL, "hypothesis: no configuration");
        return NULL;
    }
    const coop_hypothesis_cfg *h = &cfg->hyp;
    if (!is_actor(cfg, h->motivator) || !is_actor(cfg, h->target)) {
        COOP_FAIL(err, COOP_ECONFIG, "%s: hypothesis: nothing to test: no actor has a motivator "
                  "role and hypothesis.motivator is not set", cfg->source);
        return NULL;
    }
    if (h->n_placebo < 0 || h->n_placebo > COOP_MAX_PLACEBO) {
        COOP_FAIL(err, COOP_EINVAL, "hypothesis: %d placebo actors (at most %d)", h->n_placebo,
                  COOP_MAX_PLACEBO);
        return NULL;
    }
    coop_hyp_worlds *w = calloc(1, sizeof *w);
    if (!w) {
        COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
        return NULL;
    }
    w->n = coop_hyp_n_worlds(h);
    int st = COOP_OK;
    for (int k = 0; k < w->n && !st; k++) {
        if (!(st = coop_config_copy(&w->cfg[k], cfg, err)))
            st = make_world(&w->cfg[k], h, k, w->name[k], sizeof w->name[k], err);
        w->names[k] = w->name[k];
    }
    if (st) {
        coop_hyp_worlds_free(w);
        return NULL;
    }
    return w;
}

uint32_t coop_hypothesis_boot_seed(uint32_t seed, int point)
{
    return coop_rng_seed(seed, (uint32_t)point, 0, COOP_STREAM_BOOTSTRAP);
}

/* ---------------------------------------------------------------- statistics */

void hyp_point_head(coop_hyp_point *out, const coop_hypothesis_cfg *h, int point,
                    int replicates, uint32_t boot_seed, int n_worlds,
                    const char *const *names)
{
    out->point = point;
    out->replicates = replicates;
    out->primary = h->primary;
    out->alpha = h->alpha;
    out->confidence = h->confidence;
    out->bootstrap = h->bootstrap;
    out->boot_seed = boot_seed;
    out->n_comparisons = n_worlds - 1;
    out->channels = NULL;
    out->n_text = 0;
    for (int c = 0; c < n_worlds - 1; c++) {
        int w = c + 1;
        coop_hyp_comparison *cm = &out->cmp[c];
        cm->world = w;
        if (names && names[w])
            snprintf(cm->name, sizeof cm->name, "%s", names[w]);
        else
            snprintf(cm->name, sizeof cm->name, "world%d", w);
    }
}

int coop_hypothesis_compare(const coop_hypothesis_cfg *h, const double *values, int n_worlds,
                            int replicates, const char *const *names, int point,
                            uint32_t boot_seed, coop_hyp_point *out, coop_err *err)
{
    if (!h || !values || !out || n_worlds < 2 || n_worlds > COOP_HYP_MAX_WORLDS ||
        replicates < 1 || h->primary < 0 || h->primary >= COOP_N_OUTCOMES || h->bootstrap < 0)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: bad comparison request (%d worlds, %d "
                         "replicates)", n_worlds, replicates);
    memset(out, 0, sizeof *out);
    hyp_point_head(out, h, point, replicates, boot_seed, n_worlds, names);
    hyp_pt p;
    memset(&p, 0, sizeof p);
    p.h = *h;
    p.replicates = replicates;
    p.boot_seed = boot_seed;
    hyp_cmp *x = malloc(sizeof *x);
    int st = x ? COOP_OK : COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    for (int c = 0; !st && c < n_worlds - 1; c++)
        if (!(st = hyp_cmp_compute(&p, values, NULL, c, x, err)))
            hyp_cmp_store(out, c, x, 1, 0);
    free(x);
    return st;
}

/* ---------------------------------------------------------------- the collector */

struct coop_hyp_collector {
    int n_worlds, replicates;
    uint32_t seed;
    coop_sink inner;
    coop_hyp_point_fn fn;
    void *ctx;
    double *values;          /* [n_worlds][COOP_N_OUTCOMES][replicates] of the current point */
    double *svalues;         /* [state_worlds][n_states][COOP_N_OUTCOMES][replicates]: per state */
    int state_worlds;        /* the worlds whose per-state values are kept (n_worlds, or the
                              * compared ones: coop_hyp_collector_compared_states) */
    int n_states, s_cap;     /* states of the current point; states svalues has room for */
    int point;               /* the current point, -1 before the first */
    long received;           /* replicates received at the current point */
    const coop_config *cfg0; /* the factual world's configuration at the current point */
    char name[COOP_HYP_MAX_WORLDS][COOP_HYP_WORLD_NAME];
    const char *names[COOP_HYP_MAX_WORLDS];
    coop_hyp_point res;
    coop_chan_point *chan;   /* the channel decomposition, allocated when first needed */
    int threads;             /* > 0: the statistics as a task farm (coop_hyp_collector_farm) */
    size_t batch_bytes;      /* queued bytes that start a farm; 0: only the flush does */
    hyp_batch batch;         /* the complete points queued for their statistics */
    int any_channels;        /* some queued point has a channel decomposition */
};

/* x as outcomes.csv holds it ("%.10g"), so that every statistic can be recomputed
 * from that file exactly (coop_hypothesis_from_outcomes does, for sweeps). */
double hyp_as_written(double x)
{
    if (!isfinite(x))
        return x;
    char buf[32];
    snprintf(buf, sizeof buf, "%.10g", x);
    return strtod(buf, NULL);
}

/* Room for the per-state values of a point of cfg's states, all NaN. */
static int collector_states(coop_hyp_collector *c, const coop_config *cfg, coop_err *err)
{
    int n = cfg ? coop_outcome_states(cfg, NULL, 0) : 0;
    c->n_states = n = n < COOP_MAX_STATES ? n : COOP_MAX_STATES;
    size_t cells = (size_t)c->state_worlds * (size_t)n * COOP_N_OUTCOMES * (size_t)c->replicates;
    if (n > c->s_cap) {
        double *v = realloc(c->svalues, cells * sizeof *v);
        if (!v)
            return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for the per-state "
                             "outcomes of %d states", n);
        c->svalues = v, c->s_cap = n;
    }
    for (size_t k = 0; k < cells; k++)
        c->svalues[k] = NAN;
    return COOP_OK;
}

/* round: the values still need rounding as written (else they come rounded:
 * the collector's sink asks the engine for that, round_scalars). */
static int add_states(coop_hyp_collector *c, int world, int replicate, int n_states,
                      const double (*state_outcome)[COOP_N_OUTCOMES], int round)
{
    size_t R = (size_t)c->replicates, S = (size_t)c->n_states;
    if (world < 0 || world >= c->n_worlds || replicate < 0 || replicate >= c->replicates)
        return COOP_EINVAL;
    if (world >= c->state_worlds) /* a channel world's: no statistic reads them */
        return COOP_OK;
    for (int x = 0; x < n_states && x < c->n_states; x++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            c->svalues[(((size_t)world * S + (size_t)x) * COOP_N_OUTCOMES + (size_t)o) * R +
                       (size_t)replicate] = round ? hyp_as_written(state_outcome[x][o])
                                                  : state_outcome[x][o];
    return COOP_OK;
}

int coop_hyp_collector_add_states(coop_hyp_collector *c, int world, int replicate,
                                  int n_states, const double (*state_outcome)[COOP_N_OUTCOMES])
{
    return add_states(c, world, replicate, n_states, state_outcome, 1);
}

static int add_values(coop_hyp_collector *c, int point, int world, const char *world_name,
                      int replicate, const coop_config *cfg, const double *outcome, int round,
                      coop_err *err)
{
    size_t R = (size_t)c->replicates;
    if (world == 0 && replicate == 0) { /* a new point starts */
        c->point = point;
        c->received = 0;
        c->cfg0 = cfg;
        for (size_t k = 0; k < (size_t)c->n_worlds * COOP_N_OUTCOMES * R; k++)
            c->values[k] = NAN;
        int st = collector_states(c, cfg, err);
        if (st)
            return st;
    }
    if (point != c->point || world < 0 || world >= c->n_worlds || replicate < 0 ||
        replicate >= c->replicates)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: unexpected item (point %d, world %d, "
                         "replicate %d) at point %d of %d worlds x %d replicates", point, world,
                         replicate, c->point, c->n_worlds, c->replicates);
    for (int o = 0; o < COOP_N_OUTCOMES; o++)
        c->values[((size_t)world * COOP_N_OUTCOMES + (size_t)o) * R + (size_t)replicate] =
            round ? hyp_as_written(outcome[o]) : outcome[o];
    if (replicate == 0)
        snprintf(c->name[world], sizeof c->name[world], "%s", world_name ? world_name : "");
    c->received++;
    return COOP_OK;
}

int coop_hyp_collector_add(coop_hyp_collector *c, int point, int world, const char *world_name,
                           int replicate, const coop_config *cfg, const double *outcome,
                           coop_err *err)
{
    return add_values(c, point, world, world_name, replicate, cfg, outcome, 1, err);
}

/* Queues the collector's point for its statistics (hyp_farm.c). */
static int queue_point(coop_hyp_collector *c, const coop_hypothesis_cfg *h, int n_cmp,
                       coop_err *err)
{
    hyp_pt p;
    memset(&p, 0, sizeof p);
    p.h = *h;
    p.point = c->point;
    p.boot_seed = coop_hypothesis_boot_seed(c->seed, c->point);
    p.replicates = c->replicates;
    p.n_worlds = c->n_worlds;
    p.n_cmp = n_cmp;
    hyp_pt_states(&p, c->cfg0, NULL);
    if (p.n_states != c->n_states || !c->svalues)
        p.n_states = 0;
    if (h->channels) { /* cell 0 is the counterfactual world, the last cell the factual
                        * one, the others the channel worlds after the placebos */
        int k = coop_channels_n_factors();
        unsigned all = (1u << k) - 1u;
        p.chan_k = k;
        for (unsigned s = 0; s <= all; s++)
            p.world_of[s] = s == 0 ? COOP_HYP_COUNTERFACTUAL
                            : s == all ? COOP_HYP_FACTUAL
                                       : 2 + h->n_placebo + (int)s - 1;
    }
    for (int w = 0; w < n_cmp; w++)
        snprintf(p.world[w], sizeof p.world[w], "%s", c->names[w] ? c->names[w] : "");
    return hyp_batch_add(&c->batch, &p, c->values, c->svalues, c->cfg0, err);
}

int coop_hyp_collector_flush(coop_hyp_collector *c, coop_err *err)
{
    if (c->any_channels && !c->chan && !(c->chan = malloc(sizeof *c->chan)))
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    return hyp_batch_run(&c->batch, c->threads, &c->res, c->chan, c->fn, c->ctx, err);
}

void coop_hyp_collector_cost(const coop_hyp_collector *c, coop_hyp_cost *cost)
{
    *cost = (coop_hyp_cost){c->batch.serial_s, c->batch.tasks_s, c->batch.task_cpu_s,
                            c->batch.task_max_s, c->batch.run_tasks, -1};
}

void coop_hyp_collector_farm(coop_hyp_collector *c, int threads, size_t batch)
{
    c->threads = coop_experiment_threads(threads);
    c->batch_bytes = batch;
}

int coop_hyp_collector_done(coop_hyp_collector *c, int point, int world, coop_err *err)
{
    if (world != c->n_worlds - 1)
        return COOP_OK;
    if (point != c->point || c->received != (long)c->n_worlds * c->replicates || !c->cfg0)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: point %d done with %ld of %ld "
                         "replicates delivered", point, c->received,
                         (long)c->n_worlds * c->replicates);
    const coop_hypothesis_cfg *h = &c->cfg0->hyp;
    int n_cmp = c->n_worlds;
    if (h->channels) { /* the channel worlds are decomposed, not compared */
        if (c->n_worlds != coop_hyp_n_worlds(h))
            return COOP_FAIL(err, COOP_EINVAL, "hypothesis: point %d has %d worlds, its "
                             "configuration makes %d", point, c->n_worlds, coop_hyp_n_worlds(h));
        n_cmp = 2 + h->n_placebo;
        c->any_channels = 1;
    }
    if (n_cmp > c->state_worlds)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: point %d compares %d worlds, the "
                         "collector keeps the states of %d", point, n_cmp, c->state_worlds);
    int st = queue_point(c, h, n_cmp, err);
    if (!st && (c->threads <= 0 || (c->batch_bytes && hyp_batch_bytes(&c->batch) >= c->batch_bytes)))
        st = coop_hyp_collector_flush(c, err);
    return st;
}

static int col_replicate(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    coop_hyp_collector *c = ctx;
    int st = coop_hyp_collector_add(c, it->point, it->world, it->world_name, it->replicate,
                                    it->cfg, rec->outcome, err);
    if (!st)
        coop_hyp_collector_add_states(c, it->world, it->replicate, rec->n_states,
                                      (const double (*)[COOP_N_OUTCOMES])rec->state_outcome);
    if (!st && c->inner.replicate)
        st = c->inner.replicate(c->inner.ctx, it, rec, err);
    return st;
}

/* The split form of col_replicate: the scalars come rounded as written. */
static int col_commit(void *ctx, const coop_item *it, const coop_prepared *p, coop_err *err)
{
    coop_hyp_collector *c = ctx;
    int st = add_values(c, it->point, it->world, it->world_name, it->replicate, it->cfg,
                        p->outcome, 0, err);
    if (!st)
        add_states(c, it->world, it->replicate, p->n_states, p->state_outcome, 0);
    if (!st)
        st = c->inner.commit(c->inner.ctx, it, p, err);
    return st;
}

/* Column c of run into to[0, n): a copy, or the run's one value n times. */
static void put_column(double *to, const coop_run *run, int c)
{
    if (run->constant[c])
        for (int j = 0; j < run->n; j++)
            to[j] = run->col[c][0];
    else
        memcpy(to, run->col[c], (size_t)run->n * sizeof *to);
}

/* The run form of col_commit (direct writes): the run's scalar columns copied
 * into the collector's (the same values add_values and add_states would store
 * item by item: a run's states beyond an item's own are NaN, as the collector
 * starts them), the inner sink's commit_run called once. */
static int col_commit_run(void *ctx, const coop_item *first, const coop_run *run,
                          long long *at, coop_err *err)
{
    coop_hyp_collector *c = ctx;
    int n = run->n, r0 = first->replicate;
    if (!run->scalars)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: a run of items without their scalars");
    /* the run's first item as add_values takes it (a new point, the world's name) */
    double o0[COOP_N_OUTCOMES];
    for (int o = 0; o < COOP_N_OUTCOMES; o++)
        o0[o] = coop_run_scalar(run, o, 0);
    int st = add_values(c, first->point, first->world, first->world_name, r0, first->cfg, o0,
                        0, err);
    if (!st && (n < 1 || r0 + n > c->replicates))
        st = COOP_FAIL(err, COOP_EINVAL, "hypothesis: replicates %d to %d of %d", r0,
                       r0 + n - 1, c->replicates);
    if (st)
        return st;
    size_t R = (size_t)c->replicates, S = (size_t)c->n_states, w = (size_t)first->world;
    for (int o = 0; o < COOP_N_OUTCOMES; o++)
        put_column(c->values + (w * COOP_N_OUTCOMES + (size_t)o) * R + (size_t)r0, run, o);
    for (int x = 0; (int)w < c->state_worlds && x < run->n_states && x < c->n_states; x++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            put_column(c->svalues + ((w * S + (size_t)x) * COOP_N_OUTCOMES + (size_t)o) * R +
                           (size_t)r0,
                       run, COOP_N_OUTCOMES * (1 + x) + o);
    c->received += n - 1; /* add_values counted the first */
    return coop_sink_commit_run(&c->inner, first, run, at, err);
}

/* After the point's last world, the comparisons are made (and fn writes them)
 * before the inner sink hears of it: an inner sink that checkpoints whole points
 * then covers what fn wrote. */
static int col_point_done(void *ctx, int point, int world, const char *world_name,
                          const coop_config *cfg, coop_err *err)
{
    coop_hyp_collector *c = ctx;
    int st = coop_hyp_collector_done(c, point, world, err);
    if (!st && c->inner.point_done)
        st = c->inner.point_done(c->inner.ctx, point, world, world_name, cfg, err);
    return st;
}

coop_hyp_collector *coop_hyp_collector_alloc(int n_worlds, int replicates, uint32_t seed,
                                             const coop_sink *inner, coop_hyp_point_fn fn,
                                             void *ctx, coop_err *err)
{
    if (n_worlds < 2 || n_worlds > COOP_HYP_MAX_WORLDS || replicates < 1 ||
        replicates > COOP_MAX_REPLICATES) {
        COOP_FAIL(err, COOP_EINVAL, "hypothesis: %d worlds x %d replicates: need 2 to %d worlds "
                  "and 1 to %d replicates", n_worlds, replicates, COOP_HYP_MAX_WORLDS,
                  COOP_MAX_REPLICATES);
        return NULL;
    }
    coop_hyp_collector *c = calloc(1, sizeof *c);
    if (c)
        c->values = malloc((size_t)n_worlds * COOP_N_OUTCOMES * (size_t)replicates *
                           sizeof *c->values);
    if (!c || !c->values) {
        free(c);
        COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for %d x %d outcome sets",
                  n_worlds, replicates);
        return NULL;
    }
    c->n_worlds = c->state_worlds = n_worlds;
    c->replicates = replicates;
    c->seed = seed;
    if (inner)
        c->inner = *inner;
    c->fn = fn;
    c->ctx = ctx;
    c->point = -1;
    for (int w = 0; w < COOP_HYP_MAX_WORLDS; w++)
        c->names[w] = c->name[w];
    return c;
}

void coop_hyp_collector_compared_states(coop_hyp_collector *c, const coop_hypothesis_cfg *h)
{
    if (h->channels && 2 + h->n_placebo < c->n_worlds)
        c->state_worlds = 2 + h->n_placebo;
}

coop_sink coop_hyp_collector_sink(coop_hyp_collector *c)
{
    coop_sink s = {.ctx = c, .replicate = col_replicate, .point_done = col_point_done};
    if (c->inner.prepare && c->inner.commit) { /* the outcome scalars travel prepared */
        s.prepare = c->inner.prepare;
        s.commit = col_commit;
        s.round_scalars = 1;
        s.files = c->inner.files; /* the inner sink's direct writes (coop_sink_files) */
        s.commit_run = s.files ? col_commit_run : NULL;
        s.state_worlds = c->state_worlds < c->n_worlds ? c->state_worlds : 0;
    }
    return s;
}

void coop_hyp_collector_free(coop_hyp_collector *c)
{
    if (!c)
        return;
    free(c->values);
    free(c->svalues);
    free(c->chan);
    hyp_batch_free(&c->batch);
    free(c);
}

/* ---------------------------------------------------------------- hypothesis.csv */

coop_hyp_csv *coop_hyp_csv_open(const char *path, coop_err *err)
{
    return coop_csv_file_create(path, coop_hypothesis_csv_header, err);
}

void hyp_csv_row(coop_csv *w, int point, const char *cmp, const char *state,
                 const coop_hyp_result *r)
{
    const coop_paired *s = &r->s;
    const double num[] = {s->mean_a, s->mean_b, s->diff, s->boot_lo, s->boot_hi,
                          s->p_t, s->p_wilcoxon, s->d_z};
    const double tail[] = {s->t_lo, s->t_hi, r->p_adj};
    const double sesoi[] = {r->e.sesoi, r->e.p_tost, r->e.p_min_effect, r->e.n_needed};
    coop_csv_put(w, "%d,%s,", point, coop_outcome_names[r->outcome]);
    coop_csv_text(w, cmp);
    for (size_t k = 0; k < sizeof num / sizeof num[0]; k++) {
        coop_csv_put(w, ",");
        coop_csv_num(w, num[k]);
    }
    coop_csv_put(w, ",%s", coop_verdict_name(r->verdict));
    for (size_t k = 0; k < sizeof tail / sizeof tail[0]; k++) {
        coop_csv_put(w, ",");
        coop_csv_num(w, tail[k]);
    }
    coop_csv_put(w, ",%zu", s->n);
    for (size_t k = 0; k < sizeof sesoi / sizeof sesoi[0]; k++) {
        coop_csv_put(w, ",");
        coop_csv_num(w, sesoi[k]);
    }
    coop_csv_put(w, ",");
    coop_csv_text(w, state);
    coop_csv_put(w, "\n");
}

void hyp_pooled_rows(coop_csv *w, int point, const char *cmp, const coop_hyp_result *r)
{
    for (int o = 0; o < COOP_N_OUTCOMES; o++)
        hyp_csv_row(w, point, cmp, "all", &r[o]);
}

/* A point's rows: the pooled comparisons (state "all"), then the placebo
 * difference-in-differences ("common") and the per-state rows (hyp_states.c);
 * or the rows its tasks formatted, the same bytes. */
int coop_hyp_csv_write(coop_hyp_csv *c, const coop_hyp_point *res, coop_err *err)
{
    for (int k = 0; k < res->n_text; k++)
        coop_csv_raw(&c->out, res->text[k], res->text_len[k]);
    for (int k = 0; !res->n_text && k < res->n_comparisons; k++)
        hyp_pooled_rows(&c->out, res->point, res->cmp[k].name, res->cmp[k].r);
    if (!res->n_text)
        hyp_states_csv(&c->out, res);
    return coop_csv_file_status(c, err);
}

int coop_hyp_csv_close(coop_hyp_csv *c, coop_err *err)
{
    return coop_csv_file_close(c, err);
}

void coop_hyp_csv_abort(coop_hyp_csv *c)
{
    coop_csv_file_discard(c);
}

/* ---------------------------------------------------------------- the table */

/* A number for the table: four significant digits, NA for NaN. */
static const char *num(char *buf, size_t size, double x, int sign)
{
    if (isnan(x))
        snprintf(buf, size, "NA");
    else
        snprintf(buf, size, sign ? "%+.4g" : "%.4g", x == 0.0 ? 0.0 : x);
    return buf;
}

/* A p-value for the table ("<1e-16" below what a double t-test resolves); with eq,
 * as a relation for a sentence ("= 0.013", "< 1e-16"). */
static const char *pval(char *buf, size_t size, double p, int eq)
{
    if (isnan(p))
        snprintf(buf, size, eq ? "= NA" : "NA");
    else if (p < 1e-16)
        snprintf(buf, size, eq ? "< 1e-16" : "<1e-16");
    else
        snprintf(buf, size, eq ? "= %.2g" : "%.2g", p);
    return buf;
}

const char *hyp_num(char *buf, size_t size, double x, int sign)
{
    return num(buf, size, x, sign);
}

const char *hyp_pval(char *buf, size_t size, double p, int eq)
{
    return pval(buf, size, p, eq);
}

static void print_block(FILE *out, const coop_hyp_point *res, const coop_hyp_comparison *cm)
{
    char ci[80];
    snprintf(ci, sizeof ci, "difference [%g%% CI; others %g%%]", 100.0 * (1.0 - res->alpha),
             100.0 * coop_hyp_level(res, res->primary == 0));
    fprintf(out, "  %-22s %10s %15s  %-38s %7s %8s  %s\n", "outcome", "factual", cm->name, ci,
            "SESOI", "p (adj)", "verdict");
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        const coop_hyp_result *r = &cm->r[o];
        char a[32], b[32], d[32], lo[32], hi[32], p[32], name[48], diff[128], se[32];
        double l, h;
        coop_paired_interval(&r->s, coop_hyp_level(res, o), &l, &h);
        snprintf(name, sizeof name, "%s%s", coop_outcome_names[o],
                 r->orientation < 0 ? " (-)" : "");
        snprintf(diff, sizeof diff, "%s [%s, %s]", num(d, sizeof d, r->s.diff, 1),
                 num(lo, sizeof lo, l, 1), num(hi, sizeof hi, h, 1));
        fprintf(out, "%c %-22s %10s %15s  %-38s %7s %8s  %s\n", o == res->primary ? '*' : ' ',
                name, num(a, sizeof a, r->s.mean_a, 0), num(b, sizeof b, r->s.mean_b, 0), diff,
                num(se, sizeof se, r->e.sesoi, 0), pval(p, sizeof p, r->p_adj, 0),
                coop_verdict_name(r->verdict));
    }
}

int coop_hypothesis_print(FILE *out, const coop_hyp_point *res, const coop_config *cfg)
{
    const coop_hypothesis_cfg *h = &cfg->hyp;
    const char *mot = coop_cfg_actor_name(cfg, h->motivator);
    const char *tgt = coop_cfg_actor_name(cfg, h->target);
    char others[512] = "";
    int region = coop_cfg_actor(cfg, h->motivator)->region_id;
    for (size_t k = 0; k < cfg->n_actors; k++) {
        if ((int)k == h->motivator || (int)k == h->target || region < 0 ||
            coop_cfg_actor(cfg, k)->region_id != region)
            continue;
        size_t n = strlen(others);
        snprintf(others + n, sizeof others - n, "%s%s", n ? ", " : "", coop_cfg_actor_name(cfg, k));
    }
    fprintf(out, "Hypothesis: %s's motivator role raises cooperation between %s and the other "
            "states of its region (%s).\n", mot, tgt, others[0] ? others : "none");
    fprintf(out, "%d replicates per world, paired by common random numbers; difference: mean "
            "paired difference, oriented so that the thesis predicts > 0, with its t-based "
            "%g%% CI (the primary outcome's; simultaneous for the others); SESOI: the smallest effect of interest (hypothesis.sesoi); verdict: "
            "supported / contradicted when the CI lies beyond +SESOI / -SESOI, negligible when "
            "it lies within +-SESOI; p (adj): the verdict's p-value, the primary outcome at "
            "alpha = %g, the others Holm-adjusted behind it (gatekeeping).\n",
            res->replicates, 100.0 * (1.0 - res->alpha), res->alpha);
    fprintf(out, "\nfactual vs counterfactual (%s's initiatives, demonstration and brokerage "
            "switched off):\n", mot);
    print_block(out, res, &res->cmp[0]);
    if (res->n_comparisons > 1)
        fprintf(out, "\nfactual vs placebo (%s's role given to another actor instead; "
                "difference > 0: the role does more in %s's hands):\n", mot, mot);
    for (int k = 1; k < res->n_comparisons; k++) {
        if (k > 1)
            fputc('\n', out);
        print_block(out, res, &res->cmp[k]);
    }
    fprintf(out, "\n* primary outcome; (-) fewer is better, so difference = other world - "
            "factual.\n");
    if (res->n_comparisons > 1) {
        fprintf(out, "Placebo over all the others (%s, primary outcome; a secondary reading: "
                "the like-for-like one follows):", coop_outcome_names[res->primary]);
        for (int k = 1; k < res->n_comparisons; k++)
            fprintf(out, "%s %s %s", k > 1 ? ";" : "", res->cmp[k].name,
                    coop_verdict_name(res->cmp[k].verdict));
        fprintf(out, " (supported: the effect is larger by more than the SESOI with %s in the "
                "role than with that actor in it; contradicted: smaller; negligible: the same "
                "within the SESOI; inconclusive: undecided).\n", mot);
    }

    if (coop_hyp_states_print(out, res, cfg))
        return COOP_EIO;
    if (coop_hypothesis_headline(out, res, mot) != COOP_OK ||
        coop_hyp_states_headline(out, res, cfg) != COOP_OK || fflush(out) != 0 || ferror(out))
        return COOP_EIO;
    return COOP_OK;
}

int coop_hyp_make_world(coop_config *cfg, const coop_hypothesis_cfg *h, int w, coop_err *err)
{
    return make_world(cfg, h, w, NULL, 0, err);
}

int coop_hyp_has_role(const coop_motivator_cfg *m)
{
    for (int c = 0; c < COOP_N_MOT; c++)
        if (coop_motivator_strength(c) && coop_motivator_get(m, c) > 0)
            return 1;
    return 0;
}

/* ---------------------------------------------------------------- the sweep's table */

void coop_hypothesis_sweep_header(FILE *out, const coop_config *cfg, const coop_sweep *sw)
{
    const coop_hypothesis_cfg *h = &cfg->hyp;
    fprintf(out, "Hypothesis over a sweep of %d points: %s's motivator role, primary "
            "outcome %s (SESOI %g); difference: factual - counterfactual (oriented), %g%% "
            "t-based CI; p (adj): the verdict's p-value at alpha = %g (the primary outcome "
            "is the gate; docs/HYPOTHESIS.md).\n",
            coop_sweep_size(sw), coop_cfg_actor_name(cfg, h->motivator),
            coop_outcome_names[h->primary], h->sesoi[h->primary], 100.0 * (1.0 - h->alpha),
            h->alpha);
    char params[256] = "";
    for (size_t j = 0; j < coop_sweep_n_params(sw); j++) {
        size_t n = strlen(params);
        snprintf(params + n, sizeof params - n, "%s%s", j ? ", " : "", coop_sweep_param(sw, j));
    }
    char ci[48];
    snprintf(ci, sizeof ci, "difference [%g%% CI]", 100.0 * (1.0 - h->alpha));
    fprintf(out, "Swept: %s.\n\n%7s  %-24s %-38s %8s  %-13s", params, "point",
            "values", ci, "p (adj)", "verdict");
    for (int k = 0; k < h->n_placebo; k++)
        fprintf(out, " placebo:%s", coop_cfg_actor_name(cfg, h->placebo[k]));
    fputc('\n', out);
}

void coop_hypothesis_sweep_line(FILE *out, const coop_hyp_point *res, const coop_sweep *sw)
{
    const coop_hyp_result *r = &res->cmp[0].r[res->primary];
    char vals[256] = "", d[32], lo[32], hi[32], p[32], diff[128];
    double x[64];
    size_t np = coop_sweep_n_params(sw);
    if (np <= 64)
        coop_sweep_values(sw, res->point, x);
    for (size_t j = 0; j < np && np <= 64; j++) {
        size_t n = strlen(vals);
        snprintf(vals + n, sizeof vals - n, "%s%.6g", j ? ", " : "", x[j]);
    }
    double l, h;
    coop_paired_interval(&r->s, 1.0 - res->alpha, &l, &h);
    snprintf(diff, sizeof diff, "%s [%s, %s]", num(d, sizeof d, r->s.diff, 1),
             num(lo, sizeof lo, l, 1), num(hi, sizeof hi, h, 1));
    fprintf(out, "%7d  %-24s %-38s %8s  %-13s", res->point, vals, diff,
            pval(p, sizeof p, r->p_adj, 0), coop_verdict_name(res->cmp[0].verdict));
    for (int k = 1; k < res->n_comparisons; k++)
        fprintf(out, " %s", coop_verdict_name(res->cmp[k].verdict));
    fputc('\n', out);
}

void coop_hypothesis_sweep_footer(FILE *out, int points, const int count[COOP_N_VERDICTS],
                                  const char *path)
{
    fprintf(out, "\nVerdicts at %d points: %d supported, %d contradicted, %d "
            "negligible, %d inconclusive (docs/HYPOTHESIS.md); every comparison and outcome "
            "in %s.\n", points, count[COOP_VERDICT_SUPPORTED],
            count[COOP_VERDICT_CONTRADICTED], count[COOP_VERDICT_NEGLIGIBLE],
            count[COOP_VERDICT_INCONCLUSIVE], path);
}
