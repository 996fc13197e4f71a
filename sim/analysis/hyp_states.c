/* hyp_states.c: the hypothesis test per state and like for like
 * (docs/HYPOTHESIS.md, "Per state" and "Placebos like for like").
 *
 * The outcomes over "the others" (the motivator's regional neighbours) are
 * compared state by state, world against world, with the same paired statistics
 * as the pooled rows (coop_paired_compare, oriented as the pooled row; Holm over
 * the states of one comparison and outcome).  "Reaches the top level" is
 * summarised per world and state by its Kaplan-Meier curve over the replicates
 * (coop_survival.h): with censoring only at the horizon its RMST is the mean of
 * the per-replicate rmst_enhanced values, so the paired rows are paired RMST
 * differences.  A placebo world moves the role to a state that is itself one of
 * the others, so the pooled placebo row compares unlike sets; the
 * difference-in-differences row compares the factual and the placebo world on
 * the states that are neither the motivator nor the placebo actor.
 *
 * Everything of one comparison (its pooled rows too) is computed together by
 * hyp_cmp_compute, the task of the statistics' farm (hyp_farm.c): its rows'
 * bootstraps share one generator, seeded with the point's seed, as rows of a
 * point always did, so that a comparison gives the same bits alone or with the
 * others; hyp_cmp_part splits its rows' bootstraps over several tasks, the same
 * bits again (coop_paired_boot_all). */
#include "coop_hypothesis.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "coop_survival.h"
#include "hyp_internal.h"

/* The difference-in-differences rows are the outcomes before regional_cohesion. */
_Static_assert(COOP_O_REGIONAL_COHESION == COOP_N_OUTCOMES - 1,
               "regional_cohesion, the one outcome without per-state values, is last");

/* Holm over the decision p-values of r[0..n-1] (coop_paired_sesoi) and their
 * SESOI verdicts. */
static int holm(coop_hyp_result *r, int n, double alpha, coop_err *err)
{
    double p[COOP_N_OUTCOMES], q[COOP_N_OUTCOMES];
    for (int i = 0; i < n; i++)
        p[i] = r[i].e.p_decision;
    int st = coop_holm(p, (size_t)n, q, err);
    for (int i = 0; !st && i < n; i++) {
        r[i].p_adj = q[i];
        r[i].verdict = coop_sesoi_verdict(r[i].e.claim, q[i], alpha);
    }
    return st;
}

/* Whether state x has a row for outcome o. */
static int has_row(const hyp_cmp *x, int s, int o)
{
    return coop_outcome_per_state(o) && (o != COOP_O_RMST_ENHANCED || x->reach[s]);
}

/* The per-state values of world w, state x, outcome o of a point of n states. */
static const double *state_values(const double *sv, int n, int w, int x, int o, size_t R)
{
    return sv + (((size_t)w * (size_t)n + (size_t)x) * COOP_N_OUTCOMES + (size_t)o) * R;
}

/* Holm over the states of each outcome of the comparison's per-state rows. */
static int states_holm(const coop_hypothesis_cfg *h, int n, hyp_cmp *out, coop_err *err)
{
    int status = COOP_OK;
    for (int o = 0; !status && o < COOP_N_OUTCOMES; o++) {
        double p[COOP_MAX_STATES], q[COOP_MAX_STATES];
        int m = 0;
        for (int x = 0; x < n; x++)
            if (has_row(out, x, o))
                p[m++] = out->st[x][o].e.p_decision;
        if (m == 0 || (status = coop_holm(p, (size_t)m, q, err)))
            continue;
        m = 0;
        for (int x = 0; x < n; x++)
            if (has_row(out, x, o)) {
                coop_hyp_result *r = &out->st[x][o];
                r->p_adj = q[m++];
                r->verdict = coop_sesoi_verdict(r->e.claim, r->p_adj, h->alpha);
            }
    }
    return status;
}

/* The pooled value of world w's per-state outcome o over the states in `in`,
 * replicate by replicate, into v. */
static void pool(const hyp_pt *p, const double *sv, int w, int o, const int *in, size_t R,
                 double *v)
{
    int n = p->n_states;
    double x[COOP_MAX_STATES], wt[COOP_MAX_STATES];
    for (int k = 0; k < n; k++)
        wt[k] = in[k] ? p->weight[k] : 0.0;
    for (size_t r = 0; r < R; r++) {
        for (int k = 0; k < n; k++)
            x[k] = state_values(sv, n, w, k, o, R)[r];
        v[r] = coop_outcome_pool(x, wt, n);
    }
}

