/* coop_stats.h: statistics over replicates (on GSL).
 *
 * A coop_acc accumulates one quantity over replicates with Welford's update
 * (numerically stable running mean and sum of squared deviations).  Values are
 * added serially in replicate order, so the result is the same for any thread
 * count.  NaN values (a quantity undefined in that replicate) are skipped and do
 * not count towards n. */
#ifndef COOP_STATS_H
#define COOP_STATS_H

#include <stddef.h>

/* A running summary; zero-initialised (or coop_acc_init) means empty. */
typedef struct coop_acc {
    long n;       /* values added (NaN excluded) */
    double mean;  /* running mean */
    double m2;    /* running sum of squared deviations from the mean */
} coop_acc;

/* A finished summary.  Fields that are undefined are NaN: mean when n = 0;
 * sd, ci_lo and ci_hi when n < 2. */
typedef struct coop_summary {
    long n;
    double mean;
    double sd;     /* sample standard deviation (divisor n - 1) */
    double ci_lo;  /* mean -/+ t_{0.975, n-1} * sd / sqrt(n): the 95% t-based */
    double ci_hi;  /* confidence interval of the mean */
} coop_summary;

/* Empties an accumulator. */
void coop_acc_init(coop_acc *a);

/* Adds one value; NaN is skipped. */
void coop_acc_add(coop_acc *a, double x);

/* The summary of what a has seen (95% t-based confidence interval). */
void coop_acc_summary(const coop_acc *a, coop_summary *s);

/* The same with the critical value given: t must be coop_t_critical(0.95, a->n - 1)
 * (callers that summarise many cells cache it per n; the result is then
 * bit-identical to coop_acc_summary). */
void coop_acc_summary_t(const coop_acc *a, double t, coop_summary *s);

/* The summary of a share (every value in [0,1]) with the 95% interval taken on
 * the logit scale and mapped back: inside (0, 1) for any n >= 2 (the t-based
 * interval of coop_acc_summary_t can leave [0,1], and with n = 2, t = 12.7, it
 * usually does).  L = log(m / (1 - m)), h = t * sd / sqrt(n) / (m * (1 - m)),
 * ci = 1 / (1 + exp(-(L -/+ h))).  With sd = 0 the interval is [m, m]; n < 2
 * leaves it NaN; mean and sd are those of coop_acc_summary_t.  A mean outside
 * (0, 1) with sd > 0 (values that are not shares) keeps the t-based interval.
 * t as for coop_acc_summary_t. */
void coop_acc_summary_share(const coop_acc *a, double t, coop_summary *s);

/* The summary of n values x[0], x[stride], ... (NaN skipped), added in order. */
void coop_summary_of(const double *x, size_t n, size_t stride, coop_summary *s);

/* The two-sided t critical value t_{1-(1-level)/2, df} (e.g. level 0.95);
 * NaN when df < 1 or level is outside (0, 1). */
double coop_t_critical(double level, long df);

/* The f1 and f2 quantiles of v[0..n-1] (n >= 1, f in [0, 1]), bit for bit what
 * gsl_stats_quantile_from_sorted_data gives on v sorted (type 7: interpolated
 * between the order statistics around f (n - 1)), found by selection instead of a
 * sort (gsl_stats_select: O(n) where a percentile bootstrap's sort of its
 * resampled means was O(n log n) and, at a few replicates per point, most of a
 * hypothesis test's statistics).  v is reordered; with a NaN in it, it is sorted
 * (gsl_sort) as before. */
void coop_quantile_pair(double *v, size_t n, double f1, double f2, double *q1, double *q2);

#endif
