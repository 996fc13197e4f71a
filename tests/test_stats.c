/* test_stats.c: summaries over replicates (coop_stats.h).
 *
 * Reference values: means and standard deviations from Python's statistics
 * module; t quantiles t_{0.975,nu} by bisection on the closed-form t distribution
 * function (Abramowitz & Stegun 26.7.3-4), in Python, independently of GSL:
 *   nu = 1: 12.706204736174676 (= cot(pi/40)), 3: 3.182446305283706,
 *   4: 2.776445105197795 (tables: 2.7764451051977987), 7: 2.364624251592783.
 * The confidence bounds are mean -/+ t * sd / sqrt(n) from those.  GSL's inverse
 * agrees to about 1e-15 relative; the tolerance is 1e-12. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include "coop_stats.h"

#define NEAR(a, b) cr_assert(epsilon_eq(dbl, (a), (b), 1e-12), "%.17g != %.17g", (double)(a), (double)(b))

Test(stats, t_critical_table)
{
    NEAR(coop_t_critical(0.95, 1), 12.706204736174676);
    NEAR(coop_t_critical(0.95, 1), 1.0 / tan(M_PI / 40.0));
    NEAR(coop_t_critical(0.95, 3), 3.182446305283706);
    NEAR(coop_t_critical(0.95, 4), 2.776445105197795);
    NEAR(coop_t_critical(0.95, 4), 2.7764451051977987);
    NEAR(coop_t_critical(0.95, 7), 2.364624251592783);
    NEAR(coop_t_critical(0.90, 1), 1.0 / tan(M_PI / 20.0)); /* t_{0.95,1} = cot(pi/20) */
    cr_assert(isnan(coop_t_critical(0.95, 0)));
    cr_assert(isnan(coop_t_critical(1.0, 5)));
    cr_assert(isnan(coop_t_critical(0.0, 5)));
}

Test(stats, five_values)
{
    const double x[] = {1, 2, 3, 4, 5};
    coop_summary s;
    coop_summary_of(x, 5, 1, &s);
    cr_assert(eq(long, s.n, 5));
    NEAR(s.mean, 3.0);
    NEAR(s.sd, 1.5811388300841898);
    NEAR(s.ci_lo, 1.0367568385224415);
    NEAR(s.ci_hi, 4.963243161477559);
    /* half-width = t_{0.975,4} * sd / sqrt(n) */
    NEAR(s.ci_hi - s.mean, 2.7764451051977987 * 1.5811388300841898 / sqrt(5.0));
}

Test(stats, eight_values)
{
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    coop_summary s;
    coop_summary_of(x, 8, 1, &s);
    cr_assert(eq(long, s.n, 8));
    NEAR(s.mean, 5.0);
    NEAR(s.sd, 2.138089935299395);
    NEAR(s.ci_lo, 3.2125120817637907);
    NEAR(s.ci_hi, 6.787487918236209);
}

