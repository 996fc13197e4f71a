/* stats.c: summaries over replicates (see coop_stats.h).
 *
 * Welford's (1962) running update keeps the mean and the sum of squared
 * deviations; it is stable where the textbook sum-of-squares formula cancels.
 * The confidence interval is the usual t-based interval of a mean,
 * mean +/- t_{0.975, n-1} * sd / sqrt(n), with the quantile from GSL's
 * gsl_cdf_tdist_Pinv (accurate to about 1e-15 relative). */
#include "coop_stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

void coop_acc_init(coop_acc *a)
{
    a->n = 0;
    a->mean = 0.0;
    a->m2 = 0.0;
}

void coop_acc_add(coop_acc *a, double x)
{
    if (isnan(x))
        return;
    a->n++;
    double d = x - a->mean;
    a->mean += d / (double)a->n;
    a->m2 += d * (x - a->mean);
}

double coop_t_critical(double level, long df)
{
    if (df < 1 || !(level > 0.0 && level < 1.0))
        return NAN;
    return gsl_cdf_tdist_Pinv(1.0 - (1.0 - level) / 2.0, (double)df);
}

void coop_acc_summary_t(const coop_acc *a, double t, coop_summary *s)
{
    s->n = a->n;
    s->mean = a->n > 0 ? a->mean : NAN;
    s->sd = s->ci_lo = s->ci_hi = NAN;
    if (a->n < 2)
        return;
    s->sd = sqrt(a->m2 / (double)(a->n - 1));
    double half = t * s->sd / sqrt((double)a->n);
    s->ci_lo = s->mean - half;
    s->ci_hi = s->mean + half;
}

void coop_acc_summary(const coop_acc *a, coop_summary *s)
{
    coop_acc_summary_t(a, a->n >= 2 ? coop_t_critical(0.95, a->n - 1) : NAN, s);
}

void coop_summary_of(const double *x, size_t n, size_t stride, coop_summary *s)
{
    coop_acc a;
    coop_acc_init(&a);
    for (size_t i = 0; i < n; i++)
        coop_acc_add(&a, x[i * stride]);
    coop_acc_summary(&a, s);
}
