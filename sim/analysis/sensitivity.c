/* sensitivity.c: global sensitivity analysis, designs and estimators (see
 * coop_sensitivity.h for the methods and their sources).
 *
 * Sobol' indices come from the Saltelli (2010) design: rows grouped by base row
 * j (A_j, A_B^i_j, [B_A^i_j], B_j), so that a bootstrap resample of the base rows
 * keeps every matrix of a row together.  Morris trajectories are one-at-a-time
 * walks on a p-level grid.  GSL does the numerics: the Sobol' sequence
 * (gsl_qrng_sobol), the generators (gsl_rng_mt19937, local to each call), means,
 * standard deviations, sorting and quantiles. */
#include "coop_sensitivity.h"
#include "coop_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#define PI 3.14159265358979323846

size_t coop_saltelli_rows(size_t n, size_t k, int second_order)
{
    return n * (second_order ? 2 * k + 2 : k + 2);
}

int coop_saltelli_design(size_t n, size_t k, int second_order, double *x, coop_err *err)
{
    if (n == 0 || k == 0 || k > COOP_SOBOL_MAX_K)
        return COOP_FAIL(err, COOP_EINVAL,
                         "Saltelli design: n = %zu, k = %zu (need n >= 1, 1 <= k <= %d)", n, k,
                         COOP_SOBOL_MAX_K);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (!q)
        return COOP_FAIL(err, COOP_ENOMEM, "Saltelli design: cannot allocate the Sobol' sequence");
    size_t block = second_order ? 2 * k + 2 : k + 2;
    double ab[2 * COOP_SOBOL_MAX_K];
    for (size_t j = 0; j < n; j++) {
        gsl_qrng_get(q, ab);
        const double *a = ab, *b = ab + k;
        double *row = x + j * block * k;
        memcpy(row, a, k * sizeof *row);                      /* A_j */
        for (size_t i = 0; i < k; i++) {                      /* A_B^i_j */
            double *r = row + (1 + i) * k;
            memcpy(r, a, k * sizeof *r);
            r[i] = b[i];
        }
        if (second_order)
            for (size_t i = 0; i < k; i++) {                  /* B_A^i_j */
                double *r = row + (1 + k + i) * k;
                memcpy(r, b, k * sizeof *r);
                r[i] = a[i];
            }
        memcpy(row + (block - 1) * k, b, k * sizeof *row);    /* B_j */
    }
    gsl_qrng_free(q);
    return COOP_OK;
}

static double *nan_array(size_t n)
{
    double *a = malloc((n ? n : 1) * sizeof *a);
    if (a)
        for (size_t i = 0; i < n; i++)
            a[i] = NAN;
    return a;
}

coop_sobol_result *coop_sobol_result_alloc(size_t k, int second_order)
{
    coop_sobol_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->k = k;
    r->var = NAN;
    double **one[] = {&r->s1, &r->s1_lo, &r->s1_hi, &r->st, &r->st_lo, &r->st_hi};
    for (size_t i = 0; i < 6; i++)
        if (!(*one[i] = nan_array(k)))
            goto fail;
    if (second_order) {
        double **two[] = {&r->s2, &r->s2_lo, &r->s2_hi};
        for (size_t i = 0; i < 3; i++)
            if (!(*two[i] = nan_array(k * k)))
                goto fail;
    }
    return r;
fail:
    coop_sobol_result_free(r);
    return NULL;
}

void coop_sobol_result_free(coop_sobol_result *r)
{
    if (!r)
        return;
    free(r->s1); free(r->s1_lo); free(r->s1_hi);
    free(r->st); free(r->st_lo); free(r->st_hi);
    free(r->s2); free(r->s2_lo); free(r->s2_hi);
    free(r);
}

/* The indices of the base rows idx[0..n-1] (a resample, or 0..n-1): s1, st (k
 * each) and s2 (k x k, or NULL).  Returns the variance V (0 when degenerate). */
