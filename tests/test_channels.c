/* test_channels.c: the factorial design over the motivator's channels
 * (coop_channels.h, docs/HYPOTHESIS.md "Which channel carries the effect").
 *
 * The factors as COOP_MOTIVATOR_CHANNELS makes them; the contrasts against games
 * whose Shapley values and factorial effects are known in closed form (worked by
 * hand below, and the glove game of the textbooks); the exact zero of an inert
 * channel; the estimates and their t intervals against scipy; the worlds
 * (coop_channels_keep); and `coopsim hypothesis` with
 * hypothesis.channels on: the existing worlds and hypothesis.csv unchanged, the
 * total equal to the counterfactual comparison, byte-identical across thread
 * counts, a block per sweep point, the figure. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_io.h"
#include "coop_channels.h"
#include "coop_csv.h"
#include "coop_hypothesis.h"
#include "e2e.h"
#include "plot_check.h"

#define TOL 1e-12

/* The index of term `name` among the terms of k factors (-1 when absent). */
static int term_index(int k, const char *name)
{
    coop_chan_term t[COOP_CHAN_MAX_TERMS];
    int n = coop_channels_terms(k, t);
    for (int i = 0; i < n; i++) {
        char buf[COOP_CHAN_NAME];
        coop_channels_term_name(t[i], buf, sizeof buf);
        if (strcmp(buf, name) == 0)
            return i;
    }
    return -1;
}

/* Term `name`'s contrast of v, by weights and by coop_channels_value (which must
 * agree to rounding). */
static double term_of(int k, const char *name, const double *v)
{
    coop_chan_term t[COOP_CHAN_MAX_TERMS];
    coop_channels_terms(k, t);
    int i = term_index(k, name);
    cr_assert_geq(i, 0, "no term %s", name);
    double w[COOP_CHAN_MAX_CELLS];
    coop_channels_weights(k, t[i], w);
    double a = coop_channels_contrast(k, w, v), b = coop_channels_value(k, t[i], v);
    cr_expect(fabs(a - b) < TOL, "%s: weights give %.17g, differences %.17g", name, a, b);
    return b;
}

/* ---------------------------------------------------------------- factors */

Test(channels, factors_come_from_the_channel_list)
{
    cr_assert_eq(coop_channels_n_factors(), 3);
    cr_expect_str_eq(coop_channels_factor(0), "initiative");
    cr_expect_str_eq(coop_channels_factor(1), "demonstration");
    cr_expect_str_eq(coop_channels_factor(2), "brokerage");
    cr_expect_null(coop_channels_factor(3));
    cr_expect_eq(coop_channels_factor_of(COOP_MOT_INITIATIVE_RATE), 0);
    cr_expect_eq(coop_channels_factor_of(COOP_MOT_INITIATIVE_IMPACT), 0);
    cr_expect_eq(coop_channels_factor_of(COOP_MOT_INITIATIVE), 0); /* the forced one */
    cr_expect_eq(coop_channels_factor_of(COOP_MOT_DEMONSTRATION), 1);
    cr_expect_eq(coop_channels_factor_of(COOP_MOT_BROKERAGE), 2);
    /* Every strength is in a factor: switching all factors off is the counterfactual. */
    for (int c = 0; c < COOP_N_MOT; c++)
        if (coop_motivator_strength(c))
            cr_expect_geq(coop_channels_factor_of(c), 0, "strength %d has no factor", c);
    char buf[COOP_CHAN_NAME];
    coop_channels_world_name(5u, buf, sizeof buf);
    cr_expect_str_eq(buf, "channels:initiative+brokerage");
    coop_channels_world_name(0u, buf, sizeof buf);
    cr_expect_str_eq(buf, "channels:none");
    coop_channels_world_name(7u, buf, sizeof buf);
    cr_expect_str_eq(buf, "channels:all");
}

