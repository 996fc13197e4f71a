/* test_hypothesis.c: the paired counterfactual test (coop_hypothesis.h).
 *
 * World construction: the counterfactual differs from the factual configuration
 * in exactly the motivator's four strengths; a placebo world moves the role (and
 * the events that change it) to the placebo actor and changes nothing else.
 * Common random numbers: worlds configured identically give paired differences of
 * exactly 0 and an inconclusive verdict.  Orientation: outcomes where fewer is
 * better are compared the other way round.  Per-point comparisons: a plan of
 * several points gives each point its own comparisons, equal to those computed
 * from the outcomes directly.  Statistical honesty: over 40 seeds of a true null
 * with non-zero differences, the verdict is `supported` no more often than alpha
 * allows; a strong motivator is `supported`.  End to end: `coopsim hypothesis`
 * writes hypothesis.csv with the documented header and one row per outcome and
 * comparison, prints the table, is thread invariant and reproducible from its
 * manifest, writes a hypothesis.csv that outcomes.csv reproduces byte for byte,
 * gives every point of a sweep its comparisons (point 0 equal to the plain test
 * at its values; resuming a complete sweep writes the same file again), and
 * refuses bad settings with exit status 2 and FILE:LINE. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>

#include "config_io.h"
#include "coop_csv.h"
#include "coop_hypothesis.h"
#include "coop_output.h"
#include "coop_rng.h"
#include "e2e.h"
#include "files.h"
#include "outcomes_fixture.h"
#include "plan.h"

#define SMALL "tests/data/hyp_small.cfg"

static void assert_same_cfg(const coop_config *a, const coop_config *b, const char *what)
{
    char *x = print_str(a), *y = print_str(b);
    cr_assert_str_eq(x, y, "%s", what);
    free(x);
    free(y);
}

/* Runs the worlds of cfg (replicates, seed from cfg) and returns the comparisons
 * of point 0.  No files. */
typedef struct got {
    coop_hyp_point res;
    int calls;
} got;

static int keep(void *ctx, const coop_hyp_point *res, const coop_config *cfg, coop_err *err)
{
    (void)cfg, (void)err;
    got *g = ctx;
    g->res = *res;
    g->calls++;
    return COOP_OK;
}