/* The difference-in-differences jobs of placebo world w on the common set (the
 * others but the placebo actor and the motivator), their pooled values in va and
 * vb (COOP_N_OUTCOMES x R each); the number of jobs added at job. */
static int did_jobs(const hyp_pt *p, const double *sv, int w, size_t R, hyp_cmp *out,
                    double *va, double *vb, hyp_job *job)
{
    int pl = p->h.placebo[w - COOP_HYP_PLACEBO], in[COOP_MAX_STATES], m = 0, n_job = 0;
    out->did_placebo = pl;
    for (int k = 0; k < p->n_states; k++)
        m += in[k] = p->actor[k] != pl && p->actor[k] != p->h.motivator;
    out->did_n = m;
    for (int o = 0; m && o < COOP_N_OUTCOMES; o++) {
        out->did[o].outcome = -1;
        if (!coop_outcome_per_state(o))
            continue;
        double *a = va + (size_t)o * R, *b = vb + (size_t)o * R;
        pool(p, sv, 0, o, in, R, a);
        pool(p, sv, w, o, in, R, b);
        job[n_job++] = (hyp_job){o, a, b, &out->did[o]};
    }
    return n_job;
}

/* The Kaplan-Meier summaries of world w, state x (times: the rmst_enhanced
 * values; an event where the value is below the horizon) into *rmst, *surv. */
static void km(const hyp_pt *p, const hyp_cmp *out, const double *sv, int w, int x, size_t R,
               double *rmst, double *surv, coop_km_step *steps, size_t *scratch, int *ev,
               double *t)
{
    const double *v = state_values(sv, p->n_states, w, x, COOP_O_RMST_ENHANCED, R);
    *rmst = *surv = NAN;
    if (!out->reach[x])
        return;
    for (size_t r = 0; r < R; r++)
        t[r] = v[r], ev[r] = v[r] < p->horizon;
    size_t k = coop_km(t, ev, R, steps, scratch);
    *rmst = coop_km_rmst(steps, k, p->horizon);
    *surv = coop_km_surv(steps, k, p->horizon);
}

/* The per-state rows of comparison c, its placebo difference-in-differences and
 * the Kaplan-Meier summaries of its world (and world 0's for c = 0), the jobs
 * from n_job on in job, the pooled values in buf (2 x COOP_N_OUTCOMES x R). */
static int states_jobs(const hyp_pt *p, const double *sv, int c, size_t R, hyp_cmp *out,
                       double *buf, hyp_job *job, int n_job)
{
    int n = p->n_states, w = c + 1;
    for (int x = 0; x < n; x++) {
        /* reachability is an input: a state that cannot reach has no value in any
         * replicate of any world */
        const double *v = state_values(sv, n, 0, x, COOP_O_RMST_ENHANCED, R);
        for (size_t r = 0; r < R && !out->reach[x]; r++)
            out->reach[x] = !isnan(v[r]);
    }
    for (int x = 0; x < n; x++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++) {
            out->st[x][o].outcome = -1;
            if (has_row(out, x, o))
                job[n_job++] = (hyp_job){o, state_values(sv, n, 0, x, o, R),
                                         state_values(sv, n, w, x, o, R), &out->st[x][o]};
        }
    if (w >= COOP_HYP_PLACEBO && w < COOP_HYP_PLACEBO + p->h.n_placebo)
        n_job += did_jobs(p, sv, w, R, out, buf, buf + COOP_N_OUTCOMES * R, job + n_job);
    return n_job;
}

/* The Kaplan-Meier summaries of comparison c's world (and world 0's for c = 0). */
static int states_km(const hyp_pt *p, const double *sv, int c, size_t R, hyp_cmp *out,
                     coop_err *err)
{
    char *buf = malloc(R * (sizeof(double) + sizeof(coop_km_step) + sizeof(size_t) +
                            sizeof(int)));
    if (!buf)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for %zu replicates", R);
    double *t = (double *)buf;
    coop_km_step *steps = (coop_km_step *)(t + R);
    size_t *scratch = (size_t *)(steps + R);
    int *ev = (int *)(scratch + R);
    for (int k = 0; k < (c == 0 ? 2 : 1); k++)
        for (int x = 0; x < p->n_states; x++)
            km(p, out, sv, k ? 0 : c + 1, x, R, &out->km_rmst[k][x], &out->km_surv[k][x],
               steps, scratch, ev, t);
    free(buf);
    return COOP_OK;
}