Test(channels, terms_in_csv_order)
{
    static const char *const want[] = {
        "total", "main:initiative", "main:demonstration", "main:brokerage",
        "interaction:initiative*demonstration", "interaction:initiative*brokerage",
        "interaction:demonstration*brokerage", "interaction:initiative*demonstration*brokerage",
        "shapley:initiative", "shapley:demonstration", "shapley:brokerage"};
    coop_chan_term t[COOP_CHAN_MAX_TERMS];
    int n = coop_channels_terms(3, t);
    cr_assert_eq(n, 11); /* 2^k + k */
    for (int i = 0; i < n; i++) {
        char buf[COOP_CHAN_NAME];
        coop_channels_term_name(t[i], buf, sizeof buf);
        cr_expect_str_eq(buf, want[i]);
    }
    cr_expect_eq(coop_channels_terms(2, t), 6);
    cr_expect_eq(coop_channels_terms(1, t), 3);
}

/* ---------------------------------------------------------------- known games */

/* An additive game v(S) = sum_{i in S} a_i: each Shapley value and each main
 * effect is a_i, every interaction 0. */
Test(channels, additive_game)
{
    const double a[3] = {0.3, -1.25, 2.0};
    double v[8];
    for (unsigned s = 0; s < 8; s++)
        v[s] = 0.5 + (s & 1 ? a[0] : 0) + (s & 2 ? a[1] : 0) + (s & 4 ? a[2] : 0);
    const char *f[3] = {"initiative", "demonstration", "brokerage"};
    for (int i = 0; i < 3; i++) {
        char m[64], sh[64];
        snprintf(m, sizeof m, "main:%s", f[i]);
        snprintf(sh, sizeof sh, "shapley:%s", f[i]);
        cr_expect(fabs(term_of(3, m, v) - a[i]) < TOL, "%s", m);
        cr_expect(fabs(term_of(3, sh, v) - a[i]) < TOL, "%s", sh);
    }
    cr_expect(fabs(term_of(3, "total", v) - (a[0] + a[1] + a[2])) < TOL);
    cr_expect(fabs(term_of(3, "interaction:initiative*demonstration", v)) < TOL);
    cr_expect(fabs(term_of(3, "interaction:demonstration*brokerage", v)) < TOL);
    cr_expect(fabs(term_of(3, "interaction:initiative*demonstration*brokerage", v)) < TOL);
}

/* A pure interaction (unanimity) game: v(S) = 1 when S holds all three, else 0.
 * Shapley: 1/3 each (symmetry, efficiency).  Factorial: only the all-on cell is
 * non-zero, with sign +1 in every contrast, so every main effect and interaction
 * is 2^-(k-1) = 1/4. */
