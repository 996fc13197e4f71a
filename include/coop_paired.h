/* coop_paired.h: the statistics of a paired (common random numbers) experiment.
 *
 * Replicate i of two worlds A and B (factual and counterfactual, or factual and a
 * placebo) shares its random seed, so the per-replicate difference d_i = a_i - b_i
 * isolates the treatment.  coop_paired_compare summarises one outcome of one such
 * comparison; coop_paired_sesoi tests it against a smallest effect of interest;
 * coop_holm and coop_gatekeep correct the p-values of several outcomes of one
 * comparison for multiplicity; coop_sesoi_verdict turns them into verdicts.
 *
 * Everything here is a pure function on arrays: no configuration, no I/O, no global
 * state (the bootstrap's generator is local to the call), so it is safe to call from
 * several threads at once.  Reference implementation for every statistic: R's
 * t.test(a, b, paired = TRUE), wilcox.test(a, b, paired = TRUE) and
 * p.adjust(p, "holm") (the tests compare against their output).
 *
 * How the verdict of a comparison is reached (decided here, once; docs/HYPOTHESIS.md):
 *   1. for each outcome k: coop_paired_compare(factual_k, other_k, ...) -> r_k;
 *   2. coop_paired_sesoi(r_k, sesoi_k, alpha) -> e_k: the minimum-effect tests in
 *      both directions and the equivalence test (TOST) against the outcome's
 *      smallest effect size of interest, and the claim their smallest p-value makes;
 *   3. coop_gatekeep over (e_1.p_decision, ..., e_m.p_decision): the primary
 *      outcome at full alpha, the others (Holm) only behind it -> p_adj;
 *   4. coop_sesoi_verdict(e_k.claim, p_adj[k], alpha).
 * The verdict has four levels (Lakens, Scheel & Isager 2018, Advances in Methods
 * and Practices in Psychological Science 1:259-269): supported (the effect is
 * larger than +SESOI), contradicted (smaller than -SESOI), negligible (within
 * +-SESOI) and inconclusive.  Each one-sided test runs at alpha / 2, so for an
 * outcome tested at full alpha the verdict is where the t-based 1 - alpha
 * interval lies: wholly above +SESOI, wholly below -SESOI, wholly inside, or
 * across a bound.  The Wilcoxon signed-rank p-value (a test of symmetry about
 * zero, so of the median difference) is reported beside it as a robustness check
 * only; coop_paired_verdict is the plain significance verdict (no SESOI). */
#ifndef COOP_PAIRED_H
#define COOP_PAIRED_H

#include <stddef.h>

#include "coop_error.h"

/* The summary of one paired comparison.  d_i = a_i - b_i over the pairs used.
 * A field that is undefined is NaN (see coop_paired_compare for which, when). */
typedef struct coop_paired {
    size_t n;            /* pairs used: a_i and b_i both finite */
    size_t n_nonzero;    /* pairs with d_i != 0: the Wilcoxon test's n */
    double level;        /* confidence level of both intervals, e.g. 0.95 */
    double mean_a;       /* mean of a over the pairs used */
    double mean_b;       /* mean of b over the pairs used */
    double diff;         /* mean paired difference mean(d) (the effect) */
    double sd_diff;      /* sample standard deviation of d (divisor n - 1) */
    double t;            /* paired t statistic diff / (sd_diff / sqrt(n)) */
    double t_lo, t_hi;   /* t-based confidence interval of diff */
    double boot_lo;      /* bootstrap percentile confidence interval of diff */
    double boot_hi;
    double p_t;          /* two-sided p-value of the paired t-test */
    double v;            /* Wilcoxon statistic V: sum of the ranks of |d_i| with d_i > 0 */
    double p_wilcoxon;   /* two-sided p-value of the Wilcoxon signed-rank test */
    int wilcoxon_exact;  /* 1: p_wilcoxon is exact; 0: normal approximation */
    double d_z;          /* Cohen's d_z = diff / sd_diff */
} coop_paired;