static void run_worlds(const coop_config *cfg, got *g)
{
    coop_err err = {0};
    coop_hyp_worlds *w = coop_hyp_worlds_alloc(cfg, &err);
    cr_assert_not_null(w, "%s", err.text);
    memset(g, 0, sizeof *g);
    coop_hyp_collector *col = coop_hyp_collector_alloc(w->n, cfg->replicates, (uint32_t)cfg->seed,
                                                       NULL, keep, g, &err);
    cr_assert_not_null(col, "%s", err.text);
    const coop_config *cfgs[COOP_HYP_MAX_WORLDS];
    for (int k = 0; k < w->n; k++)
        cfgs[k] = &w->cfg[k];
    coop_plan plan = test_plan(1, 0, w->n, cfgs, w->names, cfg->replicates, (uint32_t)cfg->seed);
    coop_sink sink = coop_hyp_collector_sink(col);
    cr_assert(eq(int, coop_experiment_run_plan(&plan, 2, &sink, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, g->calls, 1));
    coop_hyp_collector_free(col);
    coop_hyp_worlds_free(w);
}

/* ---- world construction ---- */

Test(hypothesis, counterfactual_zeroes_the_four_strengths_and_nothing_else)
{
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    coop_err err = {0};
    coop_hyp_worlds *w = coop_hyp_worlds_alloc(&c, &err);
    cr_assert_not_null(w, "%s", err.text);
    cr_assert(eq(int, w->n, 3));
    cr_assert_str_eq(w->names[0], "factual");
    cr_assert_str_eq(w->names[1], "counterfactual");
    cr_assert_str_eq(w->names[2], "placebo:KG");
    int kz = coop_config_actor(&c, "KZ"), kg = coop_config_actor(&c, "KG");
    assert_same_cfg(&w->cfg[0], &c, "the factual world is the configuration");

    coop_config *cf = &w->cfg[1];
    const coop_motivator_cfg *m = &cf->actors[kz].motivator;
    cr_assert(eq(dbl, m->initiative_rate, 0.0));
    cr_assert(eq(dbl, m->initiative_impact, 0.0));
    cr_assert(eq(dbl, m->demonstration, 0.0));
    cr_assert(eq(dbl, m->brokerage, 0.0));
    cr_assert(eq(int, m->target, c.actors[kz].motivator.target));
    /* Put the four back: the rest must be the factual configuration, byte for byte. */
    cf->actors[kz].motivator = c.actors[kz].motivator;
    assert_same_cfg(cf, &c, "the counterfactual changes more than the four strengths");

    /* Placebo: KG holds KZ's role, KZ none; nothing else changes. */
    coop_config *pl = &w->cfg[2];
    cr_assert(eq(int, pl->actors[kg].motivator.target, c.actors[kz].motivator.target));
    cr_assert(eq(dbl, pl->actors[kg].motivator.demonstration, c.actors[kz].motivator.demonstration));
    cr_assert(eq(dbl, pl->actors[kg].motivator.brokerage, c.actors[kz].motivator.brokerage));
    cr_assert(eq(dbl, pl->actors[kg].motivator.initiative_rate, c.actors[kz].motivator.initiative_rate));
    cr_assert(eq(dbl, pl->actors[kg].motivator.initiative_impact,
                 c.actors[kz].motivator.initiative_impact));
    /* KZ keeps none of its four strengths (each is above 0 in SMALL) */
    cr_assert(eq(dbl, pl->actors[kz].motivator.initiative_rate, 0.0));
    cr_assert(eq(dbl, pl->actors[kz].motivator.initiative_impact, 0.0));
    cr_assert(eq(dbl, pl->actors[kz].motivator.demonstration, 0.0));
    cr_assert(eq(dbl, pl->actors[kz].motivator.brokerage, 0.0));
    /* The outcomes stay about the original motivator and target. */
    cr_assert(eq(int, pl->hyp.motivator, kz));
    cr_assert(eq(int, pl->hyp.target, c.hyp.target));
    pl->actors[kz].motivator = c.actors[kz].motivator;
    pl->actors[kg].motivator = c.actors[kg].motivator;
    assert_same_cfg(pl, &c, "the placebo world changes more than the role");
    coop_hyp_worlds_free(w);
    coop_config_destroy(&c);
}

Test(hypothesis, events_on_the_role_follow_it)
{
    coop_config c;
    load_text("time = { start = 2000.0; end = 2005.0; };\n"
              "hypothesis = { placebo = [ \"B\" ]; };\n"
              "actors = ( { name = \"T\"; },\n"
              "  { name = \"A\"; region = \"r\"; motivator = { target = \"T\"; demonstration = 0.2; }; },\n"
              "  { name = \"B\"; region = \"r\"; } );\n"
              "ties = ( { a = \"T\"; b = \"A\"; }, { a = \"T\"; b = \"B\"; }, { a = \"A\"; b = \"B\"; } );\n"
              "events = ( { date = 2001.0; path = \"actors.A.motivator.demonstration\"; value = 0.5; },\n"
              "           { date = 2002.0; path = \"actors.B.openness\"; value = 0.5; } );\n",
              NULL, 0, &c);
    coop_err err = {0};
    coop_hyp_worlds *w = coop_hyp_worlds_alloc(&c, &err);
    cr_assert_not_null(w, "%s", err.text);
    /* Counterfactual: the role event is dropped (it would switch the role back on). */
    cr_assert(eq(sz, w->cfg[1].n_events, 1));
    cr_assert_str_eq(w->cfg[1].events[0].path, "actors.B.openness");
    /* Placebo: it applies to B's role instead. */
    cr_assert(eq(sz, w->cfg[2].n_events, 2));
    cr_assert_str_eq(w->cfg[2].events[0].path, "actors.B.motivator.demonstration");
    cr_assert(eq(int, w->cfg[2].events[0].ref.index, 2));
    cr_assert(eq(int, w->cfg[2].events[0].ref.field, COOP_F_MOT_DEMONSTRATION));
    cr_assert(eq(dbl, coop_config_get_param(&w->cfg[2], &w->cfg[2].events[0].ref), 0.2));
    cr_assert(eq(sz, w->cfg[0].n_events, 2));
    coop_hyp_worlds_free(w);
    coop_config_destroy(&c);
}

Test(hypothesis, role_helpers_refuse_bad_requests)
{
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    coop_err err = {0};
    int kz = coop_config_actor(&c, "KZ"), kg = coop_config_actor(&c, "KG"), eu = 0;
    cr_assert(eq(int, coop_hypothesis_move_role(&c, kz, eu, &err), COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "target"), "%s", err.text);
    cr_assert(eq(int, coop_hypothesis_move_role(&c, kg, kz, &err), COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "no motivator role"), "%s", err.text);
    cr_assert(eq(int, coop_hypothesis_move_role(&c, kz, kz, &err), COOP_EINVAL));
    cr_assert(eq(int, coop_hypothesis_remove_role(&c, 99, &err), COOP_EINVAL));
    coop_config_destroy(&c);

    /* No motivator: nothing to test. */
    load_text("actors = ( { name = \"A\"; }, { name = \"B\"; } );\n", NULL, 0, &c);
    cr_assert_null(coop_hyp_worlds_alloc(&c, &err));
    cr_assert(eq(int, err.code, COOP_ECONFIG));
    cr_assert_not_null(strstr(err.text, "nothing to test"), "%s", err.text);
    coop_config_destroy(&c);
}

/* ---- common random numbers ---- */

/* Worlds configured alike give paired differences of exactly 0: equivalent to no
 * effect within any SESOI > 0 (TOST p = 0), so negligible, not inconclusive. */
Test(hypothesis, identical_worlds_give_zero_differences_and_negligible_effects)
{
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    int kz = coop_config_actor(&c, "KZ");
    /* A role of strength 0 everywhere: all three worlds are configured alike. */
    coop_motivator_cfg *m = &c.actors[kz].motivator;
    m->initiative_rate = m->initiative_impact = m->demonstration = m->brokerage = 0.0;
    c.replicates = 12;
    got g;
    run_worlds(&c, &g);
    cr_assert(eq(int, g.res.n_comparisons, 2));
    for (int k = 0; k < 2; k++) {
        const coop_hyp_comparison *cm = &g.res.cmp[k];
        cr_assert(eq(int, cm->verdict, COOP_VERDICT_NEGLIGIBLE));
        for (int o = 0; o < COOP_N_OUTCOMES; o++) {
            const coop_hyp_result *r = &cm->r[o];
            cr_assert(eq(sz, r->s.n, 12), "%s", coop_outcome_names[o]);
            cr_assert(eq(sz, r->s.n_nonzero, 0), "%s: a non-zero paired difference",
                      coop_outcome_names[o]);
            cr_assert(eq(dbl, r->s.diff, 0.0));
            cr_assert(eq(dbl, r->s.mean_a, r->s.mean_b));
            cr_assert(eq(dbl, r->s.boot_lo, 0.0));
            cr_assert(eq(dbl, r->s.boot_hi, 0.0));
            cr_assert(eq(dbl, r->s.p_t, 1.0));
            cr_assert(eq(dbl, r->e.p_tost, 0.0));
            cr_assert(eq(dbl, r->p_adj, 0.0));
            cr_assert(eq(int, r->verdict, COOP_VERDICT_NEGLIGIBLE));
        }
    }
    coop_config_destroy(&c);
}

/* ---- statistics on given outcomes ---- */

/* With hypothesis.sesoi 0 (h zeroed) the minimum-effect tests are the one-sided
 * t-tests, so each outcome's decision p-value is its two-sided p_t, and p_adj is
 * coop_gatekeep over them (the primary alone, Holm over the other five). */
Test(hypothesis, orientation_and_gatekeeping)
{
    enum { R = 8, W = 2 };
    double v[W * COOP_N_OUTCOMES * R];
    /* Factual: more cooperation and fewer years; the counterfactual the reverse. */
    for (int r = 0; r < R; r++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++) {
            double base = 1.0 + o + 0.1 * ((r * 7) % 5), eff = 0.5 + 0.01 * r;
            double better = coop_hypothesis_orientation(o) > 0 ? eff : -eff;
            v[(0 * COOP_N_OUTCOMES + o) * R + r] = base + better;
            v[(1 * COOP_N_OUTCOMES + o) * R + r] = base;
        }
    cr_assert(eq(int, coop_hypothesis_orientation(COOP_O_RMST_ENHANCED), -1));
    cr_assert(eq(int, coop_hypothesis_orientation(COOP_O_ENGAGED_SHARE), 1));
    cr_assert(eq(int, coop_hypothesis_orientation(COOP_O_OTHERS_COOP_TARGET), 1));
    coop_hypothesis_cfg h = {.primary = COOP_O_RMST_ENHANCED, .alpha = 0.05,
                             .confidence = 0.95, .bootstrap = 500};
    const char *names[] = {"factual", "counterfactual"};
    coop_hyp_point res;
    coop_err err = {0};
    cr_assert(eq(int, coop_hypothesis_compare(&h, v, W, R, names, 3, 99, &res, &err), COOP_OK),
              "%s", err.text);
    cr_assert(eq(int, res.point, 3));
    cr_assert(eq(u32, res.boot_seed, 99));
    const coop_hyp_comparison *cm = &res.cmp[0];
    cr_assert_str_eq(cm->name, "counterfactual");
    double p[COOP_N_OUTCOMES], adj[COOP_N_OUTCOMES];
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        const coop_hyp_result *r = &cm->r[o];
        const double *a = v + o * R, *b = v + (COOP_N_OUTCOMES + o) * R;
        coop_paired ref;
        int sg = coop_hypothesis_orientation(o);
        cr_assert(eq(int, coop_paired_compare(sg > 0 ? a : b, sg > 0 ? b : a, R, 0.95, 500, 99,
                                              &ref, NULL), COOP_OK));
        /* Oriented: positive where the factual world is better, either way round. */
        cr_assert(gt(dbl, r->s.diff, 0.4), "%s: diff %g", coop_outcome_names[o], r->s.diff);
        cr_assert(eq(dbl, r->s.diff, ref.diff));
        cr_assert(eq(dbl, r->s.boot_lo, ref.boot_lo));
        cr_assert(eq(dbl, r->s.boot_hi, ref.boot_hi));
        cr_assert(eq(dbl, r->s.t_lo, ref.t_lo));
        cr_assert(eq(dbl, r->s.d_z, ref.d_z));
        cr_assert(gt(dbl, r->s.d_z, 0.0));
        /* The means stay the factual and the other world's, in their units. */
        double mean = 0;
        for (int k = 0; k < R; k++)
            mean += a[k] / R;
        cr_assert(ieee_ulp_eq(dbl, r->s.mean_a, mean, 8));
        cr_assert(eq(dbl, r->s.mean_a, sg > 0 ? ref.mean_a : ref.mean_b));
        cr_assert(eq(dbl, r->s.mean_b, sg > 0 ? ref.mean_b : ref.mean_a));
        if (sg < 0)
            cr_assert(lt(dbl, r->s.mean_a, r->s.mean_b), "fewer years in the factual world");
        p[o] = ref.p_t;
        cr_assert(eq(int, r->verdict, COOP_VERDICT_SUPPORTED), "%s", coop_outcome_names[o]);
    }
    cr_assert(eq(int, coop_gatekeep(p, COOP_N_OUTCOMES, COOP_O_RMST_ENHANCED, adj, NULL),
                 COOP_OK));
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        cr_assert(ieee_ulp_eq(dbl, cm->r[o].e.p_decision, p[o], 4), "%s", coop_outcome_names[o]);
        cr_assert(ieee_ulp_eq(dbl, cm->r[o].p_adj, adj[o], 4), "%s", coop_outcome_names[o]);
    }
    cr_assert(eq(int, cm->verdict, COOP_VERDICT_SUPPORTED));

    /* The same data the other way round: contradicted. */
    double s[W * COOP_N_OUTCOMES * R];
    memcpy(s, v + COOP_N_OUTCOMES * R, sizeof v / 2);
    memcpy(s + COOP_N_OUTCOMES * R, v, sizeof v / 2);
    cr_assert(eq(int, coop_hypothesis_compare(&h, s, W, R, names, 0, 99, &res, &err), COOP_OK));
    cr_assert(eq(int, res.cmp[0].verdict, COOP_VERDICT_CONTRADICTED));
    cr_assert(lt(dbl, res.cmp[0].r[COOP_O_RMST_ENHANCED].s.diff, 0.0));

    /* The bootstrap seed of a point. */
    cr_assert(eq(u32, coop_hypothesis_boot_seed(5, 2),
                 coop_rng_seed(5, 2, 0, COOP_STREAM_BOOTSTRAP)));
    cr_assert(ne(u32, coop_hypothesis_boot_seed(5, 2),
                 coop_rng_stream(coop_rng_key(5, 2, 0), COOP_STREAM_MAIN, 0)));
}

