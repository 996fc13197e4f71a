/* test_paired.c: the paired-experiment statistics (coop_paired.h) against R.
 *
 * Every reference number below was produced by R 4.2.2 (Debian 12, r-base-core;
 * R is not a project dependency) with options(digits = 17) and the command in the
 * comment beside it, on the vectors written out here.  The vectors are chosen so
 * that the differences a - b are exact in binary floating point wherever ties or
 * zeros matter (integers), so R and C see the same ties.  D60 was drawn once with
 *   set.seed(2024); a <- sample(400:900, 60); mag <- sample(1:200, 60)
 *   sgn <- ifelse(runif(60) < 0.7, 1, -1); b <- a - sgn * mag
 * and is pasted here as data (distinct |d|, no zeros). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "coop_paired.h"

/* Relative closeness, for values from R (ref != 0). */
#define assert_rel(x, ref, rtol)                                                        \
    cr_assert(fabs((x) - (ref)) <= (rtol) * fabs(ref), "%s = %.17g, expected %.17g", #x, \
              (double)(x), (double)(ref))

/* The tolerance for t statistics, p-values and interval ends from GSL against R. */
#define RTOL 1e-10

static const double A_a[] = {12.1, 14.3, 9.8, 16.2, 11.5, 13.9, 10.4, 15.0};
static const double A_b[] = {10.9, 12.0, 10.3, 13.1, 11.9, 11.2, 9.1, 12.4};
static const double B_a[] = {5, 8, 6, 9, 7, 4, 10, 6};
static const double B_b[] = {3, 6, 7, 6, 5, 5, 7, 2};
static const double C_a[] = {5, 8, 6, 9, 7, 4, 10, 6};
static const double C_b[] = {5, 6, 7, 6, 7, 0, 4, 1};
static const double D_a[] = {
    465, 436, 444, 587, 654, 800, 508, 815, 504, 521, 625, 428, 410, 671, 812,
    461, 651, 797, 817, 425, 571, 449, 809, 431, 612, 784, 602, 434, 760, 637,
    480, 683, 703, 615, 483, 739, 826, 841, 771, 675, 838, 486, 897, 505, 779,
    787, 534, 835, 840, 735, 611, 722, 680, 689, 616, 712, 704, 709, 745, 832};
static const double D_b[] = {
    596, 589, 251, 581, 634, 663, 679, 913, 318, 570, 510, 320, 405, 537, 1012,
    262, 490, 955, 744, 428, 542, 573, 1005, 509, 628, 748, 428, 252, 582, 519,
    357, 537, 596, 453, 630, 879, 892, 736, 595, 607, 869, 459, 784, 446, 609,
    844, 350, 929, 826, 586, 621, 556, 590, 723, 433, 548, 536, 524, 939, 830};

/* The data sets, by number: Criterion passes a parameter to a test in another
 * process (its own address space), so a parameter holds no pointers. */
enum { SET_A, SET_A_SWAPPED, SET_B, SET_C, SET_D };
static const struct {
    const double *a, *b;
} sets[] = {{A_a, A_b}, {A_b, A_a}, {B_a, B_b}, {C_a, C_b}, {D_a, D_b}};

/* One comparison (the first n pairs of a data set) and what R says about it. */
typedef struct rcase {
    char name[16];
    int set;
    size_t n;
    double level;
    double mean_a, mean_b, diff, sd, d_z; /* mean(a), mean(b), mean(d), sd(d), mean(d)/sd(d) */
    double t, p_t, lo, hi;                /* t.test(a, b, paired = TRUE, conf.level = level) */
    double v, p_w;                        /* wilcox.test(a, b, paired = TRUE) */
    int exact;                            /* R's method says "exact test" */
    size_t n_nonzero;
} rcase;