Test(channels, pure_interaction_game)
{
    double v[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    cr_expect(fabs(term_of(3, "shapley:initiative", v) - 1.0 / 3) < TOL);
    cr_expect(fabs(term_of(3, "shapley:demonstration", v) - 1.0 / 3) < TOL);
    cr_expect(fabs(term_of(3, "shapley:brokerage", v) - 1.0 / 3) < TOL);
    cr_expect(fabs(term_of(3, "main:brokerage", v) - 0.25) < TOL);
    cr_expect(fabs(term_of(3, "interaction:initiative*brokerage", v) - 0.25) < TOL);
    cr_expect(fabs(term_of(3, "interaction:initiative*demonstration*brokerage", v) - 0.25) < TOL);
    cr_expect(fabs(term_of(3, "total", v) - 1.0) < TOL);
}

/* The glove game (Shapley 1953's kind of example; e.g. Maschler, Solan & Zamir,
 * Game Theory, 2013, ch. 18): players 0 and 1 hold a left glove, player 2 a right
 * one; a pair is worth 1.  v(S) = 1 when S holds player 2 and one of 0, 1.
 * Shapley: 1/6, 1/6, 2/3. */
Test(channels, glove_game)
{
    double v[8];
    for (unsigned s = 0; s < 8; s++)
        v[s] = (s & 4) && (s & 3) ? 1.0 : 0.0;
    cr_expect(fabs(term_of(3, "shapley:initiative", v) - 1.0 / 6) < TOL);
    cr_expect(fabs(term_of(3, "shapley:demonstration", v) - 1.0 / 6) < TOL);
    cr_expect(fabs(term_of(3, "shapley:brokerage", v) - 2.0 / 3) < TOL);
}

/* A game with no symmetry, worked by hand (bit 0 = A, 1 = B, 2 = C):
 *   v(0) = 0, v(A) = 1, v(B) = 2, v(AB) = 4, v(C) = 3, v(AC) = 5, v(BC) = 6, v(ABC) = 10.
 * Shapley (weights 1/3, 1/6, 1/6, 1/3 for |S| = 0, 1, 1, 2):
 *   phi_A = (1 + 2 + 2)/... = 1/3*1 + 1/6*(4-2) + 1/6*(5-3) + 1/3*(10-6) = 7/3,
 *   phi_B = 1/3*2 + 1/6*(4-1) + 1/6*(6-3) + 1/3*(10-5) = 10/3,
 *   phi_C = 1/3*3 + 1/6*(5-1) + 1/6*(6-2) + 1/3*(10-4) = 13/3 (sum 10 = v(ABC)).
 * Main effects (mean of the four differences): A (1+2+2+4)/4 = 9/4, B (2+3+3+5)/4
 * = 13/4, C (3+4+4+6)/4 = 17/4.  AB: (0 - 1 - 2 + 4 + 3 - 5 - 6 + 10)/4 = 3/4;
 * ABC: (-0 + 1 + 2 - 4 + 3 - 5 - 6 + 10)/4 = 1/4.  And total = A + B + C + ABC
 * (in a 2^3 design v(all) - v(none) is the sum of the odd-order terms). */
Test(channels, asymmetric_game_by_hand)
{
    double v[8] = {0, 1, 2, 4, 3, 5, 6, 10};
    cr_expect(fabs(term_of(3, "shapley:initiative", v) - 7.0 / 3) < TOL);
    cr_expect(fabs(term_of(3, "shapley:demonstration", v) - 10.0 / 3) < TOL);
    cr_expect(fabs(term_of(3, "shapley:brokerage", v) - 13.0 / 3) < TOL);
    cr_expect(fabs(term_of(3, "main:initiative", v) - 9.0 / 4) < TOL);
    cr_expect(fabs(term_of(3, "main:demonstration", v) - 13.0 / 4) < TOL);
    cr_expect(fabs(term_of(3, "main:brokerage", v) - 17.0 / 4) < TOL);
    cr_expect(fabs(term_of(3, "interaction:initiative*demonstration", v) - 3.0 / 4) < TOL);
    cr_expect(fabs(term_of(3, "interaction:initiative*demonstration*brokerage", v) - 0.25) <
              TOL);
    cr_expect(fabs(term_of(3, "total", v) - 10.0) < TOL);
}

/* Any game: the Shapley values sum to the total (efficiency), with k = 1..4. */
Test(channels, shapley_sums_to_total)
{
    for (int k = 1; k <= COOP_CHAN_MAX_FACTORS; k++) {
        double v[COOP_CHAN_MAX_CELLS];
        for (unsigned s = 0; s < (1u << k); s++)
            v[s] = sin(1.7 * s + k) * 3.0;
        coop_chan_term t[COOP_CHAN_MAX_TERMS];
        int n = coop_channels_terms(k, t);
        double sum = 0, tot = NAN;
        for (int i = 0; i < n; i++) {
            if (t[i].kind == COOP_CHAN_SHAPLEY)
                sum += coop_channels_value(k, t[i], v);
            if (t[i].kind == COOP_CHAN_TOTAL)
                tot = coop_channels_value(k, t[i], v);
        }
        cr_expect(fabs(sum - tot) < TOL, "k = %d: sum %.17g, total %.17g", k, sum, tot);
    }
}

/* A channel without effect (v(S + F) == v(S) bit for bit, as when its strength
 * is already 0) gets exactly 0 in every term that involves it, not rounding noise. */
Test(channels, inert_channel_is_exactly_zero)
{
    double v[8];
    for (unsigned s = 0; s < 8; s++) /* demonstration (bit 1) changes nothing */
        v[s] = 0.1 * (s & 1) + 0.0137 * (s & 4) + 0.6 + 1e-3 * ((s & 5) == 5);
    cr_expect_eq(term_of(3, "main:demonstration", v), 0.0);
    cr_expect_eq(term_of(3, "shapley:demonstration", v), 0.0);
    cr_expect_eq(term_of(3, "interaction:initiative*demonstration", v), 0.0);
    cr_expect_eq(term_of(3, "interaction:demonstration*brokerage", v), 0.0);
    cr_expect_eq(term_of(3, "interaction:initiative*demonstration*brokerage", v), 0.0);
    cr_expect_neq(term_of(3, "interaction:initiative*brokerage", v), 0.0);
}

/* ---------------------------------------------------------------- estimates */

/* Eight cells x six replicates; reference numbers from scipy 1.10.1 (mean, the
 * 95% t interval mean -/+ t.ppf(0.975, 5) * sd / sqrt(6), ttest_1samp p) with the
 * contrasts written out independently:
 *   def main(v, f): return sum(v[s | 1 << f] - v[s] for s in range(8) if not s >> f & 1) / 4
 *   def inter(v, T): return sum(v[s] * prod(1 if s >> i & 1 else -1 for i in T)
 *                               for s in range(8)) / 4
 *   def shapley(v, f): return sum(factorial(|s|) * factorial(2 - |s|) / 6
 *                                 * (v[s | 1 << f] - v[s]) for s without f) */
static const double ref_cells[8][6] = {
    {0.10, 0.12, 0.09, 0.11, 0.13, 0.10}, {0.11, 0.12, 0.10, 0.12, 0.13, 0.12},
    {0.20, 0.25, 0.18, 0.22, 0.27, 0.19}, {0.22, 0.26, 0.17, 0.25, 0.27, 0.21},
    {0.13, 0.15, 0.12, 0.13, 0.16, 0.14}, {0.13, 0.17, 0.12, 0.15, 0.16, 0.15},
    {0.21, 0.29, 0.20, 0.25, 0.28, 0.22}, {0.25, 0.30, 0.19, 0.26, 0.31, 0.24}};

static const struct {
    const char *term;
    double mean, lo, hi, p;
} ref_est[] = {
    {"main:initiative", 0.011249999999999998, 0.0028299546541603483, 0.019670045345839646,
     0.018544216714409634},
    {"interaction:demonstration*brokerage", -0.002083333333333341, -0.003154409098589472,
     -0.00101225756807721, 0.004104715980053082},
    {"interaction:initiative*demonstration*brokerage", 0.0012499999999999976,
     -0.005335156379915315, 0.00783515637991531, 0.646228755926029},
    {"shapley:demonstration", 0.10999999999999999, 0.08443739064989883, 0.13556260935010114,
     0.00010517519537495952},
};

Test(channels, estimates_match_scipy)
{
    double cells[8 * 7];
    for (int s = 0; s < 8; s++) {
        for (int r = 0; r < 6; r++)
            cells[s * 7 + r] = ref_cells[s][r];
        cells[s * 7 + 6] = s == 3 ? NAN : 1.0; /* replicate 6 is dropped everywhere */
    }
    coop_chan_est est[COOP_CHAN_MAX_TERMS];
    coop_err err = {0};
    cr_assert_eq(coop_channels_estimate(cells, 3, 7, 0.95, 500, 11, est, &err), COOP_OK, "%s",
                 err.text);
    for (size_t i = 0; i < sizeof ref_est / sizeof ref_est[0]; i++) {
        int t = term_index(3, ref_est[i].term);
        cr_assert_geq(t, 0);
        const coop_paired *s = &est[t].s;
        cr_expect_eq(s->n, 6, "%s: n = %zu", ref_est[i].term, s->n);
        cr_expect(fabs(s->diff - ref_est[i].mean) < 1e-12, "%s mean %.17g", ref_est[i].term,
                  s->diff);
        cr_expect(fabs(s->t_lo - ref_est[i].lo) < 1e-9, "%s lo %.17g", ref_est[i].term, s->t_lo);
        cr_expect(fabs(s->t_hi - ref_est[i].hi) < 1e-9, "%s hi %.17g", ref_est[i].term, s->t_hi);
        cr_expect(fabs(s->p_t - ref_est[i].p) < 1e-9 * (1 + ref_est[i].p), "%s p %.17g",
                  ref_est[i].term, s->p_t);
        cr_expect(s->boot_lo <= s->diff && s->diff <= s->boot_hi, "%s", ref_est[i].term);
    }
    double sum = 0;
    for (int t = 0; t < 11; t++)
        if (est[t].term.kind == COOP_CHAN_SHAPLEY)
            sum += est[t].s.diff;
    cr_expect(fabs(sum - est[0].s.diff) < TOL, "Shapley sum %.17g, total %.17g", sum,
              est[0].s.diff);
}

/* The estimates draw one set of bootstrap resamples for all terms; each term's
 * interval must be, bit for bit, the one coop_paired_compare gives its contrasts
 * alone (so the total's is hypothesis.csv's), and every other field too. */
Test(channels, shared_bootstrap_is_coop_paired_compare)
{
    enum { R = 57 };
    double cells[8 * R], c[R], zero[R] = {0};
    for (int i = 0; i < 8 * R; i++)
        cells[i] = sin(0.37 * i) + 0.01 * (i % 8);
    coop_chan_est est[COOP_CHAN_MAX_TERMS];
    coop_err err = {0};
    cr_assert_eq(coop_channels_estimate(cells, 3, R, 0.9, 333, 4242, est, &err), COOP_OK);
    for (int t = 0; t < 11; t++) {
        for (int r = 0; r < R; r++) {
            double v[8];
            for (int s2 = 0; s2 < 8; s2++)
                v[s2] = cells[s2 * R + r];
            c[r] = coop_channels_value(3, est[t].term, v);
        }
        coop_paired ref;
        cr_assert_eq(coop_paired_compare(c, zero, R, 0.9, 333, 4242, &ref, &err), COOP_OK);
        cr_expect(ref.boot_lo == est[t].s.boot_lo && ref.boot_hi == est[t].s.boot_hi,
                  "term %d: [%.17g, %.17g] vs [%.17g, %.17g]", t, est[t].s.boot_lo,
                  est[t].s.boot_hi, ref.boot_lo, ref.boot_hi);
        cr_expect(ref.diff == est[t].s.diff && ref.t_lo == est[t].s.t_lo &&
                  ref.p_t == est[t].s.p_t && ref.n == est[t].s.n, "term %d", t);
    }
}

/* coop_channels_point: cell 0 is the counterfactual world, the last cell the
 * factual one, and an outcome where fewer is better is oriented (total =
 * counterfactual - factual), like hypothesis.csv. */
Test(channels, point_maps_worlds_and_orients)
{
    enum { R = 3, NW = 9 }; /* factual, counterfactual, a placebo, 6 channel worlds */
    double *values = calloc((size_t)NW * COOP_N_OUTCOMES * R, sizeof *values);
    cr_assert_not_null(values);
    int world_of[8] = {1, 3, 4, 5, 6, 7, 8, 0};
    for (int w = 0; w < NW; w++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            for (int r = 0; r < R; r++)
                values[((size_t)w * COOP_N_OUTCOMES + o) * R + r] = 10.0 * w + r * 0.5;
    coop_hypothesis_cfg h = {.primary = 0, .confidence = 0.95, .bootstrap = 0};
    coop_chan_point *cp = malloc(sizeof *cp);
    coop_err err = {0};
    cr_assert_eq(coop_channels_point(&h, values, R, 3, world_of, 4, 1, cp, &err), COOP_OK, "%s",
                 err.text);
    cr_expect_eq(cp->point, 4);
    cr_expect_eq(cp->n_terms, 11);
    /* total: factual (world 0) - counterfactual (world 1) = -10 */
    cr_expect(fabs(cp->est[COOP_O_OTHERS_COOP_TARGET][0].s.diff - (-10.0)) < TOL);
    cr_expect(fabs(cp->est[COOP_O_RMST_ENHANCED][0].s.diff - 10.0) < TOL);
    cr_expect(isnan(cp->est[0][0].s.boot_lo), "bootstrap 0: no bootstrap interval");
    free(cp);
    free(values);
}

/* ---------------------------------------------------------------- worlds */

Test(channels, keep_channels_zeroes_the_others_and_drops_their_events)
{
    static const char *const ov[] = {"actors.M.motivator.demonstration=0.4",
                                      "actors.M.motivator.brokerage=0.2"};
    coop_config cfg;
    load_ok("tests/data/force_initiative.cfg", ov, 2, &cfg);
    int m = -1;
    for (size_t a = 0; a < cfg.n_actors; a++)
        if (strcmp(cfg.actors[a].name, "M") == 0)
            m = (int)a;
    cr_assert_geq(m, 0);
    cr_assert_eq(cfg.n_events, 1);
    coop_config c2;
    coop_err err = {0};
    cr_assert_eq(coop_config_copy(&c2, &cfg, &err), COOP_OK);
    /* demonstration only (bit 1): initiative's strengths and event go */
    cr_assert_eq(coop_channels_keep(&c2, m, 2u, &err), COOP_OK, "%s", err.text);
    const coop_motivator_cfg *mm = &c2.actors[m].motivator;
    cr_expect_eq(mm->initiative_impact, 0.0);
    cr_expect_eq(mm->demonstration, 0.4);
    cr_expect_eq(mm->brokerage, 0.0);
    cr_expect_eq(mm->target, cfg.actors[m].motivator.target);
    cr_expect_eq(c2.n_events, 0, "the forced initiative belongs to the initiative channel");
    coop_config_destroy(&c2);
    /* initiative only: its event stays */
    cr_assert_eq(coop_config_copy(&c2, &cfg, &err), COOP_OK);
    cr_assert_eq(coop_channels_keep(&c2, m, 1u, &err), COOP_OK, "%s", err.text);
    cr_expect_eq(c2.actors[m].motivator.initiative_impact, 0.5);
    cr_expect_eq(c2.actors[m].motivator.demonstration, 0.0);
    cr_expect_eq(c2.n_events, 1);
    cr_expect_eq(coop_channels_keep(&c2, 99, 1u, &err), COOP_EINVAL);
    coop_config_destroy(&c2);
    coop_config_destroy(&cfg);
}

Test(channels, worlds_with_channels)
{
    static const char *const ov[] = {"hypothesis.channels=true"};
    coop_config cfg;
    load_ok("tests/data/hyp_small.cfg", ov, 1, &cfg);
    cr_assert_eq(cfg.hyp.channels, 1);
    coop_err err = {0};
    coop_hyp_worlds *w = coop_hyp_worlds_alloc(&cfg, &err);
    cr_assert_not_null(w, "%s", err.text);
    cr_assert_eq(w->n, 3 + 6);
    cr_expect_str_eq(w->names[2], "placebo:KG");
    cr_expect_str_eq(w->names[3], "channels:initiative");
    cr_expect_str_eq(w->names[8], "channels:demonstration+brokerage");
    int kz = cfg.hyp.motivator;
    cr_expect_eq(w->cfg[3].actors[kz].motivator.initiative_rate,
                 cfg.actors[kz].motivator.initiative_rate);
    cr_expect_eq(w->cfg[3].actors[kz].motivator.demonstration, 0.0);
    cr_expect_eq(w->cfg[8].actors[kz].motivator.initiative_rate, 0.0);
    cr_expect_eq(w->cfg[8].actors[kz].motivator.brokerage, cfg.actors[kz].motivator.brokerage);
    coop_hyp_worlds_free(w);
    coop_config_destroy(&cfg);
}

/* ---------------------------------------------------------------- end to end */

/* check_figure on DIR's channel figure (not inlined: the path lengths are unknown). */
__attribute__((noinline)) static void channels_figure_ok(const char *dir)
{
    looks lk = {NULL, 0.002, 0};
    check_figure(dir, "channels", &lk);
}

/* The value of column col in the row of file dir/name whose first three fields
 * are key (e.g. "0,others_coop_target,total"); NaN when absent. */
static double csv_value(const char *dir, const char *name, const char *key, const char *col)
{
    coop_csv_reader c = {0};
    coop_err err = {0};
    double x = NAN;
    int got;
    if (coop_csv_reader_open(&c, dir, name, &err) == COOP_OK) {
        int k = coop_csv_reader_col(&c, col);
        while (k >= 0 && coop_csv_reader_next(&c, &got, &err) == COOP_OK && got) {
            char row[512];
            snprintf(row, sizeof row, "%s,%s,%s", c.fld[0], c.fld[1], c.fld[2]);
            /* hypothesis.csv: the pooled rows only (state "all") */
            int s = coop_csv_reader_col(&c, "state");
            if (strcmp(row, key) == 0 && (s < 0 || strcmp(c.fld[s], "all") == 0))
                coop_csv_reader_num(&c, k, &x, &err);
        }
    }
    coop_csv_reader_close(&c);
    return x;
}

Test(channels_e2e, hypothesis_with_channels, .timeout = 120)
{
    char tmp[64], off[128], on[128], on1[128], path[256];
    e2e_tmpdir(tmp, sizeof tmp);
    cr_assert(tmp[0]);
    snprintf(off, sizeof off, "%s/off", tmp);
    snprintf(on, sizeof on, "%s/on", tmp);
    snprintf(on1, sizeof on1, "%s/on1", tmp);
    e2e_result *r = e2e_run("hypothesis tests/data/hyp_small.cfg --quiet -o %s", off);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "Which channel"));
    snprintf(path, sizeof path, "%s/channels.csv", off);
    cr_expect_not(e2e_exists(path), "channels.csv without hypothesis.channels");
    r = e2e_run("hypothesis tests/data/hyp_small.cfg --quiet --threads 2 "
                "--set hypothesis.channels=true -o %s", on);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Which channel carries the effect"), "%s", r->out);
    cr_expect(strstr(r->out, "shapley:demonstration"), "%s", r->out);

    /* The existing results do not move: hypothesis.csv, and the existing worlds'
     * rows of outcomes.csv (the channel worlds come after them). */
    static const char *const same[] = {"hypothesis.csv"};
    cr_expect(e2e_same_files(off, on, same, 1));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "n=$(wc -l < %s/outcomes.csv); head -n \"$n\" %s/outcomes.csv | "
             "cmp -s - %s/outcomes.csv", off, on, off);
    cr_expect_eq(system(cmd), 0, "the first worlds of outcomes.csv changed");
    snprintf(path, sizeof path, "%s/outcomes.csv", on);
    snprintf(cmd, sizeof cmd, "grep -q '^0,channels:initiative+brokerage,0,' %s", path);
    cr_expect_eq(system(cmd), 0, "no channel world in outcomes.csv"); /* beyond 64 KiB */

    /* The total is the counterfactual comparison, to the last digit. */
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        static const char *const col[][2] = {{"diff", "estimate"}, {"ci_lo", "ci_lo"},
                                             {"ci_hi", "ci_hi"},   {"t_lo", "t_lo"},
                                             {"t_hi", "t_hi"},     {"p_t", "p_t"}, {"n", "n"}};
        char hk[128], ck[128];
        snprintf(hk, sizeof hk, "0,%s,counterfactual", coop_outcome_names[o]);
        snprintf(ck, sizeof ck, "0,%s,total", coop_outcome_names[o]);
        for (size_t c = 0; c < sizeof col / sizeof col[0]; c++) {
            double a = csv_value(on, "hypothesis.csv", hk, col[c][0]);
            double b = csv_value(on, "channels.csv", ck, col[c][1]);
            cr_expect((isnan(a) && isnan(b)) || a == b, "%s %s: hypothesis %.17g, channels %.17g",
                      coop_outcome_names[o], col[c][0], a, b);
        }
    }

    /* One thread: the same bytes. */
    r = e2e_run("hypothesis tests/data/hyp_small.cfg --quiet --threads 1 "
                "--set hypothesis.channels=true -o %s", on1);
    cr_assert_eq(r->status, 0, "%s", r->err);
    static const char *const files[] = {"channels.csv", "hypothesis.csv", "outcomes.csv"};
    cr_expect(e2e_same_files(on, on1, files, 3));

    /* The figure. */
    r = e2e_run("plot %s", on);
    cr_assert_eq(r->status, 0, "%s", r->err);
    channels_figure_ok(on);
    e2e_rmrf(tmp);
}

