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
 * the states that are neither the motivator nor the placebo actor. */
#include "coop_hypothesis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coop_survival.h"
#include "hyp_internal.h"

/* The difference-in-differences rows are the outcomes before regional_cohesion. */
_Static_assert(COOP_O_REGIONAL_COHESION == COOP_N_OUTCOMES - 1,
               "regional_cohesion, the one outcome without per-state values, is last");

/* The oriented paired comparison of a (factual) and b (other) into r. */
static int compare(const coop_hypothesis_cfg *h, int o, const double *a, const double *b,
                   size_t R, uint32_t seed, coop_hyp_result *r, coop_err *err)
{
    hyp_job job = {o, a, b, r};
    return hyp_compare_all(h, &job, 1, R, seed, err);
}

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
static int has_row(const coop_hyp_states *s, int x, int o)
{
    return coop_outcome_per_state(o) && (o != COOP_O_RMST_ENHANCED || s->reach[x]);
}

/* The per-state comparisons of the n_cmp comparisons, then Holm over the
 * states of each comparison and outcome.  They are made together
 * (hyp_compare_all): their bootstraps, seeded as the pooled rows', share one
 * generator. */
static int per_state(const coop_hypothesis_cfg *h, const double *sv, int n_cmp, size_t R,
                     coop_hyp_point *out, coop_err *err)
{
    coop_hyp_states *s = &out->states;
    int n = s->n_states, n_task = n_cmp * n * COOP_N_OUTCOMES, n_job = 0;
    hyp_job *job = malloc((n_task > 0 ? (size_t)n_task : 1) * sizeof *job);
    if (!job)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for %d comparisons",
                         n_task);
    for (int k = 0; k < n_task; k++) {
        int c = k / (n * COOP_N_OUTCOMES), x = k / COOP_N_OUTCOMES % n, o = k % COOP_N_OUTCOMES;
        coop_hyp_result *r = &s->r[c][x][o];
        r->outcome = -1;
        if (has_row(s, x, o))
            job[n_job++] = (hyp_job){
                o, sv + ((size_t)x * COOP_N_OUTCOMES + (size_t)o) * R,
                sv + (((size_t)(c + 1) * (size_t)n + (size_t)x) * COOP_N_OUTCOMES + (size_t)o) * R,
                r};
    }
    int status = hyp_compare_all(h, job, n_job, R, out->boot_seed, err);
    free(job);
    for (int c = 0; !status && c < n_cmp; c++)
        for (int o = 0; !status && o < COOP_N_OUTCOMES; o++) {
            double p[COOP_MAX_STATES], q[COOP_MAX_STATES];
            int m = 0;
            for (int x = 0; x < n; x++)
                if (has_row(s, x, o))
                    p[m++] = s->r[c][x][o].e.p_decision;
            if (m == 0 || (status = coop_holm(p, (size_t)m, q, err)))
                continue;
            m = 0;
            for (int x = 0; x < n; x++)
                if (has_row(s, x, o)) {
                    coop_hyp_result *r = &s->r[c][x][o];
                    r->p_adj = q[m++];
                    r->verdict = coop_sesoi_verdict(r->e.claim, r->p_adj, h->alpha);
                }
        }
    return status;
}

/* The pooled value of world w's per-state outcome o over the states in `in`,
 * replicate by replicate, into v. */
static void pool(const coop_config *cfg, const coop_hyp_states *s, const double *sv, int w,
                 int o, const int *in, size_t R, double *v)
{
    int n = s->n_states;
    double x[COOP_MAX_STATES], wt[COOP_MAX_STATES];
    for (int k = 0; k < n; k++)
        wt[k] = in[k] ? coop_outcome_weight(cfg, s->actor[k]) : 0.0;
    for (size_t r = 0; r < R; r++) {
        for (int k = 0; k < n; k++)
            x[k] = sv[(((size_t)w * (size_t)n + (size_t)k) * COOP_N_OUTCOMES + (size_t)o) * R + r];
        v[r] = coop_outcome_pool(x, wt, n);
    }
}