ParameterizedTestParameters(paired, against_r)
{
    static rcase cases[] = {
        /* A: n = 8, no ties, no zeros: the exact Wilcoxon test.
         * t.test(A_a, A_b, paired = TRUE); wilcox.test(A_a, A_b, paired = TRUE);
         * mean(A_a); mean(A_b); d <- A_a - A_b; sd(d); mean(d) / sd(d) */
        {"A", SET_A, 8, 0.95, 12.9, 11.362500000000001, 1.5375000000000001,
         1.3927747228361911, 1.1039114759844981, 3.1223331619931574, 0.016788798567838811,
         0.37311119259192194, 2.70188880740807846, 33, 0.039062500000000014, 1, 8},
        /* A at another level: t.test(A_a, A_b, paired = TRUE, conf.level = 0.9) */
        {"A90", SET_A, 8, 0.90, 12.9, 11.362500000000001, 1.5375000000000001,
         1.3927747228361911, 1.1039114759844981, 3.1223331619931574, 0.016788798567838811,
         0.60457117588104836, 2.47042882411895182, 33, 0.039062500000000014, 1, 8},
        /* A the other way round: t.test(A_b, A_a, paired = TRUE);
         * wilcox.test(A_b, A_a, paired = TRUE) (V = 3, the lower tail) */
        {"A swapped", SET_A_SWAPPED, 8, 0.95, 11.362500000000001, 12.9, -1.5375000000000001,
         1.3927747228361911, -1.1039114759844981, -3.1223331619931574, 0.016788798567838811,
         -2.70188880740807846, -0.37311119259192194, 3, 0.039062500000000014, 1, 8},
        /* B: ties in |d| (d = 2 2 -1 3 2 -1 3 4): the tie-corrected normal
         * approximation with continuity correction.
         * t.test(B_a, B_b, paired = TRUE); wilcox.test(B_a, B_b, paired = TRUE)
         * ("cannot compute exact p-value with ties") */
        {"B ties", SET_B, 8, 0.95, 6.875, 5.125, 1.75, 1.8322507626258087,
         0.9551094400921768, 2.7014574474578592, 0.030574482707795038, 0.21820002877283001,
         3.28179997122716971, 33, 0.040805364066966089, 0, 8},
        /* C: two zero differences, no ties (d = 0 2 -1 3 0 4 6 5): zeros dropped,
         * normal approximation (R's rule: no exact test with zeros).
         * t.test(C_a, C_b, paired = TRUE); wilcox.test(C_a, C_b, paired = TRUE)
         * ("cannot compute exact p-value with zeroes") */
        {"C zeros", SET_C, 8, 0.95, 6.875, 4.5, 2.375, 2.5599944196367752,
         0.92773639730706015, 2.6240347907575972, 0.034207930065280508, 0.23479110592834521,
         4.51520889407165438, 20, 0.059172067825859431, 0, 6},
        /* D60: n = 60 >= 50, no ties: normal approximation.
         * t.test(D_a, D_b, paired = TRUE); wilcox.test(D_a, D_b, paired = TRUE) */
        {"D60", SET_D, 60, 0.95, 649.86666666666667, 608.7833333333333, 41.083333333333336,
         123.53950739340695, 0.33255218674707027, 2.5759381620325241, 0.012521071209783996,
         9.1696945169440482, 72.9969721497226232, 1246, 0.014973895936315925, 0, 60},
        /* The n = 50 boundary: normal approximation.
         * t.test(D_a[1:50], D_b[1:50], paired = TRUE);
         * wilcox.test(D_a[1:50], D_b[1:50], paired = TRUE) */
        {"D50", SET_D, 50, 0.95, 639.44000000000005, 604.53999999999996, 34.899999999999999,
         123.17587392978929, 0.28333470578737791, 2.0034789180775023, 0.050672114705794934,
         -0.10619604378457612, 69.90619604378457552, 841, 0.050040740024607192, 0, 50},
        /* n = 49: still the exact test.
         * t.test(D_a[1:49], D_b[1:49], paired = TRUE);
         * wilcox.test(D_a[1:49], D_b[1:49], paired = TRUE) */
        {"D49", SET_D, 49, 0.95, 637.48979591836735, 604.91836734693879, 32.571428571428569,
         123.33541664907125, 0.26408820318096232, 1.8486174222667364, 0.070677833133878307,
         -2.8546393658127136, 67.9974965086698546, 796, 0.06843341878591859, 1, 49},
    };
    return cr_make_param_array(rcase, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(rcase *c, paired, against_r)
{
    coop_paired r;
    coop_err err = {0};
    cr_assert_eq(coop_paired_compare(sets[c->set].a, sets[c->set].b, c->n, c->level, 0, 1, &r, &err), COOP_OK,
                 "%s", err.text);
    cr_assert_eq(r.n, c->n, "%s", c->name);
    cr_assert_eq(r.n_nonzero, c->n_nonzero, "%s", c->name);
    cr_assert_eq(r.level, c->level);
    assert_rel(r.mean_a, c->mean_a, 1e-14);
    assert_rel(r.mean_b, c->mean_b, 1e-14);
    assert_rel(r.diff, c->diff, 1e-13);
    assert_rel(r.sd_diff, c->sd, 1e-13);
    assert_rel(r.d_z, c->d_z, 1e-12);
    assert_rel(r.t, c->t, 1e-12);
    assert_rel(r.p_t, c->p_t, RTOL);
    assert_rel(r.t_lo, c->lo, RTOL);
    assert_rel(r.t_hi, c->hi, RTOL);
    cr_assert_eq(r.v, c->v, "%s: V = %g, R says %g", c->name, r.v, c->v);
    cr_assert_eq(r.wilcoxon_exact, c->exact, "%s", c->name);
    /* R sums the exact tail in floating point (an error near 1e-16); ours is exact. */
    assert_rel(r.p_wilcoxon, c->p_w, c->exact ? 1e-13 : RTOL);
    cr_assert(isnan(r.boot_lo) && isnan(r.boot_hi), "n_boot = 0: no bootstrap interval");
}

/* The exact p-value is a fraction with denominator 2^n, and we get it exactly: for A,
 * V = 33 of 36 and P(V >= 33) = P(V <= 3) = #{{}, {1}, {2}, {3}, {1,2}} / 2^8. */
Test(paired, exact_wilcoxon_is_exact)
{
    coop_paired r;
    cr_assert_eq(coop_paired_compare(A_a, A_b, 8, 0.95, 0, 1, &r, NULL), COOP_OK);
    cr_assert_eq(r.p_wilcoxon, 10.0 / 256.0);
}

/* The two-sided exact p-value is capped at 1 (V at the centre of its distribution),
 * and so is the normal one when z = 0 (no continuity correction then).
 * wilcox.test(c(1,2,3,4), c(0,4,6,0), paired = TRUE): V = 5, p = 1 (exact);
 * wilcox.test(c(5,1,2,3,4), c(5,0,4,6,0), paired = TRUE): V = 5, p = 1 (normal). */
Test(paired, wilcoxon_p_capped_at_one)
{
    coop_paired r;
    const double a[] = {1, 2, 3, 4}, b[] = {0, 4, 6, 0};
    cr_assert_eq(coop_paired_compare(a, b, 4, 0.95, 0, 1, &r, NULL), COOP_OK);
    cr_assert(r.wilcoxon_exact);
    cr_assert_eq(r.v, 5.0);
    cr_assert_eq(r.p_wilcoxon, 1.0);

    const double a0[] = {5, 1, 2, 3, 4}, b0[] = {5, 0, 4, 6, 0};
    cr_assert_eq(coop_paired_compare(a0, b0, 5, 0.95, 0, 1, &r, NULL), COOP_OK);
    cr_assert(!r.wilcoxon_exact);
    cr_assert_eq(r.n_nonzero, 4);
    cr_assert_eq(r.v, 5.0);
    cr_assert_eq(r.p_wilcoxon, 1.0);
}

/* Identical worlds under common random numbers: every difference is exactly zero.
 * (R: t.test(Z, Z, paired = TRUE) gives NaN, wilcox.test gives NaN; we define both
 * p-values as 1, and the verdict must be inconclusive.) */
Test(paired, identical_worlds)
{
    coop_paired r;
    double p_adj;
    cr_assert_eq(coop_paired_compare(D_a, D_a, 60, 0.95, 1000, 7, &r, NULL), COOP_OK);
    cr_assert_eq(r.n, 60);
    cr_assert_eq(r.n_nonzero, 0);
    cr_assert_eq(r.diff, 0.0);
    cr_assert_eq(r.sd_diff, 0.0);
    cr_assert_eq(r.t, 0.0);
    cr_assert_eq(r.p_t, 1.0);
    cr_assert_eq(r.p_wilcoxon, 1.0);
    cr_assert_eq(r.v, 0.0);
    cr_assert_eq(r.d_z, 0.0);
    cr_assert(r.t_lo == 0.0 && r.t_hi == 0.0);
    cr_assert(r.boot_lo == 0.0 && r.boot_hi == 0.0);
    cr_assert_eq(coop_holm(&r.p_t, 1, &p_adj, NULL), COOP_OK);
    cr_assert_eq(coop_paired_verdict(r.diff, p_adj, 0.05), COOP_VERDICT_INCONCLUSIVE);
}

/* Constant non-zero differences (d = 2 2 2 2 2): t and d_z are +-Inf, p_t = 0, the
 * intervals collapse onto the difference; the Wilcoxon test sees five tied ranks.
 * wilcox.test(c(3,4,5,6,7), c(1,2,3,4,5), paired = TRUE): V = 15,
 * p = 0.036888425707049893 (t.test stops: "data are essentially constant"). */
Test(paired, constant_differences)
{
    const double a[] = {3, 4, 5, 6, 7}, b[] = {1, 2, 3, 4, 5};
    coop_paired r;
    cr_assert_eq(coop_paired_compare(a, b, 5, 0.95, 500, 3, &r, NULL), COOP_OK);
    cr_assert_eq(r.diff, 2.0);
    cr_assert_eq(r.sd_diff, 0.0);
    cr_assert(isinf(r.t) && r.t > 0);
    cr_assert(isinf(r.d_z) && r.d_z > 0);
    cr_assert_eq(r.p_t, 0.0);
    cr_assert(r.t_lo == 2.0 && r.t_hi == 2.0);
    cr_assert(r.boot_lo == 2.0 && r.boot_hi == 2.0);
    cr_assert_eq(r.v, 15.0);
    cr_assert(!r.wilcoxon_exact);
    assert_rel(r.p_wilcoxon, 0.036888425707049893, RTOL);
    cr_assert_eq(coop_paired_verdict(r.diff, r.p_t, 0.05), COOP_VERDICT_SUPPORTED);

    cr_assert_eq(coop_paired_compare(b, a, 5, 0.95, 500, 3, &r, NULL), COOP_OK);
    cr_assert(isinf(r.t) && r.t < 0);
    cr_assert(isinf(r.d_z) && r.d_z < 0);
    cr_assert_eq(r.p_t, 0.0);
    cr_assert_eq(r.v, 0.0);
    assert_rel(r.p_wilcoxon, 0.036888425707049893, RTOL);
    cr_assert_eq(coop_paired_verdict(r.diff, r.p_t, 0.05), COOP_VERDICT_CONTRADICTED);
}

/* Fields compared bit for bit (NaN equal to NaN). */
static void assert_same(const coop_paired *x, const coop_paired *y)
{
    const double fx[] = {x->mean_a, x->mean_b, x->diff, x->sd_diff, x->t, x->t_lo, x->t_hi,
                         x->boot_lo, x->boot_hi, x->p_t, x->v, x->p_wilcoxon, x->d_z};
    const double fy[] = {y->mean_a, y->mean_b, y->diff, y->sd_diff, y->t, y->t_lo, y->t_hi,
                         y->boot_lo, y->boot_hi, y->p_t, y->v, y->p_wilcoxon, y->d_z};
    cr_assert_eq(x->n, y->n);
    cr_assert_eq(x->n_nonzero, y->n_nonzero);
    cr_assert_eq(x->wilcoxon_exact, y->wilcoxon_exact);
    for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++)
        cr_assert((isnan(fx[i]) && isnan(fy[i])) || memcmp(&fx[i], &fy[i], sizeof fx[i]) == 0,
                  "field %zu: %.17g != %.17g", i, fx[i], fy[i]);
}

/* A pair with NaN or Inf on either side is dropped: A with four such pairs mixed in
 * gives exactly A's result, bootstrap included. */
Test(paired, non_finite_pairs_dropped)
{
    const double a[] = {12.1, NAN, 14.3, 9.8, 5.0, 16.2, 11.5, INFINITY, 13.9, 10.4, NAN, 15.0};
    const double b[] = {10.9, 1.0, 12.0, 10.3, NAN, 13.1, 11.9, 3.0, 11.2, 9.1, -INFINITY, 12.4};
    coop_paired r, ref;
    cr_assert_eq(coop_paired_compare(A_a, A_b, 8, 0.95, 999, 11, &ref, NULL), COOP_OK);
    cr_assert_eq(coop_paired_compare(a, b, 12, 0.95, 999, 11, &r, NULL), COOP_OK);
    cr_assert_eq(r.n, 8);
    assert_same(&r, &ref);
}

/* Too few pairs is not an error: n = 0 leaves everything NaN; n = 1 gives the means
 * and the difference, nothing inferential. */
Test(paired, too_few_pairs)
{
    coop_paired r;
    cr_assert_eq(coop_paired_compare(NULL, NULL, 0, 0.95, 100, 1, &r, NULL), COOP_OK);
    cr_assert_eq(r.n, 0);
    cr_assert(isnan(r.mean_a) && isnan(r.mean_b) && isnan(r.diff) && isnan(r.d_z));
    cr_assert(isnan(r.p_t) && isnan(r.p_wilcoxon) && isnan(r.t_lo) && isnan(r.boot_hi));

    const double a[] = {NAN, NAN}, b[] = {1.0, 2.0};
    cr_assert_eq(coop_paired_compare(a, b, 2, 0.95, 100, 1, &r, NULL), COOP_OK);
    cr_assert_eq(r.n, 0);
    cr_assert(isnan(r.diff));

    const double a1[] = {3.0, NAN}, b1[] = {1.0, 2.0};
    cr_assert_eq(coop_paired_compare(a1, b1, 2, 0.95, 100, 1, &r, NULL), COOP_OK);
    cr_assert_eq(r.n, 1);
    cr_assert_eq(r.n_nonzero, 1);
    cr_assert(r.mean_a == 3.0 && r.mean_b == 1.0 && r.diff == 2.0);
    cr_assert(isnan(r.sd_diff) && isnan(r.t) && isnan(r.p_t) && isnan(r.t_lo) &&
              isnan(r.t_hi) && isnan(r.boot_lo) && isnan(r.boot_hi) && isnan(r.v) &&
              isnan(r.p_wilcoxon) && isnan(r.d_z));
    cr_assert_eq(r.wilcoxon_exact, 0);
    cr_assert_eq(coop_paired_verdict(r.diff, r.p_t, 0.05), COOP_VERDICT_INCONCLUSIVE);
}

/* The bootstrap is a function of (data, n_boot, seed): the same seed gives the same
 * interval bit for bit, another seed another interval. */
Test(paired, bootstrap_deterministic)
{
    coop_paired r1, r2, r3;
    cr_assert_eq(coop_paired_compare(D_a, D_b, 60, 0.95, 2000, 42, &r1, NULL), COOP_OK);
    cr_assert_eq(coop_paired_compare(D_a, D_b, 60, 0.95, 2000, 42, &r2, NULL), COOP_OK);
    cr_assert_eq(coop_paired_compare(D_a, D_b, 60, 0.95, 2000, 43, &r3, NULL), COOP_OK);
    cr_assert(memcmp(&r1.boot_lo, &r2.boot_lo, sizeof(double)) == 0);
    cr_assert(memcmp(&r1.boot_hi, &r2.boot_hi, sizeof(double)) == 0);
    cr_assert(r1.boot_lo != r3.boot_lo || r1.boot_hi != r3.boot_hi);
    /* The bootstrap does not disturb the rest. */
    coop_paired r0;
    cr_assert_eq(coop_paired_compare(D_a, D_b, 60, 0.95, 0, 42, &r0, NULL), COOP_OK);
    r0.boot_lo = r1.boot_lo;
    r0.boot_hi = r1.boot_hi;
    assert_same(&r0, &r1);
}

/* Regression pin (not an independent reference): this implementation's interval
 * for D60 at seed 42 with 2000 resamples.  If it changes, the resampling scheme
 * changed, and bootstrap intervals published before can no longer be reproduced. */
Test(paired, bootstrap_pinned)
{
    coop_paired r;
    cr_assert_eq(coop_paired_compare(D_a, D_b, 60, 0.95, 2000, 42, &r, NULL), COOP_OK);
    assert_rel(r.boot_lo, 10.432499999999997, 1e-14);
    assert_rel(r.boot_hi, 71.039583333333312, 1e-14);
}

/* For a sample of 60 the percentile interval should contain the mean and nearly
 * match the t interval: bootstrap half-widths are narrower by about
 * t_{.975,59} / z_{.975} * sqrt(60/59) = 1.03, plus Monte Carlo error. */
Test(paired, bootstrap_close_to_t)
{
    coop_paired r;
    cr_assert_eq(coop_paired_compare(D_a, D_b, 60, 0.95, 20000, 2024, &r, NULL), COOP_OK);
    cr_assert(r.boot_lo < r.diff && r.diff < r.boot_hi);
    double half = (r.t_hi - r.t_lo) / 2.0;
    cr_assert(fabs(r.boot_lo - r.t_lo) < 0.1 * half, "boot_lo %g, t_lo %g", r.boot_lo, r.t_lo);
    cr_assert(fabs(r.boot_hi - r.t_hi) < 0.1 * half, "boot_hi %g, t_hi %g", r.boot_hi, r.t_hi);
    double boot_half = (r.boot_hi - r.boot_lo) / 2.0;
    cr_assert(boot_half < half && boot_half > 0.9 * half, "half-widths %g, %g", boot_half, half);
}

/* The bootstrap written the plain way, one generator per comparison (the
 * scheme coop_paired.h documents): the reference for the shared one. */
static void plain_bootstrap(const double *a, const double *b, size_t n, double level,
                            size_t n_boot, unsigned long seed, double *lo, double *hi)
{
    double d[64], means[500];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(a[i]) && isfinite(b[i]))
            d[k++] = a[i] - b[i];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    for (size_t r = 0; r < n_boot; r++) {
        double m = 0.0;
        for (size_t i = 0; i < k; i++)
            m += (d[gsl_rng_uniform_int(rng, k)] - m) / (double)(i + 1);
        means[r] = m;
    }
    gsl_rng_free(rng);
    gsl_sort(means, 1, n_boot);
    *lo = gsl_stats_quantile_from_sorted_data(means, 1, n_boot, (1.0 - level) / 2.0);
    *hi = gsl_stats_quantile_from_sorted_data(means, 1, n_boot, (1.0 + level) / 2.0);
}

