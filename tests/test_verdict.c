/* test_verdict.c: the verdicts of `coopsim hypothesis` against smallest effects
 * of interest (sim/analysis/hyp_verdict.c, coop_paired_sesoi, coop_gatekeep).
 *
 * The required property (issue 15): over many synthetic comparisons through
 * coop_hypothesis_compare, no outcome whose printed interval lies within +-SESOI
 * (behind an open gate) is anything but negligible, none whose effect is below its
 * SESOI is supported, and the secondaries are untested behind a closed gate.  The
 * headline names the primary's verdict, counts the secondaries and says when they
 * disagree and when the replicates are too few.  Size under a true null
 * (tests/data/hyp_twin.cfg: a placebo that is an exact copy of the motivator) over
 * 200 seeds.  `--replicates auto` grows the replicates until the primary interval
 * is narrow, reuses the first replicates exactly and is refused where it means
 * nothing. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_io.h"
#include "coop_hypothesis.h"
#include "coop_rng.h"
#include "e2e.h"
#include "files.h"
#include "outcomes_fixture.h"

#define SMALL "tests/data/hyp_small.cfg"
#define TWIN "tests/data/hyp_twin.cfg"

/* ---- the property, on synthetic outcomes ---- */

/* 3000 synthetic experiments (3 worlds, 6 outcomes, 5 to 60 pairs; effects and
 * spreads drawn around each outcome's default SESOI; a fixed mt19937 stream), each
 * through coop_hypothesis_compare with the default settings.  For every comparison
 * and outcome, with [lo, hi] the printed interval (coop_hyp_level) and delta the
 * SESOI:
 *  - supported    => the 1 - alpha interval lies above +delta (so diff > delta);
 *  - contradicted => it lies below -delta;
 *  - [lo, hi] within (-delta, delta) and the gate open (or the primary itself)
 *    => negligible;
 *  - the primary inconclusive (gate closed) => every secondary inconclusive.
 * Every verdict occurs, so none of the implications holds vacuously. */
Test(verdict, never_beyond_what_the_interval_shows)
{
    coop_config c;
    load_ok(SMALL, NULL, 0, &c);
    coop_hypothesis_cfg h = c.hyp;
    h.bootstrap = 0;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 15);
    enum { W = 3, RMAX = 60 };
    static double v[W * COOP_N_OUTCOMES * RMAX];
    int seen[COOP_N_VERDICTS] = {0}, closed = 0;
    for (int it = 0; it < 3000; it++) {
        int R = 5 + (int)gsl_rng_uniform_int(g, RMAX - 4);
        for (int w = 0; w < W; w++)
            for (int o = 0; o < COOP_N_OUTCOMES; o++) {
                double d = h.sesoi[o], mu = w ? 3.0 * d * (gsl_rng_uniform(g) - 0.5) : 0.0;
                double sd = d * (0.05 + 2.0 * gsl_rng_uniform(g));
                for (int r = 0; r < R; r++)
                    v[(w * COOP_N_OUTCOMES + o) * R + r] = 1.0 - mu + sd * gsl_ran_gaussian(g, 1);
            }
        coop_hyp_point res;
        coop_err err = {0};
        cr_assert(eq(int, coop_hypothesis_compare(&h, v, W, R, NULL, 0, 1, &res, &err), COOP_OK),
                  "%s", err.text);
        for (int k = 0; k < res.n_comparisons; k++) {
            const coop_hyp_comparison *cm = &res.cmp[k];
            int open = cm->verdict != COOP_VERDICT_INCONCLUSIVE;
            closed += !open;
            for (int o = 0; o < COOP_N_OUTCOMES; o++) {
                const coop_hyp_result *r = &cm->r[o];
                double delta = r->e.sesoi, lo, hi, l1, h1;
                coop_paired_interval(&r->s, coop_hyp_level(&res, o), &lo, &hi);
                coop_paired_interval(&r->s, 1.0 - h.alpha, &l1, &h1);
                cr_assert(eq(dbl, delta, h.sesoi[o]));
                if (r->verdict == COOP_VERDICT_SUPPORTED)
                    cr_assert(l1 > delta && r->s.diff > delta, "it %d %s: supported, [%g, %g], "
                              "SESOI %g", it, coop_outcome_names[o], l1, h1, delta);
                if (r->verdict == COOP_VERDICT_CONTRADICTED)
                    cr_assert(h1 < -delta && r->s.diff < -delta);
                if (lo > -delta && hi < delta && (open || o == res.primary))
                    cr_assert(eq(int, r->verdict, COOP_VERDICT_NEGLIGIBLE), "it %d %s: [%g, %g] "
                              "within +-%g but %s", it, coop_outcome_names[o], lo, hi, delta,
                              coop_verdict_name(r->verdict));
                if (!open && o != res.primary)
                    cr_assert(eq(int, r->verdict, COOP_VERDICT_INCONCLUSIVE), "behind a closed "
                              "gate");
                seen[r->verdict]++;
            }
        }
    }
    for (int k = 0; k < COOP_N_VERDICTS; k++)
        cr_assert(gt(int, seen[k], 100), "%s: %d", coop_verdict_name((coop_verdict)k), seen[k]);
    cr_assert(gt(int, closed, 100));
    gsl_rng_free(g);
    coop_config_destroy(&c);
}