/* Row k's place in a comparison: r[j], then st[x][o], then did[o] (hyp_cmp.job_at). */
static short job_slot(const hyp_cmp *x, const coop_hyp_result *r)
{
    size_t off = (size_t)((const char *)r - (const char *)x), one = sizeof *r;
    if (off >= offsetof(hyp_cmp, did))
        return (short)(COOP_N_OUTCOMES * (1 + COOP_MAX_STATES) + (off - offsetof(hyp_cmp, did)) / one);
    if (off >= offsetof(hyp_cmp, st))
        return (short)(COOP_N_OUTCOMES + (off - offsetof(hyp_cmp, st)) / one);
    return (short)((off - offsetof(hyp_cmp, r)) / one);
}

static coop_hyp_result *slot_result(hyp_cmp *x, int j)
{
    int n = COOP_N_OUTCOMES;
    if (j < n)
        return &x->r[j];
    if (j < n * (1 + COOP_MAX_STATES))
        return &x->st[(j - n) / n][(j - n) % n];
    return &x->did[j - n * (1 + COOP_MAX_STATES)];
}

/* Comparison c's rows as jobs (their results in out, cleared first), the
 * difference-in-differences' values in *buf (the caller frees it): their
 * number, -1 when out of memory. */
static int cmp_jobs(const hyp_pt *p, const double *values, const double *sv, int c,
                    hyp_cmp *out, hyp_job *job, double **buf)
{
    memset(out, 0, sizeof *out);
    out->did_placebo = -1;
    size_t R = (size_t)p->replicates;
    int n_states = sv ? p->n_states : 0, w = c + 1;
    *buf = n_states ? malloc(2 * COOP_N_OUTCOMES * R * sizeof **buf) : NULL;
    if (n_states && !*buf)
        return -1;
    int n = 0;
    for (int o = 0; values && o < COOP_N_OUTCOMES; o++)
        job[n++] = (hyp_job){o, values + (size_t)o * R,
                             values + ((size_t)w * COOP_N_OUTCOMES + (size_t)o) * R, &out->r[o]};
    if (n_states)
        n = states_jobs(p, sv, c, R, out, *buf, job, n);
    return n;
}

int hyp_cmp_part(const hyp_pt *p, const double *values, const double *sv, int c, int part,
                 hyp_cmp *out, hyp_boot *b, coop_err *err)
{
    size_t R = (size_t)p->replicates;
    int parts = p->parts > 1 ? p->parts : 1, n_states = sv ? p->n_states : 0;
    hyp_job job[HYP_MAX_JOBS] = {{0}};
    double *buf = NULL;
    int n = cmp_jobs(p, values, sv, c, out, job, &buf);
    if (n < 0)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for %zu replicates", R);
    int j0 = n * part / parts, j1 = n * (part + 1) / parts, st;
    if (part > 0) { /* only the intervals of rows j0 .. j1 - 1 */
        for (int k = j0; k < j1; k++)
            job[k].r->s.boot_lo = job[k].r->s.boot_hi = NAN; /* as coop_paired_compare */
        st = hyp_boot_all(&p->h, job + j0, j1 - j0, R, (uint32_t)p->boot_seed, err);
        b->c = c, b->j0 = j0, b->j1 = j1;
        for (int k = j0; !st && k < j1; k++)
            b->lo[k] = job[k].r->s.boot_lo, b->hi[k] = job[k].r->s.boot_hi;
        free(buf);
        return st;
    }
    /* every row of the comparison in one call: their bootstraps share a generator
     * (only the first part's when the comparison is split) */
    coop_hypothesis_cfg h = p->h;
    h.bootstrap = parts > 1 ? 0 : h.bootstrap;
    st = hyp_compare_all(&h, job, n, R, (uint32_t)p->boot_seed, err);
    if (!st && parts > 1)
        st = hyp_boot_all(&p->h, job + j0, j1 - j0, R, (uint32_t)p->boot_seed, err);
    free(buf);
    out->n_jobs = n;
    for (int k = 0; k < n; k++)
        out->job_at[k] = job_slot(out, job[k].r);
    if (!st && values) {
        st = coop_hyp_decide(out->r, COOP_N_OUTCOMES, p->h.primary, p->h.alpha, err);
        out->verdict = out->r[p->h.primary].verdict;
    }
    if (!st && n_states)
        st = states_holm(&p->h, n_states, out, err);
    /* the outcomes with a difference-in-differences row, every per-state outcome, the
     * first COOP_N_OUTCOMES - 1 (regional_cohesion, the last, has none): gatekeeping
     * behind the primary outcome as in the pooled rows (coop_hyp_decide), Holm when
     * it has no row */
    int n_out = COOP_N_OUTCOMES - 1, gate = p->h.primary;
    if (!st && out->did_n)
        st = gate < n_out ? coop_hyp_decide(out->did, n_out, gate, p->h.alpha, err)
                          : holm(out->did, n_out, p->h.alpha, err);
    if (!st && n_states)
        st = states_km(p, sv, c, R, out, err);
    return st;
}