/* Compares a[0..n-1] with b[0..n-1] pair by pair and fills *out.
 *
 * Pairs where a_i or b_i is not finite (NaN, as for an outcome undefined in that
 * replicate, or +-Inf) are dropped; out->n counts the pairs used.  All the
 * statistics below are computed on the pairs used.
 *
 *  - Means: mean_a, mean_b, diff (gsl_stats_mean); sd_diff (gsl_stats_sd).
 *  - t-test: t = diff / (sd_diff / sqrt(n)) with n - 1 degrees of freedom;
 *    p_t = 2 Q_t(|t|); interval diff -/+ t_{(1+level)/2, n-1} sd_diff / sqrt(n).
 *  - Bootstrap percentile interval (Efron & Tibshirani 1993, ch. 13): n_boot
 *    resamples of the n differences, drawn with replacement by a gsl_rng_mt19937
 *    seeded with boot_seed; the interval is the (1-level)/2 and (1+level)/2
 *    quantiles of the resample means (gsl_stats_quantile_from_sorted_data, R's
 *    quantile type 7).  The same data, n_boot and boot_seed give the same interval
 *    bit for bit.  boot_seed 0 is GSL's default seed (4357 for mt19937), as in
 *    gsl_rng_set; n_boot = 0 gives a NaN interval (no bootstrap).
 *  - Wilcoxon signed-rank test (Wilcoxon 1945), exactly as R's wilcox.test(a, b,
 *    paired = TRUE) with its defaults (exact = NULL, correct = TRUE): zero
 *    differences are dropped (n_nonzero remain); |d| is ranked with mid-ranks for
 *    ties; V is the sum of the ranks of the positive differences.  When
 *    n_nonzero < 50 and there are neither ties among |d| nor zero differences,
 *    p_wilcoxon is exact (the null distribution of V by dynamic programming over
 *    rank sums; p = min(1, 2 min(P(V <= v), P(V >= v)))) and wilcoxon_exact = 1.
 *    Otherwise the normal approximation with continuity correction:
 *    z = (V - m(m+1)/4 - sign * 0.5) / sigma, m = n_nonzero,
 *    sigma^2 = m(m+1)(2m+1)/24 - sum over tie groups (t^3 - t)/48,
 *    p = 2 min(Phi(z), 1 - Phi(z)).
 *  - Cohen's d_z = diff / sd_diff.
 *
 * Edge cases (none is an error):
 *  - n = 0: every double field is NaN.
 *  - n = 1: mean_a, mean_b and diff are defined; all the rest is NaN.
 *    (wilcoxon_exact is 0 whenever p_wilcoxon is NaN.)
 *  - n >= 2 and every difference exactly zero (sd_diff = 0, diff = 0), as for two
 *    identical worlds under common random numbers: t = 0, p_t = 1, p_wilcoxon = 1
 *    (wilcoxon_exact = 1: no evidence at all), d_z = 0, both intervals [0, 0].
 *    (R's t.test stops with "data are essentially constant"; R's wilcox.test
 *    gives NaN.)
 *  - n >= 2 and every difference the same non-zero value c (sd_diff = 0):
 *    t = d_z = copysign(INFINITY, c), p_t = 0, both intervals [c, c] (no
 *    variation, so no uncertainty a t-test can see).  p_wilcoxon follows the
 *    rules above: all |d| are tied, so R's normal approximation applies.
 *  - Otherwise every field is finite (the bootstrap interval needs n_boot >= 1).
 * A NaN-free, zero-free, tie-free sample gives exactly R's numbers (up to the
 * accuracy of GSL's distribution functions).
 *
 * Complexity: O(n log n + n_boot (n + log n_boot)) time; scratch memory
 * O(n + n_boot), freed before returning.  Returns COOP_OK, or COOP_EINVAL (a or b
 * NULL with n > 0, out NULL, level not in (0, 1), more than 2^32 - 1 pairs to
 * resample) or COOP_ENOMEM, with a message in err (which may be NULL); *out is
 * then unspecified. */
int coop_paired_compare(const double *a, const double *b, size_t n, double level,
                        size_t n_boot, unsigned long boot_seed, coop_paired *out,
                        coop_err *err);

/* The bootstrap percentile intervals [lo[s], hi[s]] of the means of n_series
 * samples d[s][0..n-1] of one size n >= 2 (n_boot >= 1 resamples) that share
 * their resamples: one gsl_rng_mt19937 seeded with seed draws each resample's n
 * indices once, for every sample, so that each gets bit for bit the interval
 * coop_paired_compare's bootstrap with that seed gives it, for the cost of one
 * generator.  Returns COOP_OK, COOP_EINVAL or COOP_ENOMEM (message in err). */