/* coop_paired_compare_all gives every comparison bit for bit what
 * coop_paired_compare gives it, and both the plain bootstrap's interval: 19
 * comparisons (two lanes of 8 and a partial one) of 40 pairs, some with
 * non-finite pairs (other pair counts, resampled in their own groups), one with
 * a single pair, one with none, one constant. */
Test(paired, compare_all_is_compare_bit_for_bit)
{
    enum { J = 19, N = 40, B = 500 };
    static double a[J][N], b[J][N];
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 7);
    for (int j = 0; j < J; j++)
        for (int i = 0; i < N; i++) {
            a[j][i] = gsl_ran_gaussian(g, 1.0) + 0.1 * j;
            b[j][i] = gsl_ran_gaussian(g, 1.0);
        }
    gsl_rng_free(g);
    for (int i = 0; i < 5; i++) /* 35 pairs in 3 and 11, 38 in 5 */
        a[3][i * 7] = a[11][i * 7 + 1] = NAN;
    b[5][0] = INFINITY, b[5][39] = NAN;
    for (int i = 1; i < N; i++)
        a[8][i] = NAN; /* one pair */
    for (int i = 0; i < N; i++) {
        b[13][i] = NAN;  /* none */
        b[17][i] = i, a[17][i] = i + 0.25; /* constant differences, exactly */
    }
    coop_paired all[J], one;
    coop_paired_job job[J];
    for (int j = 0; j < J; j++)
        job[j] = (coop_paired_job){a[j], b[j], N, &all[j]};
    cr_assert_eq(coop_paired_compare_all(job, J, 0.9, B, 2024, NULL), COOP_OK);
    for (int j = 0; j < J; j++) {
        cr_assert_eq(coop_paired_compare(a[j], b[j], N, 0.9, B, 2024, &one, NULL), COOP_OK);
        assert_same(&all[j], &one);
        if (one.n < 2) {
            cr_assert(isnan(one.boot_lo) && isnan(one.boot_hi), "comparison %d", j);
            continue;
        }
        double lo, hi;
        plain_bootstrap(a[j], b[j], N, 0.9, B, 2024, &lo, &hi);
        cr_assert(memcmp(&lo, &one.boot_lo, sizeof lo) == 0 &&
                  memcmp(&hi, &one.boot_hi, sizeof hi) == 0,
                  "comparison %d: [%.17g, %.17g], plain [%.17g, %.17g]", j, one.boot_lo,
                  one.boot_hi, lo, hi);
    }
    cr_assert(all[17].boot_lo == 0.25 && all[17].boot_hi == 0.25);
    cr_assert_eq(all[3].n, 35);
    cr_assert_eq(all[5].n, 38);
    /* without resamples: no intervals, the rest unchanged */
    cr_assert_eq(coop_paired_compare_all(job, J, 0.9, 0, 2024, NULL), COOP_OK);
    cr_assert(isnan(all[0].boot_lo) && isnan(all[0].boot_hi));
}