/* The comparison's verdict is the primary outcome's, and each secondary outcome's
 * verdict uses its Holm-adjusted p-value behind the primary's gate (SESOI 0):
 * outcome 0 has no effect (inconclusive), the primary (years to enhanced) a
 * strong one (supported), outcomes 1 and 2 a moderate one (raw p about 0.03 each,
 * below alpha; Holm over the five secondaries multiplies them by 5 and 4:
 * inconclusive). */
Test(hypothesis, verdicts_follow_the_primary_outcome_and_holm)
{
    enum { R = 8, W = 2 };
    double v[W * COOP_N_OUTCOMES * R];
    for (int r = 0; r < R; r++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++) {
            double base = 1.0 + o, d = 0.0;
            if (o == COOP_O_RMST_ENHANCED)
                d = 0.5 + 0.01 * r;
            else if (o == 1 || o == 2)
                d = r % 2 ? 0.0 : 1.0; /* mean 0.5, t = 2.65 on 7 df */
            v[(0 * COOP_N_OUTCOMES + o) * R + r] = base + coop_hypothesis_orientation(o) * d;
            v[(1 * COOP_N_OUTCOMES + o) * R + r] = base;
        }
    coop_hypothesis_cfg h = {.primary = COOP_O_RMST_ENHANCED, .alpha = 0.05,
                             .confidence = 0.95, .bootstrap = 0};
    const char *names[] = {"factual", "counterfactual"};
    coop_hyp_point res;
    coop_err err = {0};
    cr_assert(eq(int, coop_hypothesis_compare(&h, v, W, R, names, 0, 1, &res, &err), COOP_OK),
              "%s", err.text);
    const coop_hyp_comparison *cm = &res.cmp[0];
    cr_assert(eq(int, cm->r[0].verdict, COOP_VERDICT_INCONCLUSIVE));
    cr_assert(eq(int, cm->r[COOP_O_RMST_ENHANCED].verdict, COOP_VERDICT_SUPPORTED));
    cr_assert(eq(int, cm->verdict, COOP_VERDICT_SUPPORTED), "the primary outcome decides");
    for (int o = 1; o <= 2; o++) {
        const coop_hyp_result *r = &cm->r[o];
        cr_assert(lt(dbl, r->s.p_t, 0.04), "%s: p %g", coop_outcome_names[o], r->s.p_t);
        cr_assert(gt(dbl, r->s.p_t, 0.02), "%s: p %g", coop_outcome_names[o], r->s.p_t);
        cr_assert(ge(dbl, r->p_adj, 4 * r->s.p_t), "%s: p_adj %g", coop_outcome_names[o],
                  r->p_adj);
        cr_assert(eq(int, r->verdict, COOP_VERDICT_INCONCLUSIVE), "%s: Holm, not the raw p",
                  coop_outcome_names[o]);
    }
}