/* Welford does not cancel where sum-of-squares would. */
Test(stats, large_offset)
{
    const double x[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
    coop_summary s;
    coop_summary_of(x, 4, 1, &s);
    NEAR(s.mean, 1000000010.0);
    cr_assert(epsilon_eq(dbl, s.sd, 5.477225575051661, 1e-9));
    cr_assert(epsilon_eq(dbl, s.ci_lo, 1000000001.2845118, 1e-6));
    cr_assert(epsilon_eq(dbl, s.ci_hi, 1000000018.7154882, 1e-6));
}

Test(stats, nan_skipped_and_stride)
{
    /* every other element, with NaNs among them: the values 1..5 */
    const double x[] = {1, -9, NAN, -9, 2, -9, 3, -9, NAN, -9, 4, -9, 5, -9};
    coop_summary s;
    coop_summary_of(x, 7, 2, &s);
    cr_assert(eq(long, s.n, 5));
    NEAR(s.mean, 3.0);
    NEAR(s.sd, 1.5811388300841898);
    NEAR(s.ci_lo, 1.0367568385224415);
}

Test(stats, constant_values_have_zero_sd)
{
    coop_acc a;
    coop_acc_init(&a);
    for (int i = 0; i < 10; i++)
        coop_acc_add(&a, 0.1);
    coop_summary s;
    coop_acc_summary(&a, &s);
    cr_assert(eq(dbl, s.mean, 0.1));
    cr_assert(eq(dbl, s.sd, 0.0));
    cr_assert(eq(dbl, s.ci_lo, 0.1));
    cr_assert(eq(dbl, s.ci_hi, 0.1));
}

Test(stats, one_value)
{
    coop_acc a;
    coop_acc_init(&a);
    coop_acc_add(&a, 2.5);
    coop_acc_add(&a, NAN);
    coop_summary s;
    coop_acc_summary(&a, &s);
    cr_assert(eq(long, s.n, 1));
    cr_assert(eq(dbl, s.mean, 2.5));
    cr_assert(isnan(s.sd));
    cr_assert(isnan(s.ci_lo));
    cr_assert(isnan(s.ci_hi));
}

Test(stats, no_values)
{
    coop_acc a = {0};
    coop_acc_add(&a, NAN);
    coop_summary s;
    coop_acc_summary(&a, &s);
    cr_assert(eq(long, s.n, 0));
    cr_assert(isnan(s.mean));
    cr_assert(isnan(s.sd));
    cr_assert(isnan(s.ci_lo));
    cr_assert(isnan(s.ci_hi));
}

Test(stats, two_values)
{
    const double x[] = {1.0, 3.0};
    coop_summary s;
    coop_summary_of(x, 2, 1, &s);
    NEAR(s.mean, 2.0);
    NEAR(s.sd, sqrt(2.0));
    NEAR(s.ci_lo, -10.706204736174676);
    NEAR(s.ci_hi, 14.706204736174676);
}

/* Shares get the interval on the logit scale (coop_acc_summary_share).  Reference
 * values computed in Python, independently of the C code:
 *   m = mean(x); sd = statistics.stdev(x); L = log(m / (1 - m))
 *   h = t * sd / sqrt(n) / (m * (1 - m)); lo, hi = 1 / (1 + exp(-(L -/+ h)))
 * with t from the table above.  The t-based interval of the same values leaves
 * [0, 1] (-0.00974776... and -0.585310... below 0). */
static void share_of(const double *x, size_t n, coop_summary *s)
{
    coop_acc a;
    coop_acc_init(&a);
    for (size_t i = 0; i < n; i++)
        coop_acc_add(&a, x[i]);
    coop_acc_summary_share(&a, coop_t_critical(0.95, (long)n - 1), s);
}

Test(stats, share_interval_on_logit_scale)
{
    const double x[] = {0.02, 0.0, 0.05, 0.01, 0.0};
    coop_summary s, t;
    share_of(x, 5, &s);
    coop_summary_of(x, 5, 1, &t);
    cr_assert(eq(long, s.n, 5));
    NEAR(s.mean, 0.016);
    NEAR(s.sd, 0.020736441353327719);
    NEAR(s.ci_lo, 0.0031586896331419843);
    NEAR(s.ci_hi, 0.077013062773713004);
    NEAR(t.ci_lo, -0.0097476926792908168); /* what the t-interval gave */
    cr_assert(s.ci_lo > 0.0 && s.ci_hi < 1.0);
}

Test(stats, share_interval_two_values_stays_in_range)
{
    const double x[] = {0.0, 0.1};
    coop_summary s;
    share_of(x, 2, &s);
    NEAR(s.mean, 0.05);
    NEAR(s.ci_lo, 8.1767055840006274e-08);
    NEAR(s.ci_hi, 0.99997048296170954);
}

Test(stats, share_interval_constant_and_single)
{
    const double zeros[] = {0.0, 0.0, 0.0}, one[] = {0.4};
    coop_summary s;
    share_of(zeros, 3, &s);
    cr_assert(eq(dbl, s.ci_lo, 0.0));
    cr_assert(eq(dbl, s.ci_hi, 0.0));
    share_of(one, 1, &s);
    NEAR(s.mean, 0.4);
    cr_assert(isnan(s.sd) && isnan(s.ci_lo) && isnan(s.ci_hi));
}

/* coop_quantile_pair gives, bit for bit, what sorting and
 * gsl_stats_quantile_from_sorted_data give: random samples of 1 to 60 values and
 * of 2,000 (a bootstrap's), continuous and with many ties (values rounded to a
 * few levels), at the quantiles a 95 % and a 50 % interval read, the extremes,
 * and equal or adjacent quantiles. */
Test(stats, quantile_pair_is_the_sorted_quantiles)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20261207);
    const double f[][2] = {{0.025, 0.975}, {0.25, 0.75}, {0.0, 1.0}, {0.5, 0.5},
                           {0.4999, 0.5001}, {0.975, 0.025}, {0.9, 0.95}};
    static double v[2000], w[2000];
    size_t sizes[64];
    int n_sizes = 0;
    for (size_t n = 1; n <= 60; n++)
        sizes[n_sizes++] = n;
    sizes[n_sizes++] = 1999;
    sizes[n_sizes++] = 2000;
    long checked = 0;
    for (int z = 0; z < n_sizes; z++)
        for (int ties = 0; ties < 2; ties++)
            for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
                size_t n = sizes[z];
                for (size_t i = 0; i < n; i++) {
                    double x = gsl_rng_uniform(rng) - 0.5;
                    v[i] = w[i] = ties ? floor(4.0 * x) / 4.0 : x;
                }
                double q1, q2;
                coop_quantile_pair(v, n, f[k][0], f[k][1], &q1, &q2);
                gsl_sort(w, 1, n);
                double r1 = gsl_stats_quantile_from_sorted_data(w, 1, n, f[k][0]);
                double r2 = gsl_stats_quantile_from_sorted_data(w, 1, n, f[k][1]);
                cr_assert(memcmp(&q1, &r1, sizeof q1) == 0 && memcmp(&q2, &r2, sizeof q2) == 0,
                          "n %zu, ties %d, f %g %g: %.17g %.17g, sorted %.17g %.17g", n, ties,
                          f[k][0], f[k][1], q1, q2, r1, r2);
                checked++;
            }
    cr_assert(eq(long, checked, 62L * 2 * 7));
    /* a NaN among them: sorted, as before */
    double nan_v[5] = {0.3, NAN, 0.1, 0.2, 0.4}, nan_w[5], q1, q2;
    memcpy(nan_w, nan_v, sizeof nan_v);
    coop_quantile_pair(nan_v, 5, 0.25, 0.75, &q1, &q2);
    gsl_sort(nan_w, 1, 5);
    double r1 = gsl_stats_quantile_from_sorted_data(nan_w, 1, 5, 0.25);
    double r2 = gsl_stats_quantile_from_sorted_data(nan_w, 1, 5, 0.75);
    cr_assert(memcmp(&q1, &r1, sizeof q1) == 0 && memcmp(&q2, &r2, sizeof q2) == 0,
              "%g %g against %g %g", q1, q2, r1, r2);
    gsl_rng_free(rng);
}
