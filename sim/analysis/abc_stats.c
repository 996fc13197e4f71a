/* abc_stats.c: the priors of ABC inference and the statistics of weighted
 * particle populations (coop_abc.h): densities, draws, moments and quantiles of
 * the four prior families on GSL, and the effective sample size, weighted
 * quantiles and moments, systematic resampling and the weighted Kolmogorov-Smirnov
 * test that the sampler, its outputs and its known-answer tests use. */
#include "coop_abc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>

static const char *const prior_names[] = {"uniform", "loguniform", "normal", "beta"};

int coop_prior_kind_of(const char *name)
{
    for (int k = 0; k < 4; k++)
        if (name && strcmp(name, prior_names[k]) == 0)
            return k;
    return -1;
}

const char *coop_prior_name(coop_prior_kind kind)
{
    return (kind >= 0 && kind < 4) ? prior_names[kind] : "?";
}

int coop_prior_check(const coop_prior *p, coop_err *err)
{
    if (!isfinite(p->a) || !isfinite(p->b))
        return COOP_FAIL(err, COOP_ECONFIG, "%s prior: values must be finite numbers",
                         coop_prior_name(p->kind));
    switch (p->kind) {
    case COOP_PRIOR_UNIFORM:
        if (!(p->a < p->b))
            return COOP_FAIL(err, COOP_ECONFIG, "uniform prior [%g, %g]: need min < max",
                             p->a, p->b);
        return COOP_OK;
    case COOP_PRIOR_LOGUNIFORM:
        if (!(p->a > 0 && p->a < p->b))
            return COOP_FAIL(err, COOP_ECONFIG,
                             "loguniform prior [%g, %g]: need 0 < min < max", p->a, p->b);
        return COOP_OK;
    case COOP_PRIOR_NORMAL:
        if (!(p->b > 0))
            return COOP_FAIL(err, COOP_ECONFIG, "normal prior (mean %g, sd %g): need sd > 0",
                             p->a, p->b);
        return COOP_OK;
    case COOP_PRIOR_BETA:
        if (!(p->a > 0 && p->b > 0))
            return COOP_FAIL(err, COOP_ECONFIG,
                             "beta prior (%g, %g): need both shapes > 0", p->a, p->b);
        return COOP_OK;
    }
    return COOP_FAIL(err, COOP_ECONFIG, "unknown prior kind %d (allowed: uniform, "
                     "loguniform, normal, beta)", (int)p->kind);
}

double coop_prior_pdf(const coop_prior *p, double x)
{
    switch (p->kind) {
    case COOP_PRIOR_UNIFORM:
        return (x >= p->a && x <= p->b) ? 1.0 / (p->b - p->a) : 0.0;
    case COOP_PRIOR_LOGUNIFORM:
        return (x >= p->a && x <= p->b) ? 1.0 / (x * log(p->b / p->a)) : 0.0;
    case COOP_PRIOR_NORMAL:
        return gsl_ran_gaussian_pdf(x - p->a, p->b);
    case COOP_PRIOR_BETA:
        return (x >= 0.0 && x <= 1.0) ? gsl_ran_beta_pdf(x, p->a, p->b) : 0.0;
    }
    return 0.0;
}

double coop_prior_draw(const coop_prior *p, gsl_rng *r)
{
    switch (p->kind) {
    case COOP_PRIOR_UNIFORM:
        return gsl_ran_flat(r, p->a, p->b);
    case COOP_PRIOR_LOGUNIFORM:
        return exp(gsl_ran_flat(r, log(p->a), log(p->b)));
    case COOP_PRIOR_NORMAL:
        return p->a + gsl_ran_gaussian(r, p->b);
    case COOP_PRIOR_BETA:
        return gsl_ran_beta(r, p->a, p->b);
    }
    return NAN;
}

double coop_prior_mean(const coop_prior *p)
{
    switch (p->kind) {
    case COOP_PRIOR_UNIFORM:
        return 0.5 * (p->a + p->b);
    case COOP_PRIOR_LOGUNIFORM:
        return (p->b - p->a) / log(p->b / p->a);
    case COOP_PRIOR_NORMAL:
        return p->a;
    case COOP_PRIOR_BETA:
        return p->a / (p->a + p->b);
    }
    return NAN;
}

double coop_prior_sd(const coop_prior *p)
{
    double s, l, m;
    switch (p->kind) {
    case COOP_PRIOR_UNIFORM:
        return (p->b - p->a) / sqrt(12.0);
    case COOP_PRIOR_LOGUNIFORM: /* E[x^2] = (b^2 - a^2) / (2 log(b / a)) */
        l = log(p->b / p->a);
        m = (p->b - p->a) / l;
        return sqrt((p->b * p->b - p->a * p->a) / (2.0 * l) - m * m);
    case COOP_PRIOR_NORMAL:
        return p->b;
    case COOP_PRIOR_BETA:
        s = p->a + p->b;
        return sqrt(p->a * p->b / (s * s * (s + 1.0)));
    }
    return NAN;
}