Test(hypothesis, compare_refuses_bad_requests)
{
    double v[2 * COOP_N_OUTCOMES] = {0};
    coop_hypothesis_cfg h = {.primary = 0, .alpha = 0.05, .confidence = 0.95};
    coop_hyp_point res;
    coop_err err = {0};
    cr_assert(eq(int, coop_hypothesis_compare(&h, v, 1, 1, NULL, 0, 1, &res, &err), COOP_EINVAL));
    cr_assert(eq(int, coop_hypothesis_compare(&h, v, 2, 0, NULL, 0, 1, &res, &err), COOP_EINVAL));
    h.primary = COOP_N_OUTCOMES;
    cr_assert(eq(int, coop_hypothesis_compare(&h, v, 2, 1, NULL, 0, 1, &res, &err), COOP_EINVAL));
    cr_assert_null(coop_hyp_collector_alloc(1, 5, 1, NULL, NULL, NULL, &err));
    cr_assert_null(coop_hyp_collector_alloc(2, 0, 1, NULL, NULL, NULL, &err));
}

/* ---- one comparison per point ---- */

typedef struct per_point {
    coop_hyp_point res[3];
    int calls;
    double values[3][2][COOP_N_OUTCOMES][10]; /* point, world, outcome, replicate */
} per_point;

static int keep_point(void *ctx, const coop_hyp_point *res, const coop_config *cfg, coop_err *err)
{
    (void)cfg, (void)err;
    per_point *pp = ctx;
    cr_assert(lt(int, pp->calls, 3));
    pp->res[pp->calls++] = *res;
    return COOP_OK;
}

/* The outcomes as outcomes.csv writes them ("%.10g"): what the collector compares. */
static int spy(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    (void)err;
    per_point *pp = ctx;
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.10g", rec->outcome[o]);
        pp->values[it->point - 4][it->world][o][it->replicate] =
            isnan(rec->outcome[o]) ? NAN : strtod(buf, NULL);
    }
    return COOP_OK;
}