/* coop_paired_boot_all on any subset of the jobs gives each job the interval it
 * gets among all of them (the statistics' tasks split a comparison's rows this
 * way), sets nothing else, and leaves the intervals of jobs of fewer than 2 pairs
 * as they were. */
Test(paired, boot_all_on_any_subset_is_the_whole)
{
    enum { J = 12, N = 30, B = 400 };
    static double a[J][N], b[J][N];
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 11);
    for (int j = 0; j < J; j++)
        for (int i = 0; i < N; i++) {
            a[j][i] = gsl_ran_gaussian(g, 1.0) + 0.2 * j;
            b[j][i] = gsl_ran_gaussian(g, 1.0);
        }
    gsl_rng_free(g);
    a[2][4] = a[7][9] = NAN; /* 29 pairs in 2 and 7 */
    for (int i = 1; i < N; i++)
        b[9][i] = NAN;       /* one pair */
    coop_paired all[J], part[J];
    coop_paired_job job[J], sub[J];
    for (int j = 0; j < J; j++)
        job[j] = (coop_paired_job){a[j], b[j], N, &all[j]};
    cr_assert_eq(coop_paired_compare_all(job, J, 0.95, B, 99, NULL), COOP_OK);
    static const int cut[][2] = {{0, 3}, {3, 7}, {7, 12}, {2, 3}, {6, 10}, {0, 12}};
    for (size_t c = 0; c < sizeof cut / sizeof cut[0]; c++) {
        int j0 = cut[c][0], j1 = cut[c][1];
        for (int j = j0; j < j1; j++) {
            memset(&part[j], 0, sizeof part[j]);
            part[j].boot_lo = part[j].boot_hi = -7.0; /* kept where no interval */
            sub[j] = (coop_paired_job){a[j], b[j], N, &part[j]};
        }
        cr_assert_eq(coop_paired_boot_all(sub + j0, (size_t)(j1 - j0), 0.95, B, 99, NULL),
                     COOP_OK);
        for (int j = j0; j < j1; j++) {
            if (all[j].n < 2) {
                cr_assert(part[j].boot_lo == -7.0 && part[j].boot_hi == -7.0, "job %d", j);
                continue;
            }
            cr_assert(memcmp(&part[j].boot_lo, &all[j].boot_lo, sizeof(double)) == 0 &&
                      memcmp(&part[j].boot_hi, &all[j].boot_hi, sizeof(double)) == 0,
                      "jobs %d..%d: job %d [%.17g, %.17g], among all [%.17g, %.17g]", j0,
                      j1 - 1, j, part[j].boot_lo, part[j].boot_hi, all[j].boot_lo,
                      all[j].boot_hi);
            cr_assert(part[j].n == 0 && part[j].diff == 0.0, "nothing else is set");
        }
    }
}