static double sobol_estimate(const double *y, const size_t *idx, size_t n, size_t k,
                             int second_order, double *s1, double *st, double *s2)
{
    size_t block = second_order ? 2 * k + 2 : k + 2;
    /* V: two-pass variance of the 2n outputs of A and B (divisor 2n). */
    double mean = 0.0;
    for (size_t j = 0; j < n; j++) {
        const double *b = y + idx[j] * block;
        mean += b[0] + b[block - 1];
    }
    mean /= (double)(2 * n);
    double var = 0.0;
    for (size_t j = 0; j < n; j++) {
        const double *b = y + idx[j] * block;
        var += (b[0] - mean) * (b[0] - mean) + (b[block - 1] - mean) * (b[block - 1] - mean);
    }
    var /= (double)(2 * n);
    if (!(var > 0.0))
        return 0.0;
    /* The products below are taken of outputs centred on that mean: the expectations
     * are unchanged (E f(A_B^i) - f(A) = 0, and likewise for S2), but an output with a
     * large mean against its spread (a share near 0.5 that moves by 0.01) would
     * otherwise give S1 a variance of order mean^2 / V. */
    for (size_t i = 0; i < k; i++) {
        double first = 0.0, total = 0.0;
        for (size_t j = 0; j < n; j++) {
            const double *b = y + idx[j] * block;
            double fa = b[0], fb = b[block - 1] - mean, fab = b[1 + i];
            first += fb * (fab - fa);
            total += (fa - fab) * (fa - fab);
        }
        s1[i] = first / (double)n / var;
        st[i] = total / (double)n / (2.0 * var);
    }
    if (second_order)
        for (size_t i = 0; i < k; i++)
            for (size_t l = i + 1; l < k; l++) {
                double sum = 0.0;
                for (size_t j = 0; j < n; j++) {
                    const double *b = y + idx[j] * block;
                    sum += (b[1 + k + i] - mean) * (b[1 + l] - mean) -
                           (b[0] - mean) * (b[block - 1] - mean);
                }
                s2[i * k + l] = sum / (double)n / var - s1[i] - s1[l];
            }
    return var;
}

/* The (1-level)/2 and (1+level)/2 quantiles (type 7) of v[0..m-1] (reordered). */
static void percentile(double *v, size_t m, double level, double *lo, double *hi)
{
    coop_quantile_pair(v, m, (1.0 - level) / 2.0, (1.0 + level) / 2.0, lo, hi);
}

/* Stores the percentile interval of the column c of boot (n_boot rows of width w). */
static void column_interval(const double *boot, size_t n_boot, size_t w, size_t c, double level,
                            double *col, double *lo, double *hi)
{
    for (size_t b = 0; b < n_boot; b++)
        col[b] = boot[b * w + c];
    percentile(col, n_boot, level, lo, hi);
}

static int check_args(size_t n, size_t n_rows, const double *y, double level, coop_err *err)
{
    if (n < 2)
        return COOP_FAIL(err, COOP_EINVAL, "sensitivity: %zu base rows (need at least 2)", n);
    if (!(level > 0.0 && level < 1.0))
        return COOP_FAIL(err, COOP_EINVAL, "sensitivity: level %g outside (0, 1)", level);
    for (size_t i = 0; i < n_rows; i++)
        if (!isfinite(y[i]))
            return COOP_FAIL(err, COOP_EINVAL, "sensitivity: output of row %zu is not finite", i);
    return COOP_OK;
}

/* The bootstrap of coop_sobol_indices: n_boot resamples of the base rows; each
 * resample's s1 | st | s2 in one row of width w, then the column intervals. */
static int sobol_bootstrap(const double *y, size_t n, int second_order, size_t n_boot,
                           double level, uint32_t seed, coop_sobol_result *out, coop_err *err)
{
    size_t k = out->k, w = 2 * k + (second_order ? k * k : 0);
    size_t *idx = malloc(n * sizeof *idx);
    double *boot = malloc(n_boot * w * sizeof *boot);
    double *col = malloc(n_boot * sizeof *col);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int status = COOP_OK;
    if (!idx || !boot || !col || !rng) {
        status = COOP_FAIL(err, COOP_ENOMEM, "Sobol' bootstrap: out of memory");
        goto out;
    }
    gsl_rng_set(rng, seed);
    size_t used = 0;  /* a degenerate resample (no variance) carries no information */
    for (size_t b = 0; b < n_boot; b++) {
        for (size_t j = 0; j < n; j++)
            idx[j] = gsl_rng_uniform_int(rng, n);
        double *row = boot + used * w;
        if (sobol_estimate(y, idx, n, k, second_order, row, row + k, row + 2 * k) > 0.0)
            used++;
    }
    for (size_t i = 0; used > 0 && i < k; i++) {
        column_interval(boot, used, w, i, level, col, &out->s1_lo[i], &out->s1_hi[i]);
        column_interval(boot, used, w, k + i, level, col, &out->st_lo[i], &out->st_hi[i]);
        if (second_order)
            for (size_t l = i + 1; l < k; l++)
                column_interval(boot, used, w, 2 * k + i * k + l, level, col,
                                &out->s2_lo[i * k + l], &out->s2_hi[i * k + l]);
    }
out:
    free(idx);
    free(boot);
    free(col);
    gsl_rng_free(rng);
    return status;
}