int hyp_cmp_compute(const hyp_pt *p, const double *values, const double *sv, int c,
                    hyp_cmp *out, coop_err *err)
{
    hyp_pt one = *p;
    one.parts = 1;
    return hyp_cmp_part(&one, values, sv, c, 0, out, NULL, err);
}

void hyp_boot_merge(hyp_cmp *x, const hyp_boot *b)
{
    for (int k = b->j0; k < b->j1 && k < x->n_jobs; k++) {
        coop_hyp_result *r = slot_result(x, x->job_at[k]);
        r->s.boot_lo = b->lo[k];
        r->s.boot_hi = b->hi[k];
    }
}

void hyp_cmp_store(coop_hyp_point *res, int c, const hyp_cmp *x, int pooled, int states)
{
    coop_hyp_states *s = &res->states;
    if (pooled) {
        memcpy(res->cmp[c].r, x->r, sizeof x->r);
        res->cmp[c].verdict = x->verdict;
    }
    if (!states || s->n_states == 0)
        return;
    memcpy(s->r[c], x->st, sizeof x->st);
    memcpy(s->reach, x->reach, sizeof x->reach);
    s->did_n[c] = x->did_n;
    s->did_placebo[c] = x->did_placebo;
    memcpy(s->did[c], x->did, sizeof x->did);
    for (int k = 0; k < (c == 0 ? 2 : 1); k++) {
        int w = k ? 0 : c + 1;
        memcpy(s->km_rmst[w], x->km_rmst[k], sizeof x->km_rmst[k]);
        memcpy(s->km_surv[w], x->km_surv[k], sizeof x->km_surv[k]);
    }
}

void hyp_pt_states(hyp_pt *p, const coop_config *cfg, coop_hyp_states *s)
{
    int n = coop_outcome_states(cfg, p->actor, COOP_MAX_STATES);
    p->n_states = n = n < COOP_MAX_STATES ? n : COOP_MAX_STATES;
    p->horizon = cfg->n_steps / cfg->steps_per_year;
    for (int x = 0; x < n; x++) {
        p->weight[x] = coop_outcome_weight(cfg, p->actor[x]);
        snprintf(p->state[x], sizeof p->state[x], "%s", coop_cfg_actor_name(cfg, p->actor[x]));
    }
    if (!s)
        return;
    s->n_states = n;
    s->horizon = p->horizon;
    memset(s->reach, 0, sizeof s->reach);
    memset(s->km_rmst, 0, sizeof s->km_rmst);
    memset(s->km_surv, 0, sizeof s->km_surv);
    memset(s->did_n, 0, sizeof s->did_n);
    for (int c = 0; c < COOP_HYP_MAX_WORLDS - 1; c++)
        s->did_placebo[c] = -1;
    for (int x = 0; x < n; x++) {
        s->actor[x] = p->actor[x];
        snprintf(s->name[x], sizeof s->name[x], "%s", coop_cfg_actor_name(cfg, p->actor[x]));
    }
}

int coop_hyp_states_compare(const coop_config *cfg, const double *sv, int n_worlds,
                            int replicates, coop_hyp_point *out, coop_err *err)
{
    hyp_pt p;
    memset(&p, 0, sizeof p);
    p.h = cfg->hyp;
    p.replicates = replicates;
    p.boot_seed = out->boot_seed;
    memset(&out->states, 0, sizeof out->states);
    hyp_pt_states(&p, cfg, &out->states);
    if (p.n_states == 0 || !sv)
        return COOP_OK;
    hyp_cmp *x = malloc(sizeof *x);
    int st = x ? COOP_OK : COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    for (int c = 0; !st && c < n_worlds - 1; c++)
        if (!(st = hyp_cmp_compute(&p, NULL, sv, c, x, err)))
            hyp_cmp_store(out, c, x, 0, 1);
    free(x);
    return st;
}

/* ---------------------------------------------------------------- hypothesis.csv */