/* The percentile mechanics on a distribution known in closed form: for d = {0, 1}
 * the resample mean is 0, 1/2 or 1 with probabilities 1/4, 1/2, 1/4, so the 5% and
 * 95% quantiles are 0 and 1 and the 30% and 70% quantiles are 1/2. */
Test(paired, bootstrap_percentiles_known)
{
    const double a[] = {0.0, 1.0}, b[] = {0.0, 0.0};
    coop_paired r;
    cr_assert_eq(coop_paired_compare(a, b, 2, 0.90, 4000, 5, &r, NULL), COOP_OK);
    cr_assert(r.boot_lo == 0.0 && r.boot_hi == 1.0, "[%g, %g]", r.boot_lo, r.boot_hi);
    cr_assert_eq(coop_paired_compare(a, b, 2, 0.40, 4000, 5, &r, NULL), COOP_OK);
    cr_assert(r.boot_lo == 0.5 && r.boot_hi == 0.5, "[%g, %g]", r.boot_lo, r.boot_hi);
}

Test(paired, errors)
{
    coop_paired r;
    coop_err err = {0};
    cr_assert_eq(coop_paired_compare(A_a, A_b, 8, 0.95, 0, 1, NULL, &err), COOP_EINVAL);
    cr_assert(strstr(err.text, "output"), "%s", err.text);
    cr_assert_eq(coop_paired_compare(NULL, A_b, 8, 0.95, 0, 1, &r, &err), COOP_EINVAL);
    cr_assert(strstr(err.text, "no data"), "%s", err.text);
    cr_assert_eq(coop_paired_compare(A_a, NULL, 8, 0.95, 0, 1, &r, &err), COOP_EINVAL);
    cr_assert_eq(err.code, COOP_EINVAL);
    const double bad[] = {0.0, 1.0, -0.5, 1.5, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.text[0] = '\0';
        cr_assert_eq(coop_paired_compare(A_a, A_b, 8, bad[i], 0, 1, &r, &err), COOP_EINVAL,
                     "level %g", bad[i]);
        cr_assert(strstr(err.text, "confidence level"), "%s", err.text);
    }
    /* More resamples than memory can hold. */
    cr_assert_eq(coop_paired_compare(A_a, A_b, 8, 0.95, SIZE_MAX / 2, 1, &r, &err), COOP_ENOMEM);
    cr_assert(strstr(err.text, "out of memory"), "%s", err.text);
    /* A NULL error record is allowed. */
    cr_assert_eq(coop_paired_compare(A_a, A_b, 8, 2.0, 0, 1, &r, NULL), COOP_EINVAL);
}

/* p.adjust(c(0.012, 0.048, 0.003, 0.2, 0.03), "holm")
 *   -> 0.048 0.096 0.015 0.2 0.09
 * p.adjust(c(0.01, NA, 0.02, 0.02, 0.5), "holm")   (NA not counted: k = 4; ties)
 *   -> 0.04 NA 0.06 0.06 0.5
 * p.adjust(c(0.4, 0.6, 0.3), "holm")               (capped at 1, monotone)
 *   -> 0.9 0.9 0.9 */
Test(holm, against_r)
{
    const double p1[] = {0.012, 0.048, 0.003, 0.2, 0.03};
    const double r1[] = {0.048000000000000001, 0.096000000000000002, 0.014999999999999999,
                         0.200000000000000011, 0.089999999999999997};
    double out[5];
    cr_assert_eq(coop_holm(p1, 5, out, NULL), COOP_OK);
    for (int i = 0; i < 5; i++)
        assert_rel(out[i], r1[i], 1e-15);

    double p2[] = {0.01, NAN, 0.02, 0.02, 0.5};
    const double r2[] = {0.040000000000000001, NAN, 0.059999999999999998,
                         0.059999999999999998, 0.5};
    cr_assert_eq(coop_holm(p2, 5, p2, NULL), COOP_OK); /* in place */
    for (int i = 0; i < 5; i++)
        if (i == 1)
            cr_assert(isnan(p2[i]));
        else
            assert_rel(p2[i], r2[i], 1e-15);

    const double p3[] = {0.4, 0.6, 0.3};
    cr_assert_eq(coop_holm(p3, 3, out, NULL), COOP_OK);
    for (int i = 0; i < 3; i++)
        assert_rel(out[i], 0.89999999999999991, 1e-15);
}

