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
