/* test_states.c: the hypothesis test per state and like for like (hyp_states.c,
 * coop_hypothesis.h): hypothesis.weights as loaded, the per-state rows with Holm
 * over the states, the Kaplan-Meier summaries of "reaches the top level", the
 * placebo difference-in-differences on the common set, and the printed
 * disagreement, on data built here with hand-computed answers. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_io.h"
#include "coop_hypothesis.h"

#define SMALL "tests/data/hyp_small.cfg" /* others KG, TJ, UZ of KZ; placebo KG */

/* ---- hypothesis.weights ---- */

static int load_with(const char *const *ov, size_t n, coop_config *cfg, coop_err *err)
{
    return coop_config_load(SMALL, ov, n, cfg, err);
}

Test(states, weights_load_and_weigh_the_pooled_outcomes)
{
    static const char *const ov[] = {"hypothesis.weights.KG=1", "hypothesis.weights.TJ=0",
                                     "hypothesis.weights.UZ=3"};
    coop_config c;
    load_ok(SMALL, ov, 3, &c);
    cr_assert(eq(int, c.hyp.n_weights, 3));
    int uz = coop_config_actor(&c, "UZ"), tj = coop_config_actor(&c, "TJ");
    cr_assert(eq(dbl, coop_outcome_weight(&c, uz), 3.0));
    cr_assert(eq(dbl, coop_outcome_weight(&c, tj), 0.0));
    /* (1 * 0.2 + 0 * 0.9 + 3 * 0.6) / 4 = 0.5; a NaN state is left out */
    const double v[] = {0.2, 0.9, 0.6}, w[] = {1, 0, 3}, vn[] = {0.2, 0.9, NAN};
    cr_assert(ieee_ulp_eq(dbl, coop_outcome_pool(v, w, 3), 0.5, 4));
    cr_assert(ieee_ulp_eq(dbl, coop_outcome_pool(vn, w, 3), 0.2, 4));
    cr_assert(isnan(coop_outcome_pool(vn, (const double[]){0, 0, 1}, 3)));
    char *text = print_str(&c);
    cr_assert_not_null(strstr(text, "weights = { KG = 1.0; TJ = 0.0; UZ = 3.0; };"), "%s", text);
    free(text);
    coop_config_destroy(&c);
    load_ok(SMALL, NULL, 0, &c);
    cr_assert(eq(int, c.hyp.n_weights, 0));
    cr_assert(eq(dbl, coop_outcome_weight(&c, uz), 1.0));
    int st[COOP_MAX_STATES];
    cr_assert(eq(int, coop_outcome_states(&c, st, COOP_MAX_STATES), 3));
    cr_assert(eq(str, c.actors[st[0]].name, "KG"));
    cr_assert(eq(str, c.actors[st[2]].name, "UZ"));
    coop_config_destroy(&c);
}

/* eu_ca.cfg says weights = "equal": --set of one weight replaces the string */
Test(states, weights_set_over_equal)
{
    static const char *const ov[] = {"hypothesis.weights.KG=459", "hypothesis.weights.TJ=215",
                                     "hypothesis.weights.TM=1148", "hypothesis.weights.UZ=1909"};
    coop_config c;
    load_ok("configs/eu_ca.cfg", NULL, 0, &c);
    cr_assert(eq(int, c.hyp.n_weights, 0));
    coop_config_destroy(&c);
    load_ok("configs/eu_ca.cfg", ov, 4, &c);
    cr_assert(eq(int, c.hyp.n_weights, 4));
    cr_assert(eq(dbl, coop_outcome_weight(&c, coop_config_actor(&c, "TM")), 1148.0));
    coop_config_destroy(&c);
}