Test(holm, edge_cases)
{
    double out[3] = {7, 7, 7};
    cr_assert_eq(coop_holm(NULL, 0, NULL, NULL), COOP_OK);
    const double one[] = {0.03};
    cr_assert_eq(coop_holm(one, 1, out, NULL), COOP_OK);
    cr_assert_eq(out[0], 0.03);
    const double none[] = {NAN, NAN};
    cr_assert_eq(coop_holm(none, 2, out, NULL), COOP_OK);
    cr_assert(isnan(out[0]) && isnan(out[1]));

    coop_err err = {0};
    const double bad[][2] = {{0.1, 1.5}, {-0.1, 0.2}, {INFINITY, 0.1}};
    for (int i = 0; i < 3; i++) {
        double keep[2] = {7, 7};
        cr_assert_eq(coop_holm(bad[i], 2, keep, &err), COOP_EINVAL);
        cr_assert(strstr(err.text, "not in [0, 1]"), "%s", err.text);
        cr_assert(keep[0] == 7 && keep[1] == 7, "p_adj untouched on error");
    }
    cr_assert_eq(coop_holm(NULL, 2, out, &err), COOP_EINVAL);
    cr_assert(strstr(err.text, "no array"), "%s", err.text);
    cr_assert_eq(coop_holm(one, 1, NULL, &err), COOP_EINVAL);
}