int coop_paired_boot_shared(const double *const *d, size_t n_series, size_t n, double level,
                            size_t n_boot, unsigned long seed, double *lo, double *hi,
                            coop_err *err);

/* One comparison of coop_paired_compare_all: a[0..n-1] against b[0..n-1] into *out. */
typedef struct coop_paired_job {
    const double *a, *b;
    size_t n;
    coop_paired *out;
} coop_paired_job;

/* coop_paired_compare(job.a, job.b, job.n, level, n_boot, boot_seed, job.out) for
 * every job, with the same results bit for bit, but the bootstraps of the jobs that
 * use the same number of pairs drawn together (coop_paired_boot_shared): a
 * hypothesis test compares tens of outcomes and worlds with one seed.  Stops at
 * the first job that fails. */
int coop_paired_compare_all(const coop_paired_job *job, size_t n_jobs, double level,
                            size_t n_boot, unsigned long boot_seed, coop_err *err);

/* Only the bootstrap intervals of coop_paired_compare_all (job.out's boot_lo and
 * boot_hi; the rest of *job.out untouched; jobs of fewer than 2 pairs keep
 * theirs): a job's interval depends only on its pairs, the seed and their number,
 * so any subset of a comparison's jobs gives each the bits it gets among all of
 * them (the statistics' tasks split a large comparison's bootstraps this way). */
int coop_paired_boot_all(const coop_paired_job *job, size_t n_jobs, double level, size_t n_boot,
                         unsigned long boot_seed, coop_err *err);

/* Holm's (1979) step-down adjustment of the m p-values p[0..m-1], as R's
 * p.adjust(p, "holm"): with the k finite p-values sorted, p_(1) <= ... <= p_(k),
 * p_adj_(i) = min(1, max_{j <= i} (k - j + 1) p_(j)).  NaN p-values are skipped:
 * their p_adj is NaN and they do not count in k.  p_adj may be p (in place).
 * Returns COOP_OK, COOP_EINVAL (p or p_adj NULL with m > 0, or a p-value that is
 * neither NaN nor in [0, 1]; p_adj is then untouched) or COOP_ENOMEM, with a
 * message in err (which may be NULL).  O(m log m). */
int coop_holm(const double *p, size_t m, double *p_adj, coop_err *err);

/* The verdict on the hypothesis "the treatment raises the outcome". */
typedef enum coop_verdict {
    COOP_VERDICT_INCONCLUSIVE = 0,
    COOP_VERDICT_SUPPORTED,
    COOP_VERDICT_CONTRADICTED,
    COOP_VERDICT_NEGLIGIBLE,
    COOP_N_VERDICTS
} coop_verdict;

/* The plain significance verdict from the mean paired difference diff (factual
 * minus counterfactual, signed so that the hypothesis predicts diff > 0: negate an
 * outcome where smaller is better before comparing) and a p-value p_adj of the
 * two-sided paired t-test (adjusted for multiplicity by the caller):
 *   supported     when p_adj < alpha and diff > 0;
 *   contradicted  when p_adj < alpha and diff < 0;
 *   inconclusive  otherwise, including diff = 0 and a NaN diff, p_adj or alpha.
 * It knows no smallest effect of interest: the raw rejection that
 * tests/bench/null_size.sh counts beside the verdicts of coop_sesoi_verdict. */
coop_verdict coop_paired_verdict(double diff, double p_adj, double alpha);