Test(channels_e2e, sweep_has_a_block_per_point, .timeout = 120)
{
    char tmp[64], dir[128];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(dir, sizeof dir, "%s/s", tmp);
    e2e_result *r = e2e_run("hypothesis tests/data/hyp_sweep.cfg --quiet --replicates 8 "
                            "--set hypothesis.channels=true -o %s", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    for (int p = 0; p < 3; p++) {
        char key[64];
        snprintf(key, sizeof key, "%d,others_coop_target,total", p);
        cr_expect(!isnan(csv_value(dir, "channels.csv", key, "estimate")), "no %s", key);
    }
    /* Point 0 sweeps demonstration to 0: its terms are exactly 0. */
    cr_expect_eq(csv_value(dir, "channels.csv", "0,others_coop_target,main:demonstration",
                           "estimate"), 0.0);
    cr_expect_eq(csv_value(dir, "channels.csv", "0,others_coop_target,shapley:demonstration",
                           "estimate"), 0.0);
    e2e_rmrf(tmp);
}

Test(channels_e2e, channels_must_be_a_bool)
{
    e2e_result *r = e2e_run("check tests/data/hyp_small.cfg --set hypothesis.channels=1");
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "hypothesis.channels = 1") && strstr(r->err, "true or false"), "%s",
              r->err);
    r = e2e_run("check tests/data/hyp_small.cfg --set hypothesis.channels=true");
    cr_expect_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "channels = true;"), "%s", r->out);
}