/* ---- the headline ---- */

/* A point with a given verdict per outcome (the counterfactual comparison only). */
static void fake_point(coop_hyp_point *res, const coop_verdict *v, double diff, double sd,
                       size_t n)
{
    memset(res, 0, sizeof *res);
    res->primary = COOP_O_OTHERS_COOP_TARGET;
    res->alpha = 0.05;
    res->replicates = (int)n;
    res->n_comparisons = 1;
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        coop_hyp_result *r = &res->cmp[0].r[o];
        r->outcome = o;
        r->s.n = n;
        r->s.diff = diff;
        r->s.sd_diff = sd;
        coop_paired_sesoi(&r->s, 0.02, 0.05, &r->e);
        r->verdict = v[o];
    }
    res->cmp[0].verdict = v[res->primary];
}

static char *headline(const coop_hyp_point *res)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    cr_assert_not_null(f);
    cr_assert(eq(int, coop_hypothesis_headline(f, res, "KZ"), COOP_OK));
    fclose(f);
    return buf;
}

Test(verdict, headline_names_the_primary_and_the_disagreement)
{
    /* diff 0.03, sd 0.05, n 400: 95% interval 0.03 -/+ 1.966 x 0.0025 = [0.02509,
     * 0.03491], narrower than the SESOI 0.02: no remark on the replicates. */
    const coop_verdict v[COOP_N_OUTCOMES] = {
        COOP_VERDICT_SUPPORTED, COOP_VERDICT_NEGLIGIBLE, COOP_VERDICT_CONTRADICTED,
        COOP_VERDICT_CONTRADICTED, COOP_VERDICT_INCONCLUSIVE, COOP_VERDICT_SUPPORTED};
    coop_hyp_point res;
    fake_point(&res, v, 0.03, 0.05, 400);
    char *s = headline(&res);
    cr_assert_not_null(strstr(s, "Verdict: supported on the primary outcome others_coop_target"),
                       "%s", s);
    cr_assert_not_null(strstr(s, "+0.03 (95% CI [+0.02509, +0.03491]; SESOI 0.02)"), "%s", s);
    cr_assert_not_null(strstr(s, "1 supported (regional_cohesion), 2 contradicted (others_level, "
                                 "rmst_enhanced), 1 negligible (target_engagement), 1 "
                                 "inconclusive (engaged_share)"), "%s", s);
    cr_assert_not_null(strstr(s, "Disagreement: 2 of 5 secondary outcomes contradicted: "
                                 "others_level, rmst_enhanced, against the primary's "
                                 "supported."), "%s", s);
    cr_assert_null(strstr(s, "Replicates:"), "%s", s);
    free(s);
}

Test(verdict, headline_says_when_the_replicates_are_too_few)
{
    /* diff 0.03, sd 0.05, n 12: t(0.975, 11) = 2.201, interval 0.03 -/+ 0.0318, 0.064
     * wide > 0.02: n_needed = ceil((2 x 2.201 x 0.05 / 0.02)^2) = ceil(121.1) = 122.
     * The primary inconclusive: the secondaries are not tested. */
    coop_verdict v[COOP_N_OUTCOMES];
    for (int o = 0; o < COOP_N_OUTCOMES; o++)
        v[o] = COOP_VERDICT_INCONCLUSIVE;
    coop_hyp_point res;
    fake_point(&res, v, 0.03, 0.05, 12);
    cr_assert(eq(dbl, res.cmp[0].r[0].e.n_needed, 122));
    char *s = headline(&res);
    cr_assert_not_null(strstr(s, "Verdict: inconclusive on the primary outcome"), "%s", s);
    cr_assert_not_null(strstr(s, "Secondary outcomes (5): not tested"), "%s", s);
    cr_assert_not_null(strstr(s, "Replicates: too few for the SESOI"), "%s", s);
    cr_assert_not_null(strstr(s, "about 122 replicates"), "%s", s);
    cr_assert_null(strstr(s, "Disagreement"), "%s", s);
    free(s);
}