int coop_sobol_indices(const double *y, size_t n, int second_order, size_t n_boot,
                       double level, uint32_t boot_seed, coop_sobol_result *out,
                       coop_err *err)
{
    if (!out || (second_order && !out->s2))
        return COOP_FAIL(err, COOP_EINVAL, "Sobol' indices: no result arrays%s",
                         second_order ? " for second-order indices" : "");
    size_t k = out->k;
    int status = check_args(n, coop_saltelli_rows(n, k, second_order), y, level, err);
    if (status)
        return status;
    size_t *idx = malloc(n * sizeof *idx);
    if (!idx)
        return COOP_FAIL(err, COOP_ENOMEM, "Sobol' indices: out of memory");
    for (size_t j = 0; j < n; j++)
        idx[j] = j;
    out->var = sobol_estimate(y, idx, n, k, second_order, out->s1, out->st, out->s2);
    free(idx);
    if (out->var == 0.0)
        return COOP_FAIL(err, COOP_EINVAL,
                         "Sobol' indices: the outputs of A and B do not vary (no variance to "
                         "apportion)");
    if (n_boot > 0)
        return sobol_bootstrap(y, n, second_order, n_boot, level, boot_seed, out, err);
    return COOP_OK;
}

/* ---- Morris ---- */

size_t coop_morris_rows(size_t r, size_t k)
{
    return r * (k + 1);
}

/* One trajectory (k + 1 rows of k) on the p-level grid. */
static void morris_trajectory(gsl_rng *rng, size_t k, size_t p, size_t *order, double *t)
{
    size_t half = p / 2;
    double step = 1.0 / (double)(p - 1);
    for (size_t i = 0; i < k; i++) {
        order[i] = i;
        t[i] = (double)gsl_rng_uniform_int(rng, p) * step;
    }
    for (size_t i = k; i > 1; i--) {  /* Fisher-Yates: a random order of the factors */
        size_t j = gsl_rng_uniform_int(rng, i);
        size_t s = order[i - 1];
        order[i - 1] = order[j];
        order[j] = s;
    }
    for (size_t s = 0; s < k; s++) {
        double *prev = t + s * k, *next = prev + k;
        memcpy(next, prev, k * sizeof *next);
        size_t i = order[s];
        size_t level = (size_t)lround(prev[i] * (double)(p - 1));
        next[i] = (double)(level + half <= p - 1 ? level + half : level - half) * step;
    }
}

/* The Campolongo et al. (2007) distance of trajectories a and b (k + 1 points each). */
static double trajectory_distance(const double *a, const double *b, size_t k)
{
    double d = 0.0;
    for (size_t s = 0; s <= k; s++)
        for (size_t t = 0; t <= k; t++) {
            double sq = 0.0;
            for (size_t i = 0; i < k; i++) {
                double e = a[s * k + i] - b[t * k + i];
                sq += e * e;
            }
            d += sqrt(sq);
        }
    return d;
}

/* Keeps the r most spread of m candidate trajectories (Ruano et al. 2012): drops
 * one candidate at a time, the one with the smallest sum of squared distances to
 * the others still kept (its removal leaves the largest total).  keep[c] = 1 for
 * the kept ones.  Returns COOP_ENOMEM when out of memory. */
static int morris_select(const double *cand, size_t m, size_t r, size_t k, int *keep)
{
    size_t rows = (k + 1) * k;
    double *d2 = malloc(m * m * sizeof *d2);
    if (!d2)
        return COOP_ENOMEM;
    for (size_t a = 0; a < m; a++) {
        keep[a] = 1;
        d2[a * m + a] = 0.0;
        for (size_t b = a + 1; b < m; b++) {
            double d = trajectory_distance(cand + a * rows, cand + b * rows, k);
            d2[a * m + b] = d2[b * m + a] = d * d;
        }
    }
    for (size_t left = m; left > r; left--) {
        size_t drop = 0;
        double least = INFINITY;
        for (size_t a = 0; a < m; a++) {
            if (!keep[a])
                continue;
            double sum = 0.0;
            for (size_t b = 0; b < m; b++)
                if (keep[b])
                    sum += d2[a * m + b];
            if (sum < least) {  /* strict: the first of equals is dropped */
                least = sum;
                drop = a;
            }
        }
        keep[drop] = 0;
    }
    free(d2);
    return COOP_OK;
}

