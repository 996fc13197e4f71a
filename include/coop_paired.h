/* coop_paired.h: the statistics of a paired (common random numbers) experiment.
 *
 * Replicate i of two worlds A and B (factual and counterfactual, or factual and a
 * placebo) shares its random seed, so the per-replicate difference d_i = a_i - b_i
 * isolates the treatment.  coop_paired_compare summarises one outcome of one such
 * comparison; coop_holm corrects the p-values of several outcomes of one comparison
 * for multiplicity; coop_paired_verdict turns the primary outcome into a verdict.
 *
 * Everything here is a pure function on arrays: no configuration, no I/O, no global
 * state (the bootstrap's generator is local to the call), so it is safe to call from
 * several threads at once.  Reference implementation for every statistic: R's
 * t.test(a, b, paired = TRUE), wilcox.test(a, b, paired = TRUE) and
 * p.adjust(p, "holm") (the tests compare against their output).
 *
 * How the verdict of a comparison is reached (decided here, once):
 *   1. for each outcome k: coop_paired_compare(factual_k, other_k, ...) -> r_k;
 *   2. coop_holm over (r_1.p_t, ..., r_m.p_t) -> p_adj;
 *   3. coop_paired_verdict(r_primary.diff, p_adj[primary], alpha).
 * The paired t-test's Holm-adjusted p-value drives the verdict because the
 * question is about the mean effect (the t-test's null hypothesis), and the t-test
 * is the one whose effect estimate, confidence interval and p-value agree.  The
 * Wilcoxon signed-rank p-value (a test of symmetry about zero, so of the median
 * difference) is reported beside it as a robustness check only. */
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
    COOP_VERDICT_CONTRADICTED
} coop_verdict;

/* The verdict from the primary outcome's mean paired difference diff (factual
 * minus counterfactual, signed so that the hypothesis predicts diff > 0: negate an
 * outcome where smaller is better before comparing) and its Holm-adjusted
 * paired t-test p-value p_adj (see the top of this file):
 *   supported     when p_adj < alpha and diff > 0;
 *   contradicted  when p_adj < alpha and diff < 0;
 *   inconclusive  otherwise, including diff = 0 and a NaN diff, p_adj or alpha.
 * alpha is the significance level, in (0, 1) (validated by the configuration). */
coop_verdict coop_paired_verdict(double diff, double p_adj, double alpha);

/* "supported", "contradicted" or "inconclusive" (a static string); "unknown" for
 * a value outside the enum. */
const char *coop_verdict_name(coop_verdict v);

#endif