/* ---- size under a true null ---- */

/* tests/data/hyp_twin.cfg: KG an exact copy of the motivator KZ, so factual vs
 * placebo:KG is a true null on regional_cohesion (symmetric in the two).  200
 * experiments of 20 pairs (seeds 5000..5199; tests/bench/null_size.sh measures 400
 * other seeds):
 *  - raw rejections (paired t-test p < alpha = 0.05, either sign) at most 16:
 *    at the nominal 5%, P(X >= 17) = 0.024 (Binomial(200, 0.05)); if the rate
 *    doubled to 10%, the bound fails with probability 0.79 (P(X >= 17 | 0.10));
 *  - with hypothesis.sesoi.regional_cohesion = 0 the verdicts supported and
 *    contradicted are the two one-sided t-tests at alpha / 2: together the same
 *    count as the raw rejections, exactly;
 *  - with the default SESOI (0.02) false directional claims (supported or
 *    contradicted) at most 16 as well (their rate is far lower: see the bench);
 *  - the pairs are not all equal (the null is not a trivial one).
 * (scipy: stats.binom.sf(16, 200, 0.05) = 0.0238, stats.binom.sf(16, 200, 0.10) =
 * 0.793.) */
Test(verdict, size_under_a_twin_null)
{
    coop_config c;
    load_ok(TWIN, NULL, 0, &c);
    coop_err err = {0};
    coop_hyp_worlds *w = coop_hyp_worlds_alloc(&c, &err);
    cr_assert_not_null(w, "%s", err.text);
    cr_assert(eq(int, w->n, 3));
    cr_assert(eq(int, c.hyp.primary, COOP_O_REGIONAL_COHESION));
    enum { R = 20, S = 200 };
    double *v = malloc(2 * COOP_N_OUTCOMES * R * sizeof *v);
    coop_hypothesis_cfg h0 = c.hyp;
    h0.sesoi[COOP_O_REGIONAL_COHESION] = 0.0;
    int raw = 0, dir0 = 0, dir = 0, negl = 0, nonzero = 0, prim = c.hyp.primary;
    for (int s = 0; s < S; s++) {
        run_outcomes(&w->cfg[0], 5000 + (uint32_t)s, R, v);
        run_outcomes(&w->cfg[2], 5000 + (uint32_t)s, R, v + COOP_N_OUTCOMES * R);
        coop_hyp_point a, b;
        cr_assert(eq(int, coop_hypothesis_compare(&c.hyp, v, 2, R, NULL, 0, 1, &a, &err), COOP_OK));
        cr_assert(eq(int, coop_hypothesis_compare(&h0, v, 2, R, NULL, 0, 1, &b, &err), COOP_OK));
        raw += a.cmp[0].r[prim].s.p_t < c.hyp.alpha;
        coop_verdict va = a.cmp[0].verdict, vb = b.cmp[0].verdict;
        dir += va == COOP_VERDICT_SUPPORTED || va == COOP_VERDICT_CONTRADICTED;
        dir0 += vb == COOP_VERDICT_SUPPORTED || vb == COOP_VERDICT_CONTRADICTED;
        negl += va == COOP_VERDICT_NEGLIGIBLE;
        nonzero += a.cmp[0].r[prim].s.n_nonzero > 0;
    }
    cr_log_info("twin null, %d experiments of %d pairs: raw t rejections %d, directional "
                "verdicts %d (SESOI 0) and %d (SESOI 0.02), negligible %d", S, R, raw, dir0,
                dir, negl);
    cr_assert(eq(int, nonzero, S));
    cr_assert(le(int, raw, 16), "raw rejections %d of %d", raw, S);
    cr_assert(eq(int, dir0, raw), "SESOI 0: the verdicts are the t-test's");
    cr_assert(le(int, dir, 16));
    free(v);
    coop_hyp_worlds_free(w);
    coop_config_destroy(&c);
}

/* ---- --replicates auto ---- */