int coop_morris_design(size_t r, size_t k, size_t p, size_t candidates, uint32_t seed,
                       double *x, coop_err *err)
{
    if (r == 0 || k == 0 || p < 2 || p % 2 != 0 || (candidates > 0 && candidates < r))
        return COOP_FAIL(err, COOP_EINVAL,
                         "Morris design: r = %zu, k = %zu, p = %zu, candidates = %zu (need r, k "
                         ">= 1, p even >= 2, candidates 0 or >= r)", r, k, p, candidates);
    size_t m = candidates > r ? candidates : r, rows = (k + 1) * k;
    double *cand = m > r ? malloc(m * rows * sizeof *cand) : x;
    size_t *order = malloc(k * sizeof *order);
    int *keep = malloc(m * sizeof *keep);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int status = COOP_OK;
    if (!cand || !order || !keep || !rng) {
        status = COOP_FAIL(err, COOP_ENOMEM, "Morris design: out of memory");
        goto out;
    }
    gsl_rng_set(rng, seed);
    for (size_t c = 0; c < m; c++)
        morris_trajectory(rng, k, p, order, cand + c * rows);
    if (m > r) {
        if (morris_select(cand, m, r, k, keep)) {
            status = COOP_FAIL(err, COOP_ENOMEM, "Morris design: out of memory");
            goto out;
        }
        size_t t = 0;
        for (size_t c = 0; c < m; c++)
            if (keep[c])
                memcpy(x + (t++) * rows, cand + c * rows, rows * sizeof *x);
    }
out:
    if (cand != x)
        free(cand);
    free(order);
    free(keep);
    gsl_rng_free(rng);
    return status;
}

coop_morris_result *coop_morris_result_alloc(size_t k)
{
    coop_morris_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->k = k;
    double **all[] = {&r->mu, &r->mu_star, &r->mu_star_lo, &r->mu_star_hi, &r->sigma};
    for (size_t i = 0; i < 5; i++)
        if (!(*all[i] = nan_array(k))) {
            coop_morris_result_free(r);
            return NULL;
        }
    return r;
}

void coop_morris_result_free(coop_morris_result *r)
{
    if (!r)
        return;
    free(r->mu); free(r->mu_star); free(r->mu_star_lo); free(r->mu_star_hi); free(r->sigma);
    free(r);
}

/* The elementary effects ee[t * k + i] of trajectory t and factor i. */
static int morris_effects(const double *x, const double *y, size_t r, size_t k, double *ee,
                          coop_err *err)
{
    for (size_t t = 0; t < r; t++)
        for (size_t s = 0; s < k; s++) {
            size_t row = t * (k + 1) + s;
            const double *a = x + row * k, *b = a + k;
            size_t moved = k, changes = 0;
            for (size_t i = 0; i < k; i++)
                if (a[i] != b[i]) {
                    moved = i;
                    changes++;
                }
            if (changes != 1)
                return COOP_FAIL(err, COOP_EINVAL,
                                 "Morris indices: rows %zu and %zu change %zu coordinates "
                                 "(a trajectory step changes exactly one)", row, row + 1, changes);
            ee[t * k + moved] = (y[row + 1] - y[row]) / (b[moved] - a[moved]);
        }
    return COOP_OK;
}