/* The difference-in-differences of placebo comparison c on the common set. */
static int did(const coop_config *cfg, const double *sv, int c, size_t R, coop_hyp_point *out,
               double *va, double *vb, coop_err *err)
{
    coop_hyp_states *s = &out->states;
    int w = c + 1, p = cfg->hyp.placebo[w - COOP_HYP_PLACEBO], in[COOP_MAX_STATES], m = 0;
    s->did_placebo[c] = p;
    for (int k = 0; k < s->n_states; k++)
        m += in[k] = s->actor[k] != p && s->actor[k] != cfg->hyp.motivator;
    s->did_n[c] = m;
    if (m == 0)
        return COOP_OK;
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        s->did[c][o].outcome = -1;
        if (!coop_outcome_per_state(o))
            continue;
        pool(cfg, s, sv, 0, o, in, R, va);
        pool(cfg, s, sv, w, o, in, R, vb);
        int st = compare(&cfg->hyp, o, va, vb, R, out->boot_seed, &s->did[c][o], err);
        if (st)
            return st;
    }
    /* the outcomes with a row, every per-state outcome, the first COOP_N_OUTCOMES - 1
     * (regional_cohesion, the last, has none): gatekeeping behind the primary
     * outcome as in the pooled rows (coop_hyp_decide), Holm when it has no row */
    int n_out = COOP_N_OUTCOMES - 1, gate = cfg->hyp.primary;
    return gate < n_out ? coop_hyp_decide(s->did[c], n_out, gate, cfg->hyp.alpha, err)
                        : holm(s->did[c], n_out, cfg->hyp.alpha, err);
}

/* The Kaplan-Meier summaries of world w, state x (times: the rmst_enhanced
 * values; an event where the value is below the horizon). */
static void km(coop_hyp_states *s, const double *sv, int w, int x, size_t R, coop_km_step *steps,
               size_t *scratch, int *ev, double *t)
{
    int n = s->n_states;
    const double *v =
        sv + (((size_t)w * (size_t)n + (size_t)x) * COOP_N_OUTCOMES + COOP_O_RMST_ENHANCED) * R;
    s->km_rmst[w][x] = s->km_surv[w][x] = NAN;
    if (!s->reach[x])
        return;
    for (size_t r = 0; r < R; r++)
        t[r] = v[r], ev[r] = v[r] < s->horizon;
    size_t k = coop_km(t, ev, R, steps, scratch);
    s->km_rmst[w][x] = coop_km_rmst(steps, k, s->horizon);
    s->km_surv[w][x] = coop_km_surv(steps, k, s->horizon);
}

int coop_hyp_states_compare(const coop_config *cfg, const double *sv, int n_worlds,
                            int replicates, coop_hyp_point *out, coop_err *err)
{
    coop_hyp_states *s = &out->states;
    memset(s, 0, sizeof *s);
    int n = coop_outcome_states(cfg, s->actor, COOP_MAX_STATES);
    s->n_states = n = n < COOP_MAX_STATES ? n : COOP_MAX_STATES;
    s->horizon = cfg->n_steps / cfg->steps_per_year;
    size_t R = (size_t)replicates;
    for (int c = 0; c < COOP_HYP_MAX_WORLDS - 1; c++)
        s->did_placebo[c] = -1;
    if (n == 0 || !sv)
        return COOP_OK;
    for (int x = 0; x < n; x++) {
        snprintf(s->name[x], sizeof s->name[x], "%s", coop_cfg_actor_name(cfg, s->actor[x]));
        /* reachability is an input: a state that cannot reach has no value in any
         * replicate of any world */
        const double *v = sv + ((size_t)x * COOP_N_OUTCOMES + COOP_O_RMST_ENHANCED) * R;
        for (size_t r = 0; r < R && !s->reach[x]; r++)
            s->reach[x] = !isnan(v[r]);
    }
    double *buf = malloc(R * (2 * sizeof(double) + sizeof(coop_km_step) + sizeof(size_t) +
                              sizeof(int)));
    if (!buf)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for %zu replicates", R);
    double *va = buf, *vb = buf + R;
    coop_km_step *steps = (coop_km_step *)(buf + 2 * R);
    size_t *scratch = (size_t *)(steps + R);
    int *ev = (int *)(scratch + R);
    int st = COOP_OK;
    st = per_state(&cfg->hyp, sv, n_worlds - 1, R, out, err);
    for (int c = COOP_HYP_PLACEBO - 1; !st && c < n_worlds - 1; c++)
        st = did(cfg, sv, c, R, out, va, vb, err);
    for (int w = 0; !st && w < n_worlds; w++)
        for (int x = 0; x < n; x++)
            km(s, sv, w, x, R, steps, scratch, ev, va);
    free(buf);
    return st;
}

/* ---------------------------------------------------------------- hypothesis.csv */

void hyp_states_csv(coop_csv *w, const coop_hyp_point *res)
{
    const coop_hyp_states *s = &res->states;
    for (int c = 0; c < res->n_comparisons; c++)
        for (int o = 0; s->did_n[c] && o < COOP_N_OUTCOMES; o++)
            if (s->did[c][o].outcome >= 0)
                hyp_csv_row(w, res->point, res->cmp[c].name, "common", &s->did[c][o]);
    for (int c = 0; c < res->n_comparisons; c++)
        for (int x = 0; x < s->n_states; x++)
            for (int o = 0; o < COOP_N_OUTCOMES; o++)
                if (s->r[c][x][o].outcome >= 0)
                    hyp_csv_row(w, res->point, res->cmp[c].name, s->name[x], &s->r[c][x][o]);
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