Test(states, weights_refused_with_the_setting_named)
{
    static const struct {
        const char *ov[3];
        size_t n;
        const char *msg;
    } bad[] = {
        {{"hypothesis.weights.KG=1"}, 1, "hypothesis.weights has no weight for 'TJ'"},
        {{"hypothesis.weights.EU=1"}, 1, "hypothesis.weights.EU: 'EU' is not one of"},
        {{"hypothesis.weights=\"size\""}, 1, "hypothesis.weights = \"size\": must be \"equal\""},
        {{"hypothesis.weights.KG=-1", "hypothesis.weights.TJ=1", "hypothesis.weights.UZ=1"}, 3,
         "hypothesis.weights.KG"},
        {{"hypothesis.weights.KG=0", "hypothesis.weights.TJ=0", "hypothesis.weights.UZ=0"}, 3,
         "the weights sum to 0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        coop_config c;
        coop_err err = {0};
        cr_assert(eq(int, load_with(bad[i].ov, bad[i].n, &c, &err), COOP_ECONFIG), "case %zu", i);
        cr_assert_not_null(strstr(err.text, bad[i].msg), "case %zu: %s", i, err.text);
    }
}

/* ---- the comparisons ---- */

enum { W = 3, S = 3, R = 8 }; /* factual, counterfactual, placebo:KG; KG, TJ, UZ */

static double *cell(double *sv, int w, int x, int o)
{
    return sv + (((size_t)w * S + (size_t)x) * COOP_N_OUTCOMES + (size_t)o) * R;
}

/* Per-state data with known answers.  others_coop_target: against the
 * counterfactual KG and TJ gain 0.1, UZ loses 0.1 (plus a noise of mean 0);
 * against the placebo TJ gains 0.2 and UZ loses 0.2, so the difference-in-
 * differences on the common set {TJ, UZ} under weights TJ 1, UZ 3 is
 * (0.2 - 3 * 0.2) / 4 = -0.1 exactly in expectation, and with the noise
 * (identical in both states) -0.1 + mean(noise) = -0.1.  rmst_enhanced: KG
 * cannot reach the level (NaN everywhere); UZ's factual times are H/4, H/2, H/8
 * and H (censored) five times: KM RMST = (H/4 + H/2 + H/8 + 5H) / 8 and
 * S(H) = 5/8. */
static void fill(double *sv, double H)
{
    for (size_t k = 0; k < (size_t)W * S * COOP_N_OUTCOMES * R; k++)
        sv[k] = 0.5;
    for (int r = 0; r < R; r++) {
        double e = r % 2 ? 0.01 : -0.01;
        int o = COOP_O_OTHERS_COOP_TARGET;
        cell(sv, 0, 0, o)[r] = 0.6 + e, cell(sv, 1, 0, o)[r] = 0.5; /* KG +0.1 */
        cell(sv, 0, 1, o)[r] = 0.6 + e, cell(sv, 1, 1, o)[r] = 0.5; /* TJ +0.1 */
        cell(sv, 0, 2, o)[r] = 0.4 + e, cell(sv, 1, 2, o)[r] = 0.5; /* UZ -0.1 */
        cell(sv, 2, 0, o)[r] = 0.6 + e;                             /* KG no change */
        cell(sv, 2, 1, o)[r] = 0.4;                                 /* TJ: F - P = 0.2 + e */
        cell(sv, 2, 2, o)[r] = 0.6;                                 /* UZ: F - P = -0.2 + e */
        for (int w = 0; w < W; w++)
            cell(sv, w, 0, COOP_O_RMST_ENHANCED)[r] = NAN;
        const double t[R] = {H / 4, H / 2, H / 8, H, H, H, H, H};
        cell(sv, 0, 2, COOP_O_RMST_ENHANCED)[r] = t[r];
        cell(sv, 0, 1, COOP_O_RMST_ENHANCED)[r] = H;
        cell(sv, 1, 1, COOP_O_RMST_ENHANCED)[r] = H;
        cell(sv, 2, 1, COOP_O_RMST_ENHANCED)[r] = H;
        for (int w = 1; w < W; w++)
            cell(sv, w, 2, COOP_O_RMST_ENHANCED)[r] = H;
        for (int w = 0; w < W; w++)
            for (int x = 0; x < S; x++)
                cell(sv, w, x, COOP_O_REGIONAL_COHESION)[r] = NAN;
    }
}

static void compare(coop_config *c, double *sv, coop_hyp_point *res)
{
    double v[W * COOP_N_OUTCOMES * R];
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        v[k] = 0.5 + 0.001 * (double)(k % 7);
    const char *names[] = {"factual", "counterfactual", "placebo:KG"};
    coop_err err = {0};
    cr_assert(eq(int, coop_hypothesis_compare(&c->hyp, v, W, R, names, 0, 11, res, &err),
                 COOP_OK), "%s", err.text);
    cr_assert(eq(int, coop_hyp_states_compare(c, sv, W, R, res, &err), COOP_OK), "%s", err.text);
}

Test(states, per_state_rows_holm_over_states_and_kaplan_meier)
{
    static const char *const ov[] = {"hypothesis.bootstrap=0"};
    coop_config c;
    load_ok(SMALL, ov, 1, &c);
    double H = c.n_steps / c.steps_per_year, *sv = malloc(W * S * COOP_N_OUTCOMES * R * 8);
    coop_hyp_point *res = malloc(sizeof *res);
    fill(sv, H);
    compare(&c, sv, res);
    const coop_hyp_states *s = &res->states;
    cr_assert(eq(int, s->n_states, 3));
    cr_assert(eq(str, (char *)s->name[2], "UZ"));
    cr_assert(eq(dbl, s->horizon, 10.0));
    cr_assert(eq(int, s->reach[0], 0), "KG has no rmst value: cannot reach by input");
    cr_assert(eq(int, s->reach[2], 1));
    int o = COOP_O_OTHERS_COOP_TARGET;
    cr_assert(ieee_ulp_eq(dbl, s->r[0][0][o].s.diff, 0.1, 64));
    cr_assert(ieee_ulp_eq(dbl, s->r[0][2][o].s.diff, -0.1, 64));
    cr_assert(eq(int, s->r[0][0][o].verdict, COOP_VERDICT_SUPPORTED));
    cr_assert(eq(int, s->r[0][2][o].verdict, COOP_VERDICT_CONTRADICTED));
    /* Holm over the three states of (counterfactual, others_coop_target), on the
     * decision p-values of the SESOI tests */
    double p[3], q[3];
    for (int x = 0; x < 3; x++) {
        coop_sesoi_test e;
        coop_paired_sesoi(&s->r[0][x][o].s, c.hyp.sesoi[o], c.hyp.alpha, &e);
        cr_assert(eq(dbl, s->r[0][x][o].e.p_decision, e.p_decision));
        p[x] = e.p_decision;
    }
    cr_assert(eq(int, coop_holm(p, 3, q, NULL), COOP_OK));
    for (int x = 0; x < 3; x++)
        cr_assert(eq(dbl, s->r[0][x][o].p_adj, q[x]));
    /* no row where a state cannot reach, nor for regional_cohesion */
    cr_assert(eq(int, s->r[0][0][COOP_O_RMST_ENHANCED].outcome, -1));
    cr_assert(eq(int, s->r[0][2][COOP_O_REGIONAL_COHESION].outcome, -1));
    /* Kaplan-Meier of UZ's factual times (see fill) */
    double rmst = (H / 4 + H / 2 + H / 8 + 5 * H) / 8;
    cr_assert(ieee_ulp_eq(dbl, s->km_rmst[0][2], rmst, 8));
    cr_assert(ieee_ulp_eq(dbl, s->km_surv[0][2], 5.0 / 8.0, 8));
    cr_assert(eq(dbl, s->km_surv[1][2], 1.0));
    cr_assert(isnan(s->km_rmst[0][0]));
    /* the paired row's factual mean is the same RMST (censoring only at H) */
    cr_assert(ieee_ulp_eq(dbl, s->r[0][2][COOP_O_RMST_ENHANCED].s.mean_a, rmst, 8));
    free(res);
    free(sv);
    coop_config_destroy(&c);
}

Test(states, placebo_difference_in_differences_on_the_common_set)
{
    static const char *const ov[] = {"hypothesis.bootstrap=0", "hypothesis.weights.KG=5",
                                     "hypothesis.weights.TJ=1", "hypothesis.weights.UZ=3"};
    coop_config c;
    load_ok(SMALL, ov, 4, &c);
    double *sv = malloc(W * S * COOP_N_OUTCOMES * R * 8);
    coop_hyp_point *res = malloc(sizeof *res);
    fill(sv, c.n_steps / c.steps_per_year);
    compare(&c, sv, res);
    const coop_hyp_states *s = &res->states;
    cr_assert(eq(int, s->did_n[0], 0), "no difference-in-differences for the counterfactual");
    cr_assert(eq(int, s->did_n[1], 2), "the common set of placebo:KG is TJ and UZ");
    cr_assert(eq(int, s->did_placebo[1], coop_config_actor(&c, "KG")));
    const coop_hyp_result *d = &s->did[1][COOP_O_OTHERS_COOP_TARGET];
    cr_assert(ieee_ulp_eq(dbl, d->s.diff, -0.1, 64), "diff %.17g", d->s.diff);
    cr_assert(eq(int, d->verdict, COOP_VERDICT_CONTRADICTED));
    cr_assert(eq(int, s->did[1][COOP_O_REGIONAL_COHESION].outcome, -1));
    /* KG's own (placebo) outcome is not in it: its weight 5 would change the value */
    cr_assert(eq(int, (int)d->s.n, R));

    /* the rows and the printed block */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(eq(int, coop_hyp_states_print(f, res, &c), COOP_OK));
    fclose(f);
    cr_assert_not_null(strstr(buf, "The states disagree: KZ's role moves others_coop_target the "
                                   "way the thesis predicts for KG, TJ and against it for UZ"),
                       "%s", buf);
    cr_assert_not_null(strstr(buf, "KG     cannot reach it by input"), "%s", buf);
    cr_assert_not_null(strstr(buf, "placebo:KG contradicted -0.1"), "%s", buf);
    cr_assert_not_null(strstr(buf, "the configured weights"), "%s", buf);
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    res->primary = COOP_O_OTHERS_COOP_TARGET;
    cr_assert(eq(int, coop_hyp_states_headline(f, res, &c), COOP_OK));
    fclose(f);
    cr_assert_not_null(strstr(buf, "Not for every state: per state the effect on "
                                   "others_coop_target is supported for KG, TJ and contradicted "
                                   "for UZ"), "%s", buf);
    free(buf);
    /* the whole table: the all-others placebo line is labelled secondary and comes
     * before the like-for-like reading */
    buf = NULL;
    f = open_memstream(&buf, &len);
    cr_assert(eq(int, coop_hypothesis_print(f, res, &c), COOP_OK));
    fclose(f);
    const char *all = strstr(buf, "Placebo over all the others");
    const char *lfl = strstr(buf, "Placebo like for like");
    cr_assert(all && lfl && all < lfl, "%s", buf);
    cr_assert_not_null(strstr(all, "a secondary reading"), "%s", buf);
    free(buf);
    free(res);
    free(sv);
    coop_config_destroy(&c);
}