/* One paired comparison against a smallest effect size of interest (SESOI)
 * delta > 0, on the difference's scale.  With diff, se = sd_diff / sqrt(n) and
 * df = n - 1 of a coop_paired, and T the t distribution with df degrees of
 * freedom (Lakens, Scheel & Isager 2018):
 *   p_sup  = 1 - T((diff - delta) / se)   H0: mean effect <= +delta (minimum-effect
 *                                           test for "larger than +delta")
 *   p_con  = T((diff + delta) / se)       H0: mean effect >= -delta ("smaller than
 *                                           -delta")
 *   p_tost = max(1 - T((diff + delta) / se), T((diff - delta) / se))
 *                                         H0: |mean effect| >= delta (two one-sided
 *                                           tests, Schuirmann 1987)
 *   p_min_effect = p_sup when diff >= 0, p_con otherwise (the minimum-effect test
 *                  in the observed direction, as hypothesis.csv reports it)
 *   claim      = the verdict of the smallest of p_sup, p_con, p_tost (supported,
 *                contradicted, negligible; at most one of them is below 1/2)
 *   p_decision = min(1, 2 min(p_sup, p_con, p_tost)): each one-sided test at
 *                alpha / 2, so p_decision < alpha exactly when the t-based
 *                1 - alpha interval of diff lies wholly above +delta, wholly below
 *                -delta, or wholly inside (-delta, +delta); whatever the true
 *                effect, the probability of a false claim is at most alpha.
 *   n_needed   = max(2, ceil((2 t sd_diff / delta)^2)), t = the 1 - alpha/2
 *                quantile of T: the pairs for which the 1 - alpha interval would
 *                be no wider than delta, at the observed sd_diff.
 * se = 0 (every difference equal): the statistics (diff -/+ delta) / se are +-Inf
 * (0 when diff is exactly on a bound, p = 1/2).  delta = 0 is allowed (no
 * threshold: the minimum-effect tests are the one-sided t-tests and the TOST
 * p-value is at least 1/2, so never negligible).  n < 2, a NaN diff or sd_diff,
 * or a delta that is NaN or negative: every p-value and n_needed NaN, claim
 * inconclusive.  A pure function; nothing to fail. */
typedef struct coop_sesoi_test {
    double sesoi;          /* delta */
    double p_sup, p_con, p_tost, p_min_effect, p_decision;
    coop_verdict claim;
    double n_needed;
} coop_sesoi_test;

void coop_paired_sesoi(const coop_paired *s, double sesoi, double alpha, coop_sesoi_test *out);

/* The t-based interval of s->diff at confidence `level` (in (0, 1)):
 * diff -/+ t_{(1+level)/2, n-1} sd_diff / sqrt(n), as coop_paired_compare's t_lo,
 * t_hi but at any level (the verdict's interval is level = 1 - alpha).  NaN when
 * n < 2; [diff, diff] when sd_diff = 0. */
void coop_paired_interval(const coop_paired *s, double level, double *lo, double *hi);

/* The verdict of a claim (coop_sesoi_test.claim) whose p_decision, adjusted for
 * multiplicity (coop_gatekeep), is p_adj: the claim when p_adj < alpha,
 * inconclusive otherwise (and for a NaN p_adj or alpha). */
coop_verdict coop_sesoi_verdict(coop_verdict claim, double p_adj, double alpha);

/* Serial gatekeeping (Dmitrienko, Offen & Westfall 2003, Statistics in Medicine
 * 22:2387-2400) of m p-values p[0..m-1] with p[primary] the gate: the primary is
 * tested alone at full alpha (p_adj[primary] = p[primary]); the other m - 1 form
 * one family, Holm-adjusted among themselves (coop_holm), and can be rejected only
 * behind an open gate: p_adj[k] = max(p[primary], holm_k), so p_adj[k] < alpha
 * exactly when p[primary] < alpha and holm_k < alpha.  The family-wise error rate
 * over all m is at most alpha.  A NaN p[primary] gives NaN everywhere; NaN
 * secondaries stay NaN and do not count in Holm's k.  p_adj may be p.  Returns
 * COOP_OK, or COOP_EINVAL (arrays NULL with m > 0, primary >= m, a p-value
 * outside [0, 1]) or COOP_ENOMEM, with a message in err (which may be NULL). */
int coop_gatekeep(const double *p, size_t m, size_t primary, double *p_adj, coop_err *err);

/* The exact (Clopper & Pearson 1934, Biometrika 26:404-413) confidence interval
 * of a binomial proportion, k successes in n trials, at confidence `level`:
 * lo = B^-1((1 - level)/2; k, n - k + 1) (0 when k = 0), hi = B^-1((1 + level)/2;
 * k + 1, n - k) (1 when k = n), with B^-1 GSL's beta quantile.  NaN for n = 0,
 * k > n or a level outside (0, 1).  How tests/bench/null_size.sh reports the
 * rates of each verdict under a true null. */
void coop_clopper_pearson(unsigned long k, unsigned long n, double level, double *lo,
                          double *hi);

/* "supported", "contradicted", "negligible" or "inconclusive" (a static string);
 * "unknown" for a value outside the enum. */
const char *coop_verdict_name(coop_verdict v);

#endif