Test(hypothesis, every_point_gets_its_own_comparison)
{
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    c.hyp.n_placebo = 0;
    /* Three points of a dose-response sweep of the demonstration strength. */
    double dose[3] = {0.0, 0.3, 1.0};
    coop_hyp_worlds *w[3];
    const coop_config *cfgs[3 * 2];
    coop_err err = {0};
    int kz = coop_config_actor(&c, "KZ");
    for (int p = 0; p < 3; p++) {
        c.actors[kz].motivator.demonstration = dose[p];
        w[p] = coop_hyp_worlds_alloc(&c, &err);
        cr_assert_not_null(w[p], "%s", err.text);
        cfgs[2 * p] = &w[p]->cfg[0];
        cfgs[2 * p + 1] = &w[p]->cfg[1];
    }
    per_point *pp = calloc(1, sizeof *pp);
    coop_sink inner = {.ctx = pp, .replicate = spy, .point_done = NULL};
    coop_hyp_collector *col = coop_hyp_collector_alloc(2, 10, 11, &inner, keep_point, pp, &err);
    cr_assert_not_null(col);
    coop_plan plan = test_plan(3, 4, 2, cfgs, w[0]->names, 10, 11);
    coop_sink sink = coop_hyp_collector_sink(col);
    cr_assert(eq(int, coop_experiment_run_plan(&plan, 3, &sink, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, pp->calls, 3));
    for (int p = 0; p < 3; p++) {
        cr_assert(eq(int, pp->res[p].point, 4 + p));
        cr_assert(eq(u32, pp->res[p].boot_seed, coop_hypothesis_boot_seed(11, 4 + p)));
        coop_hyp_point ref;
        const char *names[] = {"factual", "counterfactual"};
        cr_assert(eq(int, coop_hypothesis_compare(&c.hyp, &pp->values[p][0][0][0], 2, 10, names,
                                                  4 + p, coop_hypothesis_boot_seed(11, 4 + p),
                                                  &ref, &err), COOP_OK));
        for (int o = 0; o < COOP_N_OUTCOMES; o++) {
            cr_assert(eq(dbl, pp->res[p].cmp[0].r[o].s.diff, ref.cmp[0].r[o].s.diff));
            cr_assert(eq(dbl, pp->res[p].cmp[0].r[o].s.boot_lo, ref.cmp[0].r[o].s.boot_lo));
            cr_assert(eq(dbl, pp->res[p].cmp[0].r[o].p_adj, ref.cmp[0].r[o].p_adj));
        }
    }
    /* Dose 0 is a role of strength 0 in demonstration only: initiatives and
     * brokerage still act, so the points differ. */
    cr_assert(ne(dbl, pp->res[0].cmp[0].r[0].s.diff, pp->res[2].cmp[0].r[0].s.diff));
    coop_hyp_collector_free(col);
    free(pp);
    for (int p = 0; p < 3; p++)
        coop_hyp_worlds_free(w[p]);
    coop_config_destroy(&c);
}

/* ---- statistical honesty ---- */

/* Initiatives that change nothing (impact, demonstration and brokerage 0, no
 * attention budget that binds) change no outcome: their draws come from the
 * motivators' own stream, so the factual and counterfactual runs of a replicate
 * stay identical (docs/HYPOTHESIS.md, common random numbers), and the verdict is
 * negligible (equivalent to no effect within the SESOI) with every paired
 * difference exactly 0. */
Test(hypothesis, ineffective_initiatives_change_nothing)
{
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    int kz = coop_config_actor(&c, "KZ");
    coop_motivator_cfg *m = &c.actors[kz].motivator;
    m->initiative_rate = 0.5;
    m->initiative_impact = m->demonstration = m->brokerage = 0.0;
    c.hyp.n_placebo = 0;
    c.replicates = 30;
    for (int s = 0; s < 3; s++) {
        c.seed = 1000 + (unsigned long)s;
        got g;
        run_worlds(&c, &g);
        cr_assert(eq(int, g.res.cmp[0].verdict, COOP_VERDICT_NEGLIGIBLE));
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            cr_assert(eq(int, g.res.cmp[0].r[o].s.n_nonzero, 0), "outcome %d differs", o);
    }
    coop_config_destroy(&c);
}

/* Common random numbers pair the worlds: every tie draws from its own stream and
 * the motivators from theirs, so the factual and counterfactual runs of a
 * replicate share the random numbers that decide engagement, choices and errors,
 * and their outcomes are correlated.  (With one stream per run they parted at the
 * first initiative draw: on this scenario the correlation of the primary outcome
 * was 0.01.)  Measured over 300 replicates of tests/data/hyp_small.cfg: 0.66; the
 * test asks for more than 0.4. */
Test(hypothesis, common_random_numbers_pair_the_worlds)
{
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    c.hyp.n_placebo = 0;
    coop_err err = {0};
    coop_hyp_worlds *w = coop_hyp_worlds_alloc(&c, &err);
    cr_assert_not_null(w, "%s", err.text);
    enum { R = 300 };
    static double x[2][COOP_N_OUTCOMES * R];
    for (int k = 0; k < 2; k++)
        run_outcomes(&w->cfg[k], (uint32_t)c.seed, R, x[k]);
    const double *a = x[0] + c.hyp.primary * R, *b = x[1] + c.hyp.primary * R;
    double corr = gsl_stats_correlation(a, 1, b, 1, R);
    cr_log_info("correlation of the primary outcome across the worlds: %.3f", corr);
    cr_assert(gt(dbl, corr, 0.4), "correlation %.3f", corr);
    coop_hyp_worlds_free(w);
    coop_config_destroy(&c);
}

/* A true null with correlated, non-zero differences: world B is world A with an
 * event at the second step that multiplies the noise by 1.  No parameter changes,
 * but restarting the implementation-error process draws a new gap on every tie's
 * stream (geometric gaps are memoryless: the same law), so B's runs part from A's
 * while sharing the engagement, choice and initiative streams: the pairs are
 * positively correlated, as under common random numbers, and the two worlds have
 * the same distribution.  Over 40 seeds (40 independent experiments of 30 pairs):
 *  - the verdict is `supported` (beyond the SESOI, at alpha / 2) at most 3 times: under
 *    Binomial(40, alpha/2 = 0.025), P(X >= 4) = 0.017;
 *  - the primary outcome's raw paired t-test rejects (either sign, unadjusted)
 *    at most 5 times: under Binomial(40, alpha = 0.05), P(X >= 6) = 0.014;
 *  - every experiment has non-zero differences, and the pooled correlation of the
 *    primary outcome across the pairs is positive (the null is a paired one). */
Test(hypothesis, honest_under_a_true_null)
{
    static const char *const reset[] = {
        "events=({date=2000.25;path=\"noise\";op=\"mul\";value=1.0;})"};
    coop_config ca, cb;
    coop_err err = {0};
    load_ok(SMALL, NULL, 0, &ca);
    memset(&cb, 0, sizeof cb);
    cr_assert(eq(int, coop_config_load(SMALL, reset, 1, &cb, &err), COOP_OK), "%s", err.text);
    cr_assert(gt(dbl, ca.noise, 0.0), "the null needs implementation errors");
    enum { R = 30, S = 40 };
    double *v = malloc(2 * COOP_N_OUTCOMES * R * sizeof *v);
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int supported = 0, rejected = 0, nonzero = 0, prim = ca.hyp.primary;
    for (int s = 0; s < S; s++) {
        for (int w = 0; w < 2; w++)
            run_outcomes(w ? &cb : &ca, 3000 + (uint32_t)s, R, v + w * COOP_N_OUTCOMES * R);
        for (int r = 0; r < R; r++) {
            double x = v[prim * R + r], y = v[(COOP_N_OUTCOMES + prim) * R + r];
            sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
        }
        coop_hyp_point res;
        cr_assert(eq(int, coop_hypothesis_compare(&ca.hyp, v, 2, R, NULL, 0, 1, &res, &err),
                     COOP_OK));
        supported += res.cmp[0].verdict == COOP_VERDICT_SUPPORTED;
        rejected += res.cmp[0].r[prim].s.p_t < ca.hyp.alpha;
        nonzero += res.cmp[0].r[prim].s.n_nonzero > 0;
    }
    double n = (double)R * S;
    double corr = (sxy - sx * sy / n) / sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
    cr_log_info("correlated null: supported %d/40, raw t rejections %d/40, correlation %.3f",
                supported, rejected, corr);
    cr_assert(eq(int, nonzero, S), "the null must give non-zero differences");
    cr_assert(gt(dbl, corr, 0.0), "the pairs must be positively correlated");
    cr_assert(le(int, supported, 3), "supported in %d of 40 null experiments", supported);
    cr_assert(le(int, rejected, 5), "the raw t-test rejected %d of 40 null experiments", rejected);
    free(v);
    coop_config_destroy(&ca);
    coop_config_destroy(&cb);
}

/* A second null: the factual world against itself run with other seeds (no
 * common random numbers, independent pairs), through coop_hypothesis_compare. */
Test(hypothesis, honest_without_common_random_numbers)
{
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    c.hyp.n_placebo = 0;
    enum { R = 30 };
    double *v = malloc(2 * COOP_N_OUTCOMES * R * sizeof *v);
    int supported = 0, rejected = 0;
    coop_err err = {0};
    for (int s = 0; s < 40; s++) {
        for (int w = 0; w < 2; w++)
            run_outcomes(&c, (uint32_t)(2000 + 2 * s + w), R, v + w * COOP_N_OUTCOMES * R);
        coop_hyp_point res;
        cr_assert(eq(int, coop_hypothesis_compare(&c.hyp, v, 2, R, NULL, 0, 1, &res, &err),
                     COOP_OK));
        supported += res.cmp[0].verdict == COOP_VERDICT_SUPPORTED;
        rejected += res.cmp[0].r[c.hyp.primary].s.p_t < c.hyp.alpha;
    }
    cr_log_info("independent null: supported %d/40, raw t rejections %d/40", supported, rejected);
    cr_assert(le(int, supported, 3), "supported in %d of 40 null experiments", supported);
    cr_assert(le(int, rejected, 5), "the raw t-test rejected %d of 40 null experiments", rejected);
    free(v);
    coop_config_destroy(&c);
}

Test(hypothesis, a_strong_motivator_is_supported)
{
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    int kz = coop_config_actor(&c, "KZ");
    coop_motivator_cfg *m = &c.actors[kz].motivator;
    m->initiative_rate = m->initiative_impact = m->demonstration = m->brokerage = 1.0;
    c.replicates = 30;
    got g;
    run_worlds(&c, &g);
    const coop_hyp_result *r = &g.res.cmp[0].r[COOP_O_OTHERS_COOP_TARGET];
    cr_assert(eq(int, g.res.cmp[0].verdict, COOP_VERDICT_SUPPORTED),
              "diff %g, p_adj %g", r->s.diff, r->p_adj);
    cr_assert(gt(dbl, r->s.diff, 0.0));
    cr_assert(gt(dbl, r->s.boot_lo, 0.0));
    /* Sooner to the enhanced level: the oriented difference is positive too. */
    cr_assert(gt(dbl, g.res.cmp[0].r[COOP_O_RMST_ENHANCED].s.diff, 0.0));
    cr_assert(lt(dbl, g.res.cmp[0].r[COOP_O_RMST_ENHANCED].s.mean_a,
                 g.res.cmp[0].r[COOP_O_RMST_ENHANCED].s.mean_b));
    coop_config_destroy(&c);
}

/* ---- end to end ---- */

/* Whether s has a line that starts with `start` and ends with ",state". */
static int has_row(const char *s, const char *start, const char *state)
{
    char want[256];
    snprintf(want, sizeof want, "\n%s", start[0] == '\n' ? start + 1 : start);
    for (const char *q = s; (q = strstr(q, want)); q++) {
        const char *end = strchr(q + 1, '\n');
        size_t n = strlen(state);
        if (end && end - q > (long)n && end[-(long)n - 1] == ',' &&
            strncmp(end - n, state, n) == 0)
            return 1;
    }
    return 0;
}

/* How often needle occurs in s. */
static int count_substr(const char *s, const char *needle)
{
    int n = 0;
    for (const char *q = s; (q = strstr(q, needle)); q += strlen(needle))
        n++;
    return n;
}

Test(hypothesis_e2e, writes_hypothesis_csv_and_prints_the_table)
{
    char dir[64], out[128], path[256];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/res", dir);
    e2e_result *r = e2e_run("hypothesis " SMALL " -o %s --quiet", out);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_assert_not_null(strstr(r->out, "factual vs counterfactual"), "%s", r->out);
    cr_assert_not_null(strstr(r->out, "factual vs placebo"), "%s", r->out);
    cr_assert_not_null(strstr(r->out, "* others_coop_target"), "%s", r->out);
    cr_assert_not_null(strstr(r->out, "\nVerdict: "), "%s", r->out);

    snprintf(path, sizeof path, "%s/hypothesis.csv", out);
    char *h = slurp_or_fail(path, NULL);
    const char *header = "point,outcome,comparison,mean_a,mean_b,diff,ci_lo,ci_hi,p_t,"
                         "p_wilcoxon,d_z,verdict,t_lo,t_hi,p_adj,n,sesoi,p_tost,p_min_effect,"
                         "n_needed,state\n";
    cr_assert(eq(int, strncmp(h, header, strlen(header)), 0), "%s", h);
    /* pooled rows (state "all"), the placebo's difference-in-differences on the
     * common set (the others but KG: 5 outcomes) and per-state rows: 3 others
     * (KG, TJ, UZ, all open enough to reach the enhanced level) x 2 comparisons x
     * the 5 outcomes with per-state values */
    cr_assert(eq(int, count_substr(h, ",all\n"), 2 * COOP_N_OUTCOMES));
    cr_assert(eq(int, count_substr(h, ",common\n"), COOP_N_OUTCOMES - 1));
    cr_assert(eq(int, count_lines(h), 1 + 2 * COOP_N_OUTCOMES + 5 + 3 * 2 * 5));
    cr_assert(has_row(h, "0,others_coop_target,counterfactual,", "all"));
    cr_assert(has_row(h, "0,regional_cohesion,placebo:KG,", "all"));
    cr_assert(has_row(h, "0,others_coop_target,placebo:KG,", "common"));
    cr_assert(has_row(h, "0,others_coop_target,counterfactual,", "UZ"));
    cr_assert(has_row(h, "0,rmst_enhanced,counterfactual,", "TJ"));
    cr_assert(has_row(h, "0,others_coop_target,placebo:KG,", "KG"));
    cr_assert(not(has_row(h, "0,regional_cohesion,counterfactual,", "UZ")), "per-state cohesion");
    free(h);
    /* Every row has a verdict and the 30 pairs. */
    coop_csv_reader c = {0};
    coop_err err = {0};
    int col[2], got, rows = 0;
    static const char *const need[] = {"verdict", "n"};
    cr_assert(eq(int, coop_csv_reader_open(&c, out, "hypothesis.csv", &err), COOP_OK), "%s",
              err.text);
    cr_assert(eq(int, coop_csv_reader_need(&c, need, col, 2, &err), COOP_OK), "%s", err.text);
    while (coop_csv_reader_next(&c, &got, &err) == COOP_OK && got) {
        const char *v = c.fld[col[0]];
        cr_assert(strcmp(v, "supported") == 0 || strcmp(v, "inconclusive") == 0 ||
                  strcmp(v, "contradicted") == 0 || strcmp(v, "negligible") == 0,
                  "line %ld: verdict '%s'", c.line, v);
        cr_assert(eq(str, c.fld[col[1]], "30"), "line %ld", c.line);
        rows++;
    }
    cr_assert(eq(int, err.code, COOP_OK), "%s", err.text);
    cr_assert(eq(int, rows, 2 * COOP_N_OUTCOMES + 5 + 3 * 2 * 5)); /* no pair dropped: n = 30 */
    coop_csv_reader_close(&c);
    snprintf(path, sizeof path, "%s/outcomes.csv", out);
    char *o = slurp_or_fail(path, NULL);
    /* per replicate: the pooled outcomes, then 5 per state for KG, TJ, UZ */
    cr_assert(eq(int, count_lines(o), 1 + 3 * 30 * (COOP_N_OUTCOMES + 3 * 5)));
    cr_assert_not_null(strstr(o, "\n0,factual,29,"));
    cr_assert_not_null(strstr(o, "\n0,counterfactual,0,"));
    cr_assert(has_row(o, "0,placebo:KG,29,regional_cohesion,", "all"));
    cr_assert(has_row(o, "0,placebo:KG,29,rmst_enhanced,", "UZ"));
    cr_assert_null(strstr(o, ",NA,"), "every outcome is defined in every replicate");
    free(o);
    e2e_rmrf(dir);
}

Test(hypothesis_e2e, thread_invariant_and_reproducible_from_the_manifest)
{
    char dir[64];
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("hypothesis " SMALL " -o %s/a --threads 1 --quiet", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    char table[1 << 16];
    strcpy(table, r->out);
    r = e2e_run("hypothesis " SMALL " -o %s/b --threads 4 --quiet", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_assert_str_eq(r->out, table, "the table depends on the thread count");
    r = e2e_run("hypothesis %s/a/manifest.cfg -o %s/c --threads 3 --quiet", dir, dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    const char *files[] = {"hypothesis.csv", "outcomes.csv", "milestones.csv"};
    for (int k = 0; k < 3; k++) {
        char a[256], b[256], c[256];
        snprintf(a, sizeof a, "%s/a/%s", dir, files[k]);
        snprintf(b, sizeof b, "%s/b/%s", dir, files[k]);
        snprintf(c, sizeof c, "%s/c/%s", dir, files[k]);
        cr_assert(e2e_same_file(a, b), "%s differs for 1 and 4 threads", files[k]);
        cr_assert(e2e_same_file(a, c), "%s differs when rerun from the manifest", files[k]);
    }
    e2e_rmrf(dir);
}

Test(hypothesis_e2e, bad_settings_exit_2_with_file_and_line)
{
    char dir[64];
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("hypothesis tests/bad/hypothesis_placebo_unknown.cfg -o %s/x", dir);
    cr_assert(eq(int, r->status, 2));
    cr_assert_str_eq(r->err, "coopsim: tests/bad/hypothesis_placebo_unknown.cfg:5: "
                             "hypothesis.placebo.0 = \"XX\": no actor named 'XX'\n");
    cr_assert(not(e2e_exists(strcat(strcpy((char[128]){0}, dir), "/x"))));

    r = e2e_run("hypothesis " SMALL " -o %s/x --set hypothesis.alpha=1.5", dir);
    cr_assert(eq(int, r->status, 2));
    cr_assert_str_eq(r->err, "coopsim: --set hypothesis.alpha=1.5: hypothesis.alpha = 1.5 is out "
                             "of range (0, 1)\n");

    r = e2e_run("hypothesis tests/data/exp_small.cfg -o %s/x", dir);
    cr_assert(eq(int, r->status, 2));
    cr_assert_not_null(strstr(r->err, "coopsim: tests/data/exp_small.cfg: hypothesis: nothing to "
                                      "test"), "%s", r->err);
    cr_assert(not(e2e_exists(strcat(strcpy((char[128]){0}, dir), "/x"))));
    e2e_rmrf(dir);
}

/* hypothesis.csv is computed from the values as outcomes.csv holds them: reading
 * outcomes.csv back gives the same file, byte for byte. */
static int to_csv(void *ctx, const coop_hyp_point *res, const coop_config *cfg, coop_err *err)
{
    (void)cfg;
    return coop_hyp_csv_write(ctx, res, err);
}

Test(hypothesis_e2e, hypothesis_csv_is_recomputable_from_outcomes_csv)
{
    char dir[64], path[256], again[256];
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("hypothesis " SMALL " -o %s/a --quiet", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    snprintf(path, sizeof path, "%s/a", dir);
    snprintf(again, sizeof again, "%s/again.csv", dir);
    coop_err err = {0};
    coop_hyp_csv *f = coop_hyp_csv_open(again, &err);
    cr_assert_not_null(f, "%s", err.text);
    cr_assert(eq(int, coop_hypothesis_from_outcomes(path, &c, 3, to_csv, f, &err), COOP_OK), "%s",
              err.text);
    cr_assert(eq(int, coop_hyp_csv_close(f, &err), COOP_OK));
    snprintf(path, sizeof path, "%s/a/hypothesis.csv", dir);
    cr_assert(e2e_same_file(path, again));

    /* A damaged file is refused with its line. */
    snprintf(path, sizeof path, "%s/b", dir);
    cr_assert(eq(int, mkdir(path, 0777), 0));
    snprintf(path, sizeof path, "%s/b/outcomes.csv", dir);
    FILE *o = fopen(path, "w");
    fputs("point,world,replicate,outcome,value\n0,factual,0,others_coop_target,0.5\n"
          "0,factual,0,no_such_outcome,1\n", o);
    fclose(o);
    snprintf(path, sizeof path, "%s/b", dir);
    cr_assert(eq(int, coop_hypothesis_from_outcomes(path, &c, 3, NULL, NULL, &err), COOP_EIO));
    cr_assert_not_null(strstr(err.text, "outcomes.csv:3: not an outcomes row"), "%s", err.text);
    coop_config_destroy(&c);
    e2e_rmrf(dir);
}

/* ---- sweeps: one comparison and verdict per point ---- */

#define SWEEP "tests/data/hyp_sweep.cfg"

Test(hypothesis_e2e, a_sweep_gives_every_point_its_verdict)
{
    char dir[64], a[256], b[256];
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("hypothesis " SWEEP " -o %s/s1 --threads 1 --quiet", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_assert_not_null(strstr(r->out, "Hypothesis over a sweep of 3 points"), "%s", r->out);
    cr_assert_not_null(strstr(r->out, "Verdicts at 3 points: "), "%s", r->out);
    snprintf(a, sizeof a, "%s/s1/hypothesis.csv", dir);
    char *h = slurp_or_fail(a, NULL);
    cr_assert(eq(int, count_substr(h, ",all\n"), 3 * 2 * COOP_N_OUTCOMES));
    for (int p = 0; p < 3; p++) {
        char row[64];
        snprintf(row, sizeof row, "%d,others_coop_target,counterfactual,", p);
        cr_assert(has_row(h, row, "all"), "no row for point %d", p);
        cr_assert(has_row(h, row, "UZ"), "no per-state row for point %d", p);
        snprintf(row, sizeof row, "\n%d,regional_cohesion,placebo:KG,", p);
        cr_assert_not_null(strstr(h, row), "no placebo row for point %d", p);
    }
    free(h);

    /* Thread invariant. */
    r = e2e_run("hypothesis " SWEEP " -o %s/s3 --threads 3 --quiet", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(b, sizeof b, "%s/s3/hypothesis.csv", dir);
    cr_assert(e2e_same_file(a, b));

    /* Point 0 of the sweep is the plain test at point 0's values. */
    r = e2e_run("hypothesis " SMALL " -o %s/p0 --quiet --replicates 20 --set "
                "actors.KZ.motivator.demonstration=0 --set experiment.name=hyp_sweep", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(b, sizeof b, "%s/p0/hypothesis.csv", dir);
    char *x = slurp_or_fail(a, NULL), *y = slurp_or_fail(b, NULL);
    size_t n0 = strlen(y);
    cr_assert(eq(int, strncmp(x, y, n0), 0), "point 0 of the sweep differs from the plain test");
    free(x);
    free(y);

    /* A complete sweep resumed: nothing to run, hypothesis.csv written again, the same. */
    snprintf(b, sizeof b, "%s/copy.csv", dir);
    cr_assert(eq(int, rename(a, b), 0));
    r = e2e_run("hypothesis %s/s1/manifest.cfg --resume", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_assert_not_null(strstr(r->err, "nothing to resume"), "%s", r->err);
    cr_assert(e2e_same_file(a, b));
    e2e_rmrf(dir);
}

/* SIGINT during a hypothesis sweep: exit 1, a message naming the signal and the
 * command that finishes the sweep, and a directory that --resume completes to the
 * files of an uninterrupted run (outcomes.csv and hypothesis.csv byte for byte).
 * Retried with a shorter delay when the sweep finished before the signal. */
Test(hypothesis_e2e, an_interrupted_sweep_resumes_to_the_same_files)
{
    char dir[64], run[128], errf[160], a[256], b[256];
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("hypothesis " SWEEP " -o %s/ref --replicates 3000 --quiet", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(run, sizeof run, "%s/run", dir);
    snprintf(errf, sizeof errf, "%s/run.err", dir);
    long delay = 400;
    int interrupted = 0;
    for (int attempt = 0; attempt < 8 && !interrupted; attempt++, delay /= 2) {
        e2e_rmrf(run);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            if (!freopen(errf, "w", stderr))
                _exit(127);
            execl(e2e_program(), "coopsim", "hypothesis", SWEEP, "-o", run, "--replicates",
                  "3000", "--quiet", (char *)NULL);
            _exit(127);
        }
        struct timespec ts = {delay / 1000, (delay % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGINT);
        int st;
        cr_assert(eq(int, waitpid(pid, &st, 0), pid));
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            continue; /* finished first */
        if (!WIFEXITED(st)) /* before the handler was installed: nothing written */
            continue;
        interrupted = 1;
        cr_assert(eq(int, WEXITSTATUS(st), 1));
        char msg[4096];
        e2e_slurp(errf, msg, sizeof msg);
        cr_assert_not_null(strstr(msg, "interrupted by SIGINT after "), "%s", msg);
        cr_assert_not_null(strstr(msg, "finish the sweep with: coopsim hypothesis "), "%s", msg);
    }
    cr_assert(interrupted, "the sweep always finished before the signal");
    r = e2e_run("hypothesis %s/manifest.cfg --resume --quiet", run);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    static const char *const files[] = {"outcomes.csv", "hypothesis.csv", "points.csv"};
    for (int k = 0; k < 3; k++) {
        snprintf(a, sizeof a, "%s/ref/%s", dir, files[k]);
        snprintf(b, sizeof b, "%s/%s", run, files[k]);
        cr_assert(e2e_same_file(a, b), "%s differs after the resume", files[k]);
    }
    e2e_rmrf(dir);
}

Test(hypothesis_e2e, resume_needs_a_sweep)
{
    char dir[64];
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("hypothesis " SMALL " -o %s/x --resume", dir);
    cr_assert(eq(int, r->status, 2));
    cr_assert_not_null(strstr(r->err, "--resume finishes an interrupted sweep"), "%s", r->err);
    e2e_rmrf(dir);
}

/* hypothesis.primary stores the COOP_O_* index of the name (config.c keeps its own
 * list of the names, in coop_outcome_names order). */
Test(hypothesis, primary_names_are_the_outcome_names)
{
    for (int k = 0; k < COOP_N_OUTCOMES; k++) {
        char ov[96];
        snprintf(ov, sizeof ov, "hypothesis.primary=%s", coop_outcome_names[k]);
        const char *ovs[] = {ov};
        coop_config c;
        coop_err err = {0};
        cr_assert(eq(int, coop_config_load(SMALL, ovs, 1, &c, &err), COOP_OK), "%s", err.text);
        cr_assert(eq(int, c.hyp.primary, k), "%s", coop_outcome_names[k]);
        /* The defaults and the placebo list as loaded. */
        cr_assert(eq(dbl, c.hyp.alpha, 0.05));
        cr_assert(eq(dbl, c.hyp.confidence, 0.95));
        cr_assert(eq(int, c.hyp.bootstrap, 200));
        cr_assert(eq(int, c.hyp.n_placebo, 1));
        cr_assert(eq(int, c.hyp.placebo[0], coop_config_actor(&c, "KG")));
        coop_config_destroy(&c);
    }
}