/* The reading of the report weighs each channel's main effect against the primary
 * outcome's SESOI: with a SESOI far above every effect each main effect is called
 * too small to matter; with SESOI 0 none is. */
Test(channels_e2e, main_effects_read_against_the_sesoi, .timeout = 120)
{
    char tmp[64], big[128], zero[128];
    e2e_tmpdir(tmp, sizeof tmp);
    cr_assert(tmp[0]);
    snprintf(big, sizeof big, "%s/big", tmp);
    snprintf(zero, sizeof zero, "%s/zero", tmp);
    e2e_result *r = e2e_run("hypothesis tests/data/hyp_small.cfg --quiet --set "
                            "hypothesis.channels=true --set hypothesis.sesoi.others_coop_target=0.9"
                            " -o %s", big);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "demonstration's main effect is smaller than the SESOI (0.9)"), "%s",
              r->out);
    cr_expect(strstr(r->out, "brokerage's main effect is smaller than the SESOI (0.9)"), "%s",
              r->out);
    r = e2e_run("hypothesis tests/data/hyp_small.cfg --quiet --set hypothesis.channels=true "
                "--set hypothesis.sesoi.others_coop_target=0 -o %s", zero);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "smaller than the SESOI"), "%s", r->out);
    cr_expect_null(strstr(r->out, "exceeds the SESOI"), "%s", r->out);
}