int coop_morris_indices(const double *x, const double *y, size_t r, size_t k,
                        size_t n_boot, double level, uint32_t boot_seed,
                        coop_morris_result *out, coop_err *err)
{
    if (!out || out->k != k)
        return COOP_FAIL(err, COOP_EINVAL, "Morris indices: result arrays of another size");
    int status = check_args(r, coop_morris_rows(r, k), y, level, err);
    if (status)
        return status;
    double *ee = malloc(r * k * sizeof *ee), *col = malloc((n_boot ? n_boot : 1) * sizeof *col);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!ee || !col || !rng) {
        status = COOP_FAIL(err, COOP_ENOMEM, "Morris indices: out of memory");
        goto out;
    }
    if ((status = morris_effects(x, y, r, k, ee, err)))
        goto out;
    gsl_rng_set(rng, boot_seed);
    for (size_t i = 0; i < k; i++) {
        double abs_sum = 0.0;
        for (size_t t = 0; t < r; t++)
            abs_sum += fabs(ee[t * k + i]);
        out->mu[i] = gsl_stats_mean(ee + i, k, r);
        out->sigma[i] = gsl_stats_sd(ee + i, k, r);
        out->mu_star[i] = abs_sum / (double)r;
    }
    /* Bootstrap over trajectories: one resample of rows serves every factor. */
    double *all = n_boot ? malloc(n_boot * k * sizeof *all) : NULL;
    if (n_boot && !all) {
        status = COOP_FAIL(err, COOP_ENOMEM, "Morris indices: out of memory");
        goto out;
    }
    for (size_t b = 0; b < n_boot; b++) {
        for (size_t i = 0; i < k; i++)
            all[b * k + i] = 0.0;
        for (size_t t = 0; t < r; t++) {
            size_t pick = gsl_rng_uniform_int(rng, r);
            for (size_t i = 0; i < k; i++)
                all[b * k + i] += fabs(ee[pick * k + i]) / (double)r;
        }
    }
    for (size_t i = 0; n_boot && i < k; i++)
        column_interval(all, n_boot, k, i, level, col, &out->mu_star_lo[i], &out->mu_star_hi[i]);
    free(all);
out:
    free(ee);
    free(col);
    gsl_rng_free(rng);
    return status;
}

/* ---- scaling and test functions ---- */

double coop_sensitivity_scale(double u, double lo, double hi, int log_scale)
{
    if (log_scale)
        return exp(log(lo) + u * (log(hi) - log(lo)));
    return lo + u * (hi - lo);
}

double coop_testfn_eval(coop_testfn fn, const double *u, size_t k, const double *coef)
{
    double v;
    switch (fn) {
    case COOP_TESTFN_ISHIGAMI: {
        double x1 = -PI + 2.0 * PI * u[0], x2 = -PI + 2.0 * PI * u[1];
        double x3 = -PI + 2.0 * PI * u[2], s2 = sin(x2);
        return sin(x1) + coef[0] * s2 * s2 + coef[1] * pow(x3, 4) * sin(x1);
    }
    case COOP_TESTFN_G:
        v = 1.0;
        for (size_t i = 0; i < k; i++)
            v *= (fabs(4.0 * u[i] - 2.0) + coef[i]) / (1.0 + coef[i]);
        return v;
    case COOP_TESTFN_LINEAR:
        v = 0.0;
        for (size_t i = 0; i < k; i++)
            v += coef[i] * u[i];
        return v;
    }
    return NAN;
}

void coop_testfn_indices(coop_testfn fn, size_t k, const double *coef, double *s1, double *st)
{
    if (fn == COOP_TESTFN_ISHIGAMI) {
        double a = coef[0], b = coef[1], p4 = pow(PI, 4), p8 = pow(PI, 8);
        double v = a * a / 8.0 + b * p4 / 5.0 + b * b * p8 / 18.0 + 0.5;
        double v1 = 0.5 * (1.0 + b * p4 / 5.0) * (1.0 + b * p4 / 5.0);
        double v2 = a * a / 8.0, v13 = b * b * p8 * (1.0 / 18.0 - 1.0 / 50.0);
        s1[0] = v1 / v; s1[1] = v2 / v; s1[2] = 0.0;
        st[0] = (v1 + v13) / v; st[1] = v2 / v; st[2] = v13 / v;
    } else if (fn == COOP_TESTFN_G) {
        double prod = 1.0;
        for (size_t i = 0; i < k; i++)
            prod *= 1.0 + 1.0 / (3.0 * (1.0 + coef[i]) * (1.0 + coef[i]));
        double v = prod - 1.0;
        for (size_t i = 0; i < k; i++) {
            double vi = 1.0 / (3.0 * (1.0 + coef[i]) * (1.0 + coef[i]));
            s1[i] = vi / v;
            st[i] = vi * prod / (1.0 + vi) / v;
        }
    } else {
        double sum = 0.0;
        for (size_t i = 0; i < k; i++)
            sum += coef[i] * coef[i];
        for (size_t i = 0; i < k; i++)
            s1[i] = st[i] = coef[i] * coef[i] / sum;
    }
}