Test(verdict, rules)
{
    cr_assert_eq(coop_paired_verdict(1.0, 0.01, 0.05), COOP_VERDICT_SUPPORTED);
    cr_assert_eq(coop_paired_verdict(-1.0, 0.01, 0.05), COOP_VERDICT_CONTRADICTED);
    cr_assert_eq(coop_paired_verdict(1.0, 0.05, 0.05), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_eq(coop_paired_verdict(1.0, 0.2, 0.05), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_eq(coop_paired_verdict(-1.0, 0.2, 0.05), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_eq(coop_paired_verdict(0.0, 0.0, 0.05), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_eq(coop_paired_verdict(NAN, 0.01, 0.05), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_eq(coop_paired_verdict(1.0, NAN, 0.05), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_eq(coop_paired_verdict(1.0, 0.01, NAN), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_str_eq(coop_verdict_name(COOP_VERDICT_SUPPORTED), "supported");
    cr_assert_str_eq(coop_verdict_name(COOP_VERDICT_CONTRADICTED), "contradicted");
    cr_assert_str_eq(coop_verdict_name(COOP_VERDICT_INCONCLUSIVE), "inconclusive");
    cr_assert_str_eq(coop_verdict_name((coop_verdict)42), "unknown");
}

/* The whole procedure on three outcomes (A primary, B, D60): Holm over the paired
 * t p-values, then the primary's verdict.
 * p.adjust(c(0.016788798567838811, 0.030574482707795038, 0.012521071209783996), "holm")
 *   -> 0.037563213629351985 (all three) */
Test(verdict, procedure)
{
    coop_paired r[3];
    cr_assert_eq(coop_paired_compare(A_a, A_b, 8, 0.95, 0, 1, &r[0], NULL), COOP_OK);
    cr_assert_eq(coop_paired_compare(B_a, B_b, 8, 0.95, 0, 1, &r[1], NULL), COOP_OK);
    cr_assert_eq(coop_paired_compare(D_a, D_b, 60, 0.95, 0, 1, &r[2], NULL), COOP_OK);
    double p[3] = {r[0].p_t, r[1].p_t, r[2].p_t}, p_adj[3];
    cr_assert_eq(coop_holm(p, 3, p_adj, NULL), COOP_OK);
    for (int i = 0; i < 3; i++)
        assert_rel(p_adj[i], 0.037563213629351985, RTOL);
    cr_assert_eq(coop_paired_verdict(r[0].diff, p_adj[0], 0.05), COOP_VERDICT_SUPPORTED);
    cr_assert_eq(coop_paired_verdict(r[0].diff, p_adj[0], 0.01), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_eq(coop_paired_verdict(-r[0].diff, p_adj[0], 0.05), COOP_VERDICT_CONTRADICTED);
}

/* ---- smallest effects of interest (coop_paired_sesoi) ---- */

/* Minimum-effect tests, TOST, n_needed and the 1 - alpha interval against scipy
 * 1.10.1 (Debian 12 python3-scipy; not a project dependency), computed once with
 * d = a - b, n = len(d), sd = d.std(ddof=1), se = sd / sqrt(n), df = n - 1:
 *   p_sup  = stats.ttest_1samp(d,  delta, alternative='greater').pvalue
 *   p_con  = stats.ttest_1samp(d, -delta, alternative='less').pvalue
 *   p_tost = max(stats.ttest_1samp(d, -delta, alternative='greater').pvalue,
 *                stats.ttest_1samp(d,  delta, alternative='less').pvalue)
 *   n_needed = max(2, ceil((2 * stats.t.ppf(0.975, df) * sd / delta) ** 2))
 *   lo, hi = stats.t.interval(0.95, df, loc=d.mean(), scale=se)
 * on data set A (8 pairs, mean 1.5375) and D60 (60 pairs, mean 41.0833); alpha 0.05. */
typedef struct sesoi_ref {
    size_t n;
    double delta, p_sup, p_con, p_tost;
    double n_needed, lo, hi;
} sesoi_ref;

static const sesoi_ref SESOI_REFS[] = {
    {8, 0.5, 0.036559016589135601, 0.99781921639467042, 0.96344098341086437, 174, 0.37311119287874939, 2.701888807121251},
    {8, 1.0, 0.15558566705967672, 0.99934027464905717, 0.84441433294032331, 44, 0.37311119287874939, 2.701888807121251},
    {8, 2.0, 0.81056085144612977, 0.99991002086119485, 0.18943914855387017, 11, 0.37311119287874939, 2.701888807121251},
    {8, 3.0, 0.98959648478303486, 0.99998170805862219, 0.010403515216965172, 5, 0.37311119287874939, 2.701888807121251},
    {8, 5.0, 0.9998971459559719, 0.99999839093953302, 0.00010285404402807497, 2, 0.37311119287874939, 2.701888807121251},
    {60, 10.0, 0.028031451796491809, 0.99890301546053317, 0.9719685482035082, 2445, 9.1696945335317928, 72.996972133134875},
    {60, 40.0, 0.47303736818952574, 0.99999799464849559, 0.52696263181047431, 153, 9.1696945335317928, 72.996972133134875},
    {60, 60.0, 0.8798275623285372, 0.99999998234256193, 0.12017243767146273, 68, 9.1696945335317928, 72.996972133134875},
    {60, 100.0, 0.99975770828472632, 0.9999999999989676, 0.00024229171527371876, 25, 9.1696945335317928, 72.996972133134875},
};

Test(sesoi, matches_scipy)
{
    for (size_t i = 0; i < sizeof SESOI_REFS / sizeof SESOI_REFS[0]; i++) {
        const sesoi_ref *x = &SESOI_REFS[i];
        const double *a = x->n == 8 ? A_a : D_a, *b = x->n == 8 ? A_b : D_b;
        coop_paired s;
        cr_assert_eq(coop_paired_compare(a, b, x->n, 0.95, 0, 1, &s, NULL), COOP_OK);
        coop_sesoi_test e;
        coop_paired_sesoi(&s, x->delta, 0.05, &e);
        assert_rel(e.p_sup, x->p_sup, RTOL);
        assert_rel(e.p_con, x->p_con, RTOL);
        assert_rel(e.p_tost, x->p_tost, RTOL);
        cr_assert_eq(e.n_needed, x->n_needed, "case %zu: n_needed %g", i, e.n_needed);
        cr_assert_eq(e.sesoi, x->delta);
        /* Derived: the smallest one-sided p makes the claim; p_decision doubles it. */
        double best = fmin(x->p_sup, fmin(x->p_con, x->p_tost));
        assert_rel(e.p_decision, fmin(1.0, 2.0 * best), RTOL);
        coop_verdict claim = best == x->p_sup   ? COOP_VERDICT_SUPPORTED
                             : best == x->p_con ? COOP_VERDICT_CONTRADICTED
                                                : COOP_VERDICT_NEGLIGIBLE;
        cr_assert_eq(e.claim, claim, "case %zu", i);
        assert_rel(e.p_min_effect, x->p_sup, RTOL); /* both means are positive */
        double lo, hi;
        coop_paired_interval(&s, 0.95, &lo, &hi);
        assert_rel(lo, x->lo, 1e-8); /* GSL's t quantile: about 1e-9 relative here */
        assert_rel(hi, x->hi, 1e-8);
        cr_assert(lo == s.t_lo && hi == s.t_hi, "the same interval as coop_paired_compare's");
        /* The interval rule: decided at alpha exactly when the 95% interval is
         * beyond +delta, below -delta or inside (-delta, delta). */
        int decided = x->lo > x->delta || x->hi < -x->delta ||
                      (x->lo > -x->delta && x->hi < x->delta);
        cr_assert_eq(e.p_decision < 0.05, decided, "case %zu: p_decision %g", i, e.p_decision);
    }
}

/* Swapping a and b mirrors everything: p_sup <-> p_con, the same TOST, and the
 * claim supported <-> contradicted. */
Test(sesoi, mirror)
{
    coop_paired s, m;
    cr_assert_eq(coop_paired_compare(A_a, A_b, 8, 0.95, 0, 1, &s, NULL), COOP_OK);
    cr_assert_eq(coop_paired_compare(A_b, A_a, 8, 0.95, 0, 1, &m, NULL), COOP_OK);
    coop_sesoi_test e, f;
    coop_paired_sesoi(&s, 0.25, 0.05, &e);
    coop_paired_sesoi(&m, 0.25, 0.05, &f);
    assert_rel(f.p_con, e.p_sup, 1e-12);
    assert_rel(f.p_sup, e.p_con, 1e-12);
    assert_rel(f.p_tost, e.p_tost, 1e-12);
    assert_rel(f.p_min_effect, e.p_sup, 1e-12);
    cr_assert_eq(e.claim, COOP_VERDICT_SUPPORTED);
    cr_assert_eq(f.claim, COOP_VERDICT_CONTRADICTED);
    cr_assert(e.p_decision < 0.05, "A's 95%% interval [0.373, 2.70] lies above 0.25");
    cr_assert_eq(coop_sesoi_verdict(f.claim, f.p_decision, 0.05), COOP_VERDICT_CONTRADICTED);
}

/* Degenerate samples (worked by hand). */
Test(sesoi, edge_cases)
{
    static const double z[] = {1, 2, 3}, c[] = {0.5, 1.5, 2.5};
    coop_paired s;
    coop_sesoi_test e;
    /* Identical worlds: every d = 0, se = 0: (0 -/+ delta)/0 = -/+Inf, so p_tost = 0
     * (equivalent), p_sup = p_con = 1. */
    cr_assert_eq(coop_paired_compare(z, z, 3, 0.95, 0, 1, &s, NULL), COOP_OK);
    coop_paired_sesoi(&s, 0.1, 0.05, &e);
    cr_assert(e.p_tost == 0.0 && e.p_sup == 1.0 && e.p_con == 1.0);
    cr_assert_eq(e.claim, COOP_VERDICT_NEGLIGIBLE);
    cr_assert_eq(e.p_decision, 0.0);
    cr_assert_eq(e.n_needed, 2.0);
    /* Every d = 0.5, no variance: beyond 0.4 (supported, p 0), inside 0.6
     * (negligible), exactly on 0.5 (statistic 0, p = 1/2, undecided). */
    cr_assert_eq(coop_paired_compare(z, c, 3, 0.95, 0, 1, &s, NULL), COOP_OK);
    coop_paired_sesoi(&s, 0.4, 0.05, &e);
    cr_assert(e.claim == COOP_VERDICT_SUPPORTED && e.p_decision == 0.0);
    coop_paired_sesoi(&s, 0.6, 0.05, &e);
    cr_assert(e.claim == COOP_VERDICT_NEGLIGIBLE && e.p_decision == 0.0);
    coop_paired_sesoi(&s, 0.5, 0.05, &e);
    cr_assert(e.p_sup == 0.5 && e.p_decision == 1.0);
    /* delta = 0: the minimum-effect test is the one-sided t-test (p_t / 2 on A),
     * the TOST can never be significant. */
    cr_assert_eq(coop_paired_compare(A_a, A_b, 8, 0.95, 0, 1, &s, NULL), COOP_OK);
    coop_paired_sesoi(&s, 0.0, 0.05, &e);
    assert_rel(e.p_sup, s.p_t / 2.0, 1e-12);
    cr_assert(e.p_tost >= 0.5);
    cr_assert(isnan(e.n_needed));
    /* Undefined: one pair, a NaN or negative delta. */
    const double bad[] = {NAN, -1.0};
    for (int i = 0; i < 2; i++) {
        coop_paired_sesoi(&s, bad[i], 0.05, &e);
        cr_assert(isnan(e.p_decision) && isnan(e.p_tost) && e.claim == COOP_VERDICT_INCONCLUSIVE);
    }
    cr_assert_eq(coop_paired_compare(A_a, A_b, 1, 0.95, 0, 1, &s, NULL), COOP_OK);
    coop_paired_sesoi(&s, 0.1, 0.05, &e);
    cr_assert(isnan(e.p_decision) && e.claim == COOP_VERDICT_INCONCLUSIVE);
    cr_assert_eq(coop_sesoi_verdict(COOP_VERDICT_SUPPORTED, NAN, 0.05), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_eq(coop_sesoi_verdict(COOP_VERDICT_NEGLIGIBLE, 0.049, 0.05), COOP_VERDICT_NEGLIGIBLE);
    cr_assert_eq(coop_sesoi_verdict(COOP_VERDICT_NEGLIGIBLE, 0.05, 0.05), COOP_VERDICT_INCONCLUSIVE);
    cr_assert_str_eq(coop_verdict_name(COOP_VERDICT_NEGLIGIBLE), "negligible");
}

/* The required property, over 2000 random samples (a fixed mt19937 stream; n 3 to
 * 40, means and spreads around the SESOI): with the 1 - alpha t interval [lo, hi],
 *  - [lo, hi] inside (-delta, delta)  <=> negligible;
 *  - [lo, hi] above +delta            <=> supported (so never supported when the
 *    effect estimate, or any point of the interval, is below +delta);
 *  - [lo, hi] below -delta            <=> contradicted;
 *  - otherwise inconclusive.
 * Boundary ties (an end exactly on +-delta) have probability zero here. */
Test(sesoi, verdict_is_the_interval_rule)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 20261207);
    int seen[COOP_N_VERDICTS] = {0};
    double a[40], b[40];
    for (int k = 0; k < 2000; k++) {
        size_t n = 3 + gsl_rng_uniform_int(g, 38);
        double mu = 3.0 * (gsl_rng_uniform(g) - 0.5), sd = 0.05 + gsl_rng_uniform(g);
        double delta = 0.05 + gsl_rng_uniform(g);
        for (size_t i = 0; i < n; i++) {
            b[i] = gsl_rng_uniform(g);
            a[i] = b[i] + mu + sd * gsl_ran_gaussian(g, 1.0);
        }
        coop_paired s;
        cr_assert_eq(coop_paired_compare(a, b, n, 0.95, 0, 1, &s, NULL), COOP_OK);
        coop_sesoi_test e;
        coop_paired_sesoi(&s, delta, 0.05, &e);
        coop_verdict v = coop_sesoi_verdict(e.claim, e.p_decision, 0.05);
        double lo, hi;
        coop_paired_interval(&s, 0.95, &lo, &hi);
        coop_verdict want = lo > delta                 ? COOP_VERDICT_SUPPORTED
                            : hi < -delta              ? COOP_VERDICT_CONTRADICTED
                            : lo > -delta && hi < delta ? COOP_VERDICT_NEGLIGIBLE
                                                        : COOP_VERDICT_INCONCLUSIVE;
        cr_assert_eq(v, want, "sample %d: [%g, %g], delta %g, %s", k, lo, hi, delta,
                     coop_verdict_name(v));
        if (v == COOP_VERDICT_SUPPORTED)
            cr_assert(s.diff > delta);
        seen[v]++;
    }
    for (int v = 0; v < COOP_N_VERDICTS; v++)
        cr_assert(seen[v] > 50, "%s only %d times", coop_verdict_name(v), seen[v]);
    gsl_rng_free(g);
}

/* Gatekeeping, worked by hand: secondaries {0.04, 0.001, 0.5} Holm-adjusted among
 * themselves are {2 x 0.04, 3 x 0.001, max(0.08, 0.5)} = {0.08, 0.003, 0.5}; behind
 * an open gate (primary 0.01) each becomes max(0.01, .): {0.08, 0.01, 0.5}; behind a
 * closed one (0.2), max(0.2, .): {0.2, 0.2, 0.5}. */
Test(gatekeep, worked_example)
{
    double p[4] = {0.04, 0.01, 0.001, 0.5}, q[4];
    cr_assert_eq(coop_gatekeep(p, 4, 1, q, NULL), COOP_OK);
    const double open[4] = {0.08, 0.01, 0.01, 0.5};
    for (int i = 0; i < 4; i++)
        assert_rel(q[i], open[i], 1e-15);
    p[1] = 0.2;
    cr_assert_eq(coop_gatekeep(p, 4, 1, p, NULL), COOP_OK); /* in place */
    const double closed[4] = {0.2, 0.2, 0.2, 0.5};
    for (int i = 0; i < 4; i++)
        assert_rel(p[i], closed[i], 1e-15);
    /* NaN: a NaN gate closes everything; a NaN secondary stays NaN, uncounted. */
    double r[3] = {NAN, 0.01, 0.02}, s[3];
    cr_assert_eq(coop_gatekeep(r, 3, 0, s, NULL), COOP_OK);
    cr_assert(isnan(s[0]) && isnan(s[1]) && isnan(s[2]));
    double t[3] = {0.001, NAN, 0.02};
    cr_assert_eq(coop_gatekeep(t, 3, 0, s, NULL), COOP_OK);
    cr_assert(s[0] == 0.001 && isnan(s[1]) && s[2] == 0.02);
    /* One p-value: the primary alone. */
    cr_assert_eq(coop_gatekeep(t, 1, 0, s, NULL), COOP_OK);
    cr_assert_eq(s[0], 0.001);
    coop_err err = {0};
    double bad[2] = {1.5, 0.1};
    cr_assert_eq(coop_gatekeep(bad, 2, 0, s, &err), COOP_EINVAL);
    cr_assert_eq(coop_gatekeep(bad + 1, 1, 1, s, &err), COOP_EINVAL);
    cr_assert_eq(coop_gatekeep(NULL, 2, 0, s, &err), COOP_EINVAL);
    double bad2[2] = {0.1, -0.5};
    cr_assert_eq(coop_gatekeep(bad2, 2, 0, s, &err), COOP_EINVAL);
}

/* Clopper-Pearson intervals against scipy 1.10.1:
 *   lo = 0 if k == 0 else stats.beta.ppf(0.025, k, n - k + 1)
 *   hi = 1 if k == n else stats.beta.ppf(0.975, k + 1, n - k) */
Test(binomial, clopper_pearson_matches_scipy)
{
    static const struct { unsigned long k, n; double lo, hi; } ref[] = {
        {0, 40, 0, 0.088097302878802367},
        {1, 40, 0.00063274493204941906, 0.13158585848276572},
        {3, 40, 0.015742179851041531, 0.20386474873289895},
        {20, 400, 0.030805241143265938, 0.076166972755142545},
        {400, 400, 0.9908201954163347, 1},
        {7, 400, 0.0070641282207539085, 0.035722873593619225},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        double lo, hi;
        coop_clopper_pearson(ref[i].k, ref[i].n, 0.95, &lo, &hi);
        if (ref[i].lo == 0.0)
            cr_assert_eq(lo, 0.0);
        else
            assert_rel(lo, ref[i].lo, 1e-9);
        if (ref[i].hi == 1.0)
            cr_assert_eq(hi, 1.0);
        else
            assert_rel(hi, ref[i].hi, 1e-9);
    }
    double lo, hi;
    coop_clopper_pearson(1, 0, 0.95, &lo, &hi);
    cr_assert(isnan(lo) && isnan(hi));
    coop_clopper_pearson(5, 4, 0.95, &lo, &hi);
    cr_assert(isnan(lo) && isnan(hi));
}