void hyp_did_rows(coop_csv *w, int point, const char *cmp, int did_n,
                  const coop_hyp_result *did)
{
    for (int o = 0; did_n && o < COOP_N_OUTCOMES; o++)
        if (did[o].outcome >= 0)
            hyp_csv_row(w, point, cmp, "common", &did[o]);
}

void hyp_state_rows(coop_csv *w, int point, const char *cmp, int n_states,
                    const char (*name)[COOP_NAME_MAX],
                    const coop_hyp_result (*st)[COOP_N_OUTCOMES])
{
    for (int x = 0; x < n_states; x++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            if (st[x][o].outcome >= 0)
                hyp_csv_row(w, point, cmp, name[x], &st[x][o]);
}

void hyp_states_csv(coop_csv *w, const coop_hyp_point *res)
{
    const coop_hyp_states *s = &res->states;
    for (int c = 0; c < res->n_comparisons; c++)
        hyp_did_rows(w, res->point, res->cmp[c].name, s->did_n[c], s->did[c]);
    for (int c = 0; c < res->n_comparisons; c++)
        hyp_state_rows(w, res->point, res->cmp[c].name, s->n_states, s->name,
                       (const coop_hyp_result (*)[COOP_N_OUTCOMES])s->r[c]);
}

/* ---------------------------------------------------------------- the table */

/* A state list "KG, TJ" of the states whose result of (c, o) has verdict v. */
static int states_with(const coop_hyp_states *s, int c, int o, coop_verdict v, char *buf,
                       size_t size)
{
    int k = 0;
    buf[0] = '\0';
    for (int x = 0; x < s->n_states; x++)
        if (s->r[c][x][o].outcome >= 0 && s->r[c][x][o].verdict == v) {
            size_t len = strlen(buf);
            snprintf(buf + len, size - len, "%s%s", k++ ? ", " : "", s->name[x]);
        }
    return k;
}

static void print_states_block(FILE *out, const coop_hyp_point *res, int o)
{
    const coop_hyp_states *s = &res->states;
    char ci[48];
    snprintf(ci, sizeof ci, "difference [%g%% CI]", 100.0 * res->confidence);
    for (int c = 0; c < res->n_comparisons; c++) {
        const char *cn = res->cmp[c].name;
        fprintf(out, "  %-6s %-15s %10s %15s  %-38s %8s  %s\n", "state", "comparison",
                "factual", "other", ci, "p (Holm)", "verdict");
        for (int x = 0; x < s->n_states; x++) {
            const coop_hyp_result *r = &s->r[c][x][o];
            char a[32], b[32], d[32], lo[32], hi[32], p[32], diff[128];
            if (r->outcome < 0) {
                fprintf(out, "  %-6s %-15s cannot reach the level by input\n", s->name[x], cn);
                continue;
            }
            snprintf(diff, sizeof diff, "%s [%s, %s]", hyp_num(d, sizeof d, r->s.diff, 1),
                     hyp_num(lo, sizeof lo, r->s.boot_lo, 1),
                     hyp_num(hi, sizeof hi, r->s.boot_hi, 1));
            fprintf(out, "  %-6s %-15s %10s %15s  %-38s %8s  %s\n", s->name[x], cn,
                    hyp_num(a, sizeof a, r->s.mean_a, 0), hyp_num(b, sizeof b, r->s.mean_b, 0),
                    diff, hyp_pval(p, sizeof p, r->p_adj, 0), coop_verdict_name(r->verdict));
        }
    }
}

/* The sentence on states that move against each other (both beyond their SESOI
 * after Holm over the states) in the counterfactual comparison. */
static void print_disagreement(FILE *out, const coop_hyp_point *res, const char *mot, int o)
{
    char up[512], down[512];
    int nu = states_with(&res->states, 0, o, COOP_VERDICT_SUPPORTED, up, sizeof up);
    int nd = states_with(&res->states, 0, o, COOP_VERDICT_CONTRADICTED, down, sizeof down);
    if (nu && nd)
        fprintf(out, "The states disagree: %s's role moves %s the way the thesis predicts for "
                "%s and against it for %s (each beyond its SESOI at alpha = %g after Holm over "
                "the states); the pooled value averages opposite effects and is not a claim "
                "about every state.\n", mot, coop_outcome_names[o], up, down, res->alpha);
    else if (nu || nd)
        fprintf(out, "No state moves against the others: %s %s %s; no state moves beyond its "
                "SESOI the other way (alpha = %g, Holm over the states).\n", nu ? up : down,
                nu + nd > 1 ? "move" : "moves", nu ? "as the thesis predicts" : "against the "
                "thesis", res->alpha);
}

static void print_km(FILE *out, const coop_hyp_point *res, const coop_config *cfg)
{
    const coop_hyp_states *s = &res->states;
    const char *top = cfg->inst.level_name[cfg->inst.n_levels - 1];
    fprintf(out, "\nTime to the %s level (Kaplan-Meier over the replicates, restricted mean "
            "up to %g years after the start; share still below it at the end):\n", top,
            s->horizon);
    for (int x = 0; x < s->n_states; x++) {
        if (!s->reach[x]) {
            fprintf(out, "  %-6s cannot reach it by input (openness below its omega)\n",
                    s->name[x]);
            continue;
        }
        fprintf(out, "  %-6s", s->name[x]);
        for (int w = 0; w <= res->n_comparisons; w++) {
            char a[32], b[32];
            fprintf(out, "  %s %s y, %s", w ? res->cmp[w - 1].name : "factual",
                    hyp_num(a, sizeof a, s->km_rmst[w][x], 0),
                    hyp_num(b, sizeof b, s->km_surv[w][x], 0));
        }
        fputc('\n', out);
    }
}

static void print_did(FILE *out, const coop_hyp_point *res, const char *mot, int o)
{
    const coop_hyp_states *s = &res->states;
    int any = 0;
    for (int c = 1; c < res->n_comparisons; c++)
        any |= s->did_n[c] > 0 && s->did[c][o].outcome >= 0;
    if (!any)
        return;
    fprintf(out, "Placebo like for like (%s on the others except the placebo actor: "
            "(factual - counterfactual) - (placebo - counterfactual), the primary placebo "
            "reading):", coop_outcome_names[o]);
    for (int c = 1; c < res->n_comparisons; c++) {
        const coop_hyp_result *r = &s->did[c][o];
        if (!s->did_n[c] || r->outcome < 0)
            continue;
        char d[32], lo[32], hi[32];
        fprintf(out, "%s %s %s %s [%s, %s] on %d states", c > 1 ? ";" : "", res->cmp[c].name,
                coop_verdict_name(r->verdict), hyp_num(d, sizeof d, r->s.diff, 1),
                hyp_num(lo, sizeof lo, r->s.boot_lo, 1), hyp_num(hi, sizeof hi, r->s.boot_hi, 1),
                s->did_n[c]);
    }
    fprintf(out, " (supported: the role does more in %s's hands on the same states).\n", mot);
}

int coop_hyp_states_headline(FILE *out, const coop_hyp_point *res, const coop_config *cfg)
{
    const coop_hyp_states *s = &res->states;
    int o = res->primary;
    if (s->n_states == 0 || !coop_outcome_per_state(o))
        return COOP_OK;
    char up[512], down[512];
    int nu = states_with(s, 0, o, COOP_VERDICT_SUPPORTED, up, sizeof up);
    int nd = states_with(s, 0, o, COOP_VERDICT_CONTRADICTED, down, sizeof down);
    if (nu && nd)
        fprintf(out, "Not for every state: per state the effect on %s is supported for %s and "
                "contradicted for %s; the pooled verdict rests on %s weights "
                "(hypothesis.weights) and another weighting can reverse it.\n",
                coop_outcome_names[o], up, down, cfg->hyp.n_weights ? "the configured" : "equal");
    return ferror(out) ? COOP_EIO : COOP_OK;
}

int coop_hyp_states_print(FILE *out, const coop_hyp_point *res, const coop_config *cfg)
{
    const coop_hyp_states *s = &res->states;
    if (s->n_states == 0)
        return COOP_OK;
    const char *mot = coop_cfg_actor_name(cfg, cfg->hyp.motivator);
    int o = coop_outcome_per_state(res->primary) ? res->primary : COOP_O_OTHERS_COOP_TARGET;
    fprintf(out, "\nPer state (%s; Holm over the %d states; pooled above with %s weights, "
            "hypothesis.weights):\n", coop_outcome_names[o], s->n_states,
            cfg->hyp.n_weights ? "the configured" : "equal");
    print_states_block(out, res, o);
    print_disagreement(out, res, mot, o);
    print_km(out, res, cfg);
    if (res->n_comparisons > 1)
        fputc('\n', out);
    print_did(out, res, mot, o);
    return ferror(out) ? COOP_EIO : COOP_OK;
}