/* The value of outcome o of replicate r of the factual world in DIR/outcomes.csv. */
static int factual_rows(const char *dir, int upto, char *buf, size_t size)
{
    char path[256], line[256];
    snprintf(path, sizeof path, "%s/outcomes.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    size_t n = 0;
    int rows = 0;
    buf[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        int rep;
        if (sscanf(line, "0,factual,%d,", &rep) == 1 && rep < upto && n + strlen(line) < size) {
            memcpy(buf + n, line, strlen(line) + 1);
            n += strlen(line);
            rows++;
        }
    }
    fclose(f);
    return rows;
}

/* On hyp_small (30 replicates, SESOI 0.02 on others_coop_target): auto doubles to
 * 60, 120, ... until the primary half-width is below 0.005 (or 16384); the table
 * and hypothesis.csv use the chosen number, and the first 30 replicates are those
 * of the plain 30-replicate run, value for value. */
Test(verdict_e2e, replicates_auto_grows_until_the_interval_is_narrow)
{
    char dir[64], a[128], b[128];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/auto", dir);
    snprintf(b, sizeof b, "%s/plain", dir);
    e2e_result *r = e2e_run("hypothesis " SMALL " -o %s --replicates auto --threads 2", a);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    const char *u = strstr(r->err, "--replicates auto: using ");
    cr_assert_not_null(u, "%s", r->err);
    int n = atoi(u + strlen("--replicates auto: using "));
    cr_assert_not_null(strstr(r->err, "--replicates auto: 30 replicates: primary half-width"),
                       "%s", r->err);
    cr_assert(n > 30 && n % 30 == 0 && ((n / 30) & (n / 30 - 1)) == 0, "%d: 30 doubled", n);
    char want[64];
    snprintf(want, sizeof want, "\n%d replicates per world", n);
    cr_assert_not_null(strstr(r->out, want + 1), "%s", r->out);
    /* The last round's half-width is below SESOI/4, the one before it not. */
    snprintf(want, sizeof want, "--replicates auto: %d replicates: primary half-width", n);
    const char *last = strstr(r->err, want);
    cr_assert_not_null(last, "%s", r->err);
    cr_assert_not_null(strstr(last, "< SESOI/4 = 0.005"), "%s", r->err);
    snprintf(want, sizeof want, "--replicates auto: %d replicates:", n / 2);
    const char *prev = strstr(r->err, want);
    cr_assert(prev && strstr(prev, ">= SESOI/4") && strstr(prev, ">= SESOI/4") < last, "%s",
              r->err);
    r = e2e_run("hypothesis " SMALL " -o %s --quiet --threads 1", b);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    static char x[1 << 16], y[1 << 16];
    /* the pooled outcomes and 5 per-state ones for each of KG, TJ, UZ */
    cr_assert(eq(int, factual_rows(a, 30, x, sizeof x), 30 * (COOP_N_OUTCOMES + 3 * 5)));
    cr_assert(eq(int, factual_rows(b, 30, y, sizeof y), 30 * (COOP_N_OUTCOMES + 3 * 5)));
    cr_assert(eq(str, x, y), "the first 30 replicates are reused exactly");
}

Test(verdict_e2e, replicates_auto_is_refused_where_it_means_nothing)
{
    char dir[64], out[128];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/x", dir);
    e2e_result *r = e2e_run("run " SMALL " -o %s --replicates auto --quiet", out);
    cr_assert(eq(int, r->status, 2), "%s", r->err);
    cr_assert_not_null(strstr(r->err, "only `coopsim hypothesis`"), "%s", r->err);
    r = e2e_run("hypothesis tests/data/hyp_sweep.cfg -o %s --replicates auto --quiet", out);
    cr_assert(eq(int, r->status, 2), "%s", r->err);
    cr_assert_not_null(strstr(r->err, "a sweep's points"), "%s", r->err);
    r = e2e_run("hypothesis " SMALL " -o %s --replicates auto --quiet "
                "--set hypothesis.sesoi.others_coop_target=0", out);
    cr_assert(eq(int, r->status, 2), "%s", r->err);
    cr_assert_not_null(strstr(r->err, "hypothesis.sesoi.others_coop_target > 0"), "%s", r->err);
    /* A bound that stops the doubling: 30, then 40 = max_replicates. */
    r = e2e_run("hypothesis " SMALL " -o %s --replicates auto --set hypothesis.max_replicates=40",
                out);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_assert_not_null(strstr(r->err, "(hypothesis.max_replicates reached)"), "%s", r->err);
    cr_assert_not_null(strstr(r->err, "using 40 replicates"), "%s", r->err);
}
