/* stats.c: summaries over replicates (see coop_stats.h).
 *
 * Welford's (1962) running update keeps the mean and the sum of squared
 * deviations; it is stable where the textbook sum-of-squares formula cancels.
 * The confidence interval is the usual t-based interval of a mean,
 * mean +/- t_{0.975, n-1} * sd / sqrt(n), with the quantile from GSL's
 * gsl_cdf_tdist_Pinv (accurate to about 1e-15 relative).
 *
 * A share (a value in [0,1]) gets the same interval built on the logit scale
 * (coop_acc_summary_share): L = logit(mean) +/- t * se / (mean * (1 - mean)),
 * se = sd / sqrt(n) (the delta method), mapped back with the logistic function,
 * so that it stays inside (0, 1) however few the replicates; when every value
 * is the same (sd = 0) the interval is that value. */
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

void coop_acc_summary_share(const coop_acc *a, double t, coop_summary *s)
{
    coop_acc_summary_t(a, t, s);
    if (a->n < 2 || isnan(t))
        return;
    double m = s->mean;
    if (s->sd == 0.0 || !(m > 0.0 && m < 1.0)) {
        /* all values equal (or a mean outside (0,1): not a share, nothing to map) */
        if (s->sd == 0.0)
            s->ci_lo = s->ci_hi = m;
        return;
    }
    double centre = log(m / (1.0 - m));
    double half = t * s->sd / sqrt((double)a->n) / (m * (1.0 - m));
    s->ci_lo = 1.0 / (1.0 + exp(-(centre - half)));
    s->ci_hi = 1.0 / (1.0 + exp(-(centre + half)));
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
