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
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

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

/* The lhs-th and (lhs + 1)-th smallest of v[0..n-1] (0-based, as a sort would
 * place them; the second only when lhs + 1 < n) into *x and *y: the first by
 * gsl_stats_select (which reorders v, keeping its values), the second from one
 * pass (x again while its ties last, else the least value above it).  v holds no
 * NaN. */
static void order_stats(double *v, size_t n, size_t lhs, double *x, double *y)
{
    double at = gsl_stats_select(v, 1, n, lhs), above = INFINITY;
    size_t le = 0;
    for (size_t i = 0; i < n; i++) {
        le += v[i] <= at;
        if (v[i] > at && v[i] < above)
            above = v[i];
    }
    *x = at;
    *y = lhs + 1 < le ? at : above;
}

void coop_quantile_pair(double *v, size_t n, double f1, double f2, double *q1, double *q2)
{
    if (n < 1) { /* as gsl_stats_quantile_from_sorted_data */
        *q1 = *q2 = 0.0;
        return;
    }
    /* the order statistics gsl_stats_quantile_from_sorted_data reads: lhs, lhs + 1 */
    size_t l1 = (size_t)(int)(f1 * (double)(n - 1)), l2 = (size_t)(int)(f2 * (double)(n - 1));
    double a[2], b[2];
    int nan = 0;
    for (size_t i = 0; i < n && !nan; i++)
        nan = isnan(v[i]);
    if (nan || l1 >= n || l2 >= n) { /* the sort it always was */
        gsl_sort(v, 1, n);
        *q1 = gsl_stats_quantile_from_sorted_data(v, 1, n, f1);
        *q2 = gsl_stats_quantile_from_sorted_data(v, 1, n, f2);
        return;
    }
    order_stats(v, n, l1, &a[0], &a[1]);
    order_stats(v, n, l2, &b[0], &b[1]);
    /* GSL's own interpolation, on v holding each pair where the sort would */
    v[l1] = a[0];
    if (l1 + 1 < n)
        v[l1 + 1] = a[1];
    *q1 = gsl_stats_quantile_from_sorted_data(v, 1, n, f1);
    v[l2] = b[0];
    if (l2 + 1 < n)
        v[l2 + 1] = b[1];
    *q2 = gsl_stats_quantile_from_sorted_data(v, 1, n, f2);
}