double coop_prior_quantile(const coop_prior *p, double q)
{
    if (!(q > 0.0 && q < 1.0))
        return NAN;
    switch (p->kind) {
    case COOP_PRIOR_UNIFORM:
        return p->a + q * (p->b - p->a);
    case COOP_PRIOR_LOGUNIFORM:
        return p->a * exp(q * log(p->b / p->a));
    case COOP_PRIOR_NORMAL:
        return p->a + gsl_cdf_gaussian_Pinv(q, p->b);
    case COOP_PRIOR_BETA:
        return gsl_cdf_beta_Pinv(q, p->a, p->b);
    }
    return NAN;
}

double coop_abc_ess(const double *w, int n)
{
    double s = 0.0, s2 = 0.0;
    for (int i = 0; i < n; i++) {
        s += w[i];
        s2 += w[i] * w[i];
    }
    return s2 > 0.0 ? s * s / s2 : 0.0;
}

/* The permutation that sorts x[0 .. n-1] ascending; NULL on allocation failure. */
static size_t *sort_order(const double *x, int n)
{
    size_t *ord = malloc((size_t)(n > 0 ? n : 1) * sizeof *ord);
    if (ord)
        gsl_sort_index(ord, x, 1, (size_t)n);
    return ord;
}

double coop_abc_quantile(const double *x, const double *w, int n, double q)
{
    if (n <= 0)
        return NAN;
    size_t *ord = sort_order(x, n);
    if (!ord)
        return NAN;
    double total = 0.0, c = 0.0, v = x[ord[n - 1]];
    for (int i = 0; i < n; i++)
        total += w[i];
    for (int k = 0; k < n; k++) {
        c += w[ord[k]];
        if (c >= q * total) {
            v = x[ord[k]];
            break;
        }
    }
    free(ord);
    return v;
}

void coop_abc_moments(const double *x, size_t stride, const double *w, const int *model,
                      int which, int n, double *mean, double *sd)
{
    double s = 0.0, m = 0.0, v = 0.0;
    for (int i = 0; i < n; i++)
        if (!model || model[i] == which) {
            s += w[i];
            m += w[i] * x[(size_t)i * stride];
        }
    if (!(s > 0.0)) {
        *mean = *sd = NAN;
        return;
    }
    m /= s;
    for (int i = 0; i < n; i++)
        if (!model || model[i] == which) {
            double d = x[(size_t)i * stride] - m;
            v += w[i] * d * d;
        }
    *mean = m;
    *sd = sqrt(v / s);
}

void coop_abc_systematic(const double *w, int n, int m, double u, int *idx)
{
    double total = 0.0;
    for (int i = 0; i < n; i++)
        total += w[i];
    int i = 0;
    double c = w[0] / total;
    for (int k = 0; k < m; k++) {
        double t = (k + u) / m;
        while (c <= t && i < n - 1)
            c += w[++i] / total;
        idx[k] = i;
    }
}

/* Kolmogorov's limiting distribution's upper tail Q(l) = 2 sum (-1)^(k-1) e^(-2 k^2 l^2). */
static double kolmogorov_q(double l)
{
    if (l < 0.2)
        return 1.0;
    double s = 0.0, sign = 1.0;
    for (int k = 1; k <= 100; k++) {
        double t = exp(-2.0 * k * k * l * l);
        s += sign * t;
        sign = -sign;
        if (t < 1e-16)
            break;
    }
    double q = 2.0 * s;
    return q < 0.0 ? 0.0 : (q > 1.0 ? 1.0 : q);
}

double coop_abc_ks(const double *x, const double *w, int n, double (*cdf)(double, void *),
                   void *cdf_ctx, double *p_value)
{
    size_t *ord = sort_order(x, n);
    if (!ord || n <= 0) {
        free(ord);
        if (p_value)
            *p_value = NAN;
        return NAN;
    }
    double total = 0.0, c = 0.0, d = 0.0;
    for (int i = 0; i < n; i++)
        total += w[i];
    for (int k = 0; k < n;) {
        double v = x[ord[k]], f = cdf(v, cdf_ctx);
        double below = c / total; /* F_w just below v */
        while (k < n && x[ord[k]] == v)
            c += w[ord[k++]];
        double at = c / total;
        d = fmax(d, fmax(fabs(f - below), fabs(at - f)));
    }
    free(ord);
    if (p_value) {
        double e = sqrt(coop_abc_ess(w, n));
        *p_value = kolmogorov_q((e + 0.12 + 0.11 / e) * d);
    }
    return d;
}
