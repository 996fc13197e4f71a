/* paired.c: the statistics of a paired counterfactual experiment (see coop_paired.h).
 *
 * For one outcome, the per-replicate differences d_i = a_i - b_i of two worlds run
 * under common random numbers are summarised by their mean, a t-based and a
 * bootstrap percentile confidence interval (Efron & Tibshirani 1993, An
 * Introduction to the Bootstrap, ch. 13), the paired t-test, the Wilcoxon
 * signed-rank test (Wilcoxon 1945, Biometrics Bulletin 1:80-83) and Cohen's d_z;
 * Holm's step-down procedure (Holm 1979, Scand. J. Statist. 6:65-70) corrects
 * the p-values of several outcomes, and serial gatekeeping (Dmitrienko, Offen &
 * Westfall 2003) puts the primary outcome before them.  Each outcome is also
 * tested against its smallest effect size of interest: minimum-effect tests and
 * the two one-sided tests of equivalence (Schuirmann 1987; Lakens, Scheel &
 * Isager 2018), which give the four-level verdict.  R's t.test, wilcox.test and p.adjust are the
 * reference implementations: the Wilcoxon test follows wilcox.test's choice
 * between the exact distribution and the tie- and continuity-corrected normal
 * approximation rule for rule, so that the numbers can be checked against R.
 *
 * GSL does the numerics: means and standard deviations (gsl_stats), the t and
 * normal distributions (gsl_cdf), sorting (gsl_sort_index), quantiles (selection:
 * coop_quantile_pair, coop_stats.h) and the
 * bootstrap's generator (gsl_rng_mt19937, local to the call). */
#include "coop_paired.h"
#include "coop_stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* R's rule: the exact Wilcoxon distribution for fewer than this many non-zero
 * differences (and no ties, no zeros). */
#define EXACT_MAX 50

/* The largest rank sum with EXACT_MAX - 1 ranks: 49 * 50 / 2. */
#define RANKSUM_MAX ((EXACT_MAX - 1) * EXACT_MAX / 2)

/* Exact two-sided p-value of the signed-rank statistic v (an integer) with m
 * untied ranks 1..m, as R's wilcox.test: the number of subsets of {1..m} with
 * each rank sum s is counted by dynamic programming (add rank k to every subset
 * of {1..k-1}); the counts are below 2^49, so doubles hold them exactly and
 * the tail sums divided by 2^m are exact. */
static double signrank_exact_p(double v, size_t m)
{
    double count[RANKSUM_MAX + 1] = {0};
    size_t top = m * (m + 1) / 2;
    count[0] = 1.0;
    for (size_t k = 1; k <= m; k++)
        for (size_t s = k * (k + 1) / 2; s >= k; s--)
            count[s] += count[s - k];

    /* R: P(V >= v) above the centre m(m+1)/4, P(V <= v) otherwise. */
    size_t iv = (size_t)v;
    double tail = 0.0;
    if (v > (double)top / 2.0) {
        for (size_t s = iv; s <= top; s++)
            tail += count[s];
    } else {
        for (size_t s = 0; s <= iv; s++)
            tail += count[s];
    }
    double p = 2.0 * ldexp(tail, -(int)m);
    return p < 1.0 ? p : 1.0;
}

/* The Wilcoxon signed-rank test on the m non-zero differences d[0..m-1]
 * (zeros already removed; any_zero says whether there were any).  absd and perm
 * are scratch of m elements each.  Fills out->v, out->p_wilcoxon and
 * out->wilcoxon_exact. */
static void wilcoxon(const double *d, size_t m, int any_zero, double *absd, size_t *perm,
                     coop_paired *out)
{
    if (m == 0) { /* every difference zero: no evidence either way */
        out->v = 0.0;
        out->p_wilcoxon = 1.0;
        out->wilcoxon_exact = 1;
        return;
    }
    for (size_t i = 0; i < m; i++)
        absd[i] = fabs(d[i]);
    gsl_sort_index(perm, absd, 1, m);

    /* Mid-ranks: a run of t equal |d| at sorted positions i..j-1 (0-based) shares
     * the rank (i + 1 + j) / 2.  Ties are exact equality, as R's rank(). */
    double v = 0.0, ties = 0.0; /* ties: sum of t^3 - t over runs */
    for (size_t i = 0, j; i < m; i = j) {
        for (j = i + 1; j < m && absd[perm[j]] == absd[perm[i]]; j++)
            ;
        double rank = (double)(i + 1 + j) / 2.0, t = (double)(j - i);
        ties += t * t * t - t;
        for (size_t k = i; k < j; k++)
            if (d[perm[k]] > 0.0)
                v += rank;
    }
    out->v = v;

    double dm = (double)m;
    if (m < EXACT_MAX && ties == 0.0 && !any_zero) {
        out->p_wilcoxon = signrank_exact_p(v, m);
        out->wilcoxon_exact = 1;
        return;
    }
    double z = v - dm * (dm + 1.0) / 4.0;
    double sigma = sqrt(dm * (dm + 1.0) * (2.0 * dm + 1.0) / 24.0 - ties / 48.0);
    double correction = z > 0.0 ? 0.5 : z < 0.0 ? -0.5 : 0.0;
    z = (z - correction) / sigma;
    double lower = gsl_cdf_ugaussian_P(z), upper = gsl_cdf_ugaussian_Q(z);
    out->p_wilcoxon = 2.0 * (lower < upper ? lower : upper);
    out->wilcoxon_exact = 0;
}

/* The samples are resampled LANES at a time, their values interleaved (sample
 * s0 + k's value j at t[j * LANES + k]) so that one index reads one cache line
 * and the LANES running means, independent chains, are updated as one vector. */
enum { LANES = 8 };

int coop_paired_boot_shared(const double *const *d, size_t n_series, size_t n, double level,
                            size_t n_boot, unsigned long seed, double *lo, double *hi,
                            coop_err *err)
{
    if (n_series == 0)
        return COOP_OK;
    if (!d || !lo || !hi || n < 2 || n_boot < 1)
        return COOP_FAIL(err, COOP_EINVAL, "paired: bad bootstrap request (%zu samples of %zu, "
                         "%zu resamples)", n_series, n, n_boot);
    if (n > 0xffffffffUL) /* gsl_rng_uniform_int draws below mt19937's 2^32 */
        return COOP_FAIL(err, COOP_EINVAL, "paired: %zu pairs are too many to resample", n);
    size_t n_blocks = (n_series + LANES - 1) / LANES;
    int fits = n_boot <= SIZE_MAX / sizeof(double) / (n_blocks * LANES) &&
               n <= SIZE_MAX / sizeof(double) / (n_blocks * LANES);
    double *means = fits ? malloc(n_blocks * LANES * n_boot * sizeof *means) : NULL;
    double *t = fits ? malloc(n_blocks * LANES * n * sizeof *t) : NULL;
    uint32_t *idx = malloc(n * sizeof *idx);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!means || !t || !idx || !rng) {
        free(means), free(t), free(idx), gsl_rng_free(rng);
        return COOP_FAIL(err, COOP_ENOMEM, "paired: out of memory for %zu bootstraps of %zu "
                         "resamples", n_series, n_boot);
    }
    for (size_t s = 0; s < n_blocks * LANES; s++) /* unused lanes resample zeros */
        for (size_t j = 0; j < n; j++)
            t[(s / LANES * n + j) * LANES + s % LANES] = s < n_series ? d[s][j] : 0.0;
    gsl_rng_set(rng, seed);
    for (size_t b = 0; b < n_boot; b++) {
        for (size_t i = 0; i < n; i++)
            idx[i] = (uint32_t)gsl_rng_uniform_int(rng, n);
        for (size_t blk = 0; blk < n_blocks; blk++) {
            const double *tb = t + blk * n * LANES;
            double run[LANES] = {0.0};
            /* running means, as gsl_stats_mean computes them, so that a constant
             * sample gives exactly its value */
            for (size_t i = 0; i < n; i++) {
                const double *v = tb + (size_t)idx[i] * LANES, k1 = (double)(i + 1);
                for (int k = 0; k < LANES; k++)
                    run[k] += (v[k] - run[k]) / k1;
            }
            for (int k = 0; k < LANES; k++)
                means[(blk * LANES + (size_t)k) * n_boot + b] = run[k];
        }
    }
    gsl_rng_free(rng);
    free(idx);
    free(t);
    for (size_t s = 0; s < n_series; s++) {
        coop_quantile_pair(means + s * n_boot, n_boot, (1.0 - level) / 2.0, (1.0 + level) / 2.0,
                           &lo[s], &hi[s]);
    }
    free(means);
    return COOP_OK;
}

int coop_paired_compare(const double *a, const double *b, size_t n, double level,
                        size_t n_boot, unsigned long boot_seed, coop_paired *out,
                        coop_err *err)
{
    if (!out)
        return COOP_FAIL(err, COOP_EINVAL, "paired: no output record");
    if (n > 0 && (!a || !b))
        return COOP_FAIL(err, COOP_EINVAL, "paired: %zu pairs but no data", n);
    if (!(level > 0.0 && level < 1.0))
        return COOP_FAIL(err, COOP_EINVAL, "paired: confidence level %g is not in (0, 1)",
                         level);

    *out = (coop_paired){
        .level = level,
        .mean_a = NAN, .mean_b = NAN, .diff = NAN, .sd_diff = NAN, .t = NAN,
        .t_lo = NAN, .t_hi = NAN, .boot_lo = NAN, .boot_hi = NAN,
        .p_t = NAN, .v = NAN, .p_wilcoxon = NAN, .d_z = NAN,
    };

    /* Scratch: the differences (then the non-zero ones), the kept a and b (then
     * |d|) and the sort permutation. */
    int status = COOP_OK;
    size_t cap = n > 0 ? n : 1;
    double *d = malloc(cap * sizeof *d);
    double *w = malloc(2 * cap * sizeof *w);
    size_t *perm = malloc(cap * sizeof *perm);
    if (!d || !w || !perm) {
        status = COOP_FAIL(err, COOP_ENOMEM, "paired: out of memory for %zu pairs", n);
        goto out;
    }

    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(a[i]) && isfinite(b[i])) {
            d[k] = a[i] - b[i];
            w[k] = a[i];
            w[cap + k] = b[i];
            k++;
        }
    }
    out->n = k;
    if (k == 0)
        goto out;
    out->mean_a = gsl_stats_mean(w, 1, k);
    out->mean_b = gsl_stats_mean(w + cap, 1, k);
    out->diff = gsl_stats_mean(d, 1, k);
    if (k < 2) {
        out->n_nonzero = d[0] != 0.0;
        goto out;
    }

    double dn = (double)k, diff = out->diff;
    double sd = gsl_stats_sd_m(d, 1, k, diff);
    double tcrit = gsl_cdf_tdist_Pinv((1.0 + level) / 2.0, dn - 1.0);
    out->sd_diff = sd;
    if (sd > 0.0) {
        double se = sd / sqrt(dn);
        out->t = diff / se;
        out->p_t = 2.0 * gsl_cdf_tdist_Q(fabs(out->t), dn - 1.0);
        out->t_lo = diff - tcrit * se;
        out->t_hi = diff + tcrit * se;
        out->d_z = diff / sd;
    } else { /* constant differences: no variation, no uncertainty */
        out->t = out->d_z = diff == 0.0 ? 0.0 : copysign(INFINITY, diff);
        out->p_t = diff == 0.0 ? 1.0 : 0.0;
        out->t_lo = out->t_hi = diff;
    }

    const double *dk = d;
    if (n_boot > 0 && (status = coop_paired_boot_shared(&dk, 1, k, level, n_boot, boot_seed,
                                                        &out->boot_lo, &out->boot_hi, err)))
        goto out;

    /* Wilcoxon on the non-zero differences, compacted in place (d is not needed
     * after the bootstrap). */
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (d[i] != 0.0)
            d[m++] = d[i];
    out->n_nonzero = m;
    wilcoxon(d, m, m < k, w, perm, out);

out:
    free(perm);
    free(w);
    free(d);
    return status;
}

int coop_paired_compare_all(const coop_paired_job *job, size_t n_jobs, double level,
                            size_t n_boot, unsigned long boot_seed, coop_err *err)
{
    for (size_t j = 0; j < n_jobs; j++) {
        int st = coop_paired_compare(job[j].a, job[j].b, job[j].n, level, 0, boot_seed,
                                     job[j].out, err);
        if (st)
            return st;
    }
    return n_boot == 0 ? COOP_OK : coop_paired_boot_all(job, n_jobs, level, n_boot, boot_seed,
                                                        err);
}

int coop_paired_boot_all(const coop_paired_job *job, size_t n_jobs, double level, size_t n_boot,
                         unsigned long boot_seed, coop_err *err)
{
    /* The jobs of one pair count k >= 2 together, each with its differences over
     * the pairs it uses, as coop_paired_compare forms them. */
    unsigned char *done = calloc(n_jobs ? n_jobs : 1, 1);
    const double **d = malloc((n_jobs ? n_jobs : 1) * sizeof *d);
    double *lo = malloc((n_jobs ? n_jobs : 1) * 2 * sizeof *lo), *hi = lo ? lo + n_jobs : NULL;
    size_t *which = malloc((n_jobs ? n_jobs : 1) * sizeof *which);
    size_t *pairs = malloc((n_jobs ? n_jobs : 1) * sizeof *pairs);
    double *diffs = NULL;
    int st = !done || !d || !lo || !which || !pairs
                 ? COOP_FAIL(err, COOP_ENOMEM, "paired: out of memory for %zu comparisons", n_jobs)
                 : COOP_OK;
    for (size_t j = 0; !st && j < n_jobs; j++) { /* the pairs coop_paired_compare keeps */
        const coop_paired_job *q = &job[j];
        pairs[j] = 0;
        for (size_t i = 0; i < q->n; i++)
            pairs[j] += isfinite(q->a[i]) && isfinite(q->b[i]);
    }
    for (size_t j = 0; !st && j < n_jobs; j++) {
        size_t k = pairs[j], m = 0;
        if (done[j] || k < 2)
            continue;
        for (size_t i = j; i < n_jobs; i++)
            if (!done[i] && pairs[i] == k)
                which[m++] = i;
        double *more = realloc(diffs, m * k * sizeof *diffs);
        if (!more) {
            st = COOP_FAIL(err, COOP_ENOMEM, "paired: out of memory for %zu bootstraps", m);
            break;
        }
        diffs = more;
        for (size_t g = 0; g < m; g++) {
            const coop_paired_job *q = &job[which[g]];
            double *dg = diffs + g * k;
            size_t u = 0;
            for (size_t i = 0; i < q->n; i++)
                if (isfinite(q->a[i]) && isfinite(q->b[i]))
                    dg[u++] = q->a[i] - q->b[i];
            d[g] = dg;
            done[which[g]] = 1;
        }
        st = coop_paired_boot_shared(d, m, k, level, n_boot, boot_seed, lo, hi, err);
        for (size_t g = 0; !st && g < m; g++) {
            job[which[g]].out->boot_lo = lo[g];
            job[which[g]].out->boot_hi = hi[g];
        }
    }
    free(diffs), free(pairs), free(which), free(lo), free(d), free(done);
    return st;
}

int coop_holm(const double *p, size_t m, double *p_adj, coop_err *err)
{
    if (m == 0)
        return COOP_OK;
    if (!p || !p_adj)
        return COOP_FAIL(err, COOP_EINVAL, "holm: %zu p-values but no array", m);
    for (size_t i = 0; i < m; i++)
        if (!isnan(p[i]) && !(p[i] >= 0.0 && p[i] <= 1.0))
            return COOP_FAIL(err, COOP_EINVAL, "holm: p-value %zu is %g, not in [0, 1]", i,
                             p[i]);

    /* q: the k non-NaN p-values; where[j]: the position of q[j] in p. */
    double *q = malloc(m * sizeof *q);
    size_t *where = malloc(m * sizeof *where);
    size_t *order = malloc(m * sizeof *order);
    if (!q || !where || !order) {
        free(order);
        free(where);
        free(q);
        return COOP_FAIL(err, COOP_ENOMEM, "holm: out of memory for %zu p-values", m);
    }
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (!isnan(p[i])) {
            q[k] = p[i];
            where[k++] = i;
        }
    }
    for (size_t i = 0; i < m; i++)
        if (isnan(p[i]))
            p_adj[i] = NAN;

    /* Step down from the smallest p: running maximum of (k - j) p_(j), 0-based j.
     * Tied p-values get the same adjusted value whatever their order, so the
     * (unstable) index sort does not matter. */
    if (k > 0)
        gsl_sort_index(order, q, 1, k);
    double run = 0.0;
    for (size_t j = 0; j < k; j++) {
        double x = (double)(k - j) * q[order[j]];
        if (x > run)
            run = x;
        p_adj[where[order[j]]] = run < 1.0 ? run : 1.0;
    }
    free(order);
    free(where);
    free(q);
    return COOP_OK;
}

coop_verdict coop_paired_verdict(double diff, double p_adj, double alpha)
{
    if (!(p_adj < alpha))
        return COOP_VERDICT_INCONCLUSIVE;
    if (diff > 0.0)
        return COOP_VERDICT_SUPPORTED;
    if (diff < 0.0)
        return COOP_VERDICT_CONTRADICTED;
    return COOP_VERDICT_INCONCLUSIVE;
}

/* 1 - T(x) and T(x) with x = +-Inf handled (GSL's t tails at infinity). */
static double t_upper(double x, double df)
{
    return isinf(x) ? (x > 0 ? 0.0 : 1.0) : gsl_cdf_tdist_Q(x, df);
}

static double t_lower(double x, double df)
{
    return isinf(x) ? (x > 0 ? 1.0 : 0.0) : gsl_cdf_tdist_P(x, df);
}

/* (diff - bound) / se, with se = 0 giving +-Inf, or 0 on the bound itself. */
static double t_stat(double diff, double bound, double se)
{
    double x = diff - bound;
    if (se > 0.0)
        return x / se;
    return x > 0.0 ? INFINITY : x < 0.0 ? -INFINITY : 0.0;
}

void coop_paired_sesoi(const coop_paired *s, double sesoi, double alpha, coop_sesoi_test *out)
{
    out->sesoi = sesoi;
    out->p_sup = out->p_con = out->p_tost = out->p_min_effect = out->p_decision = NAN;
    out->n_needed = NAN;
    out->claim = COOP_VERDICT_INCONCLUSIVE;
    if (s->n < 2 || isnan(s->diff) || isnan(s->sd_diff) || !(sesoi >= 0.0) || isinf(sesoi))
        return;
    double df = (double)(s->n - 1), se = s->sd_diff / sqrt((double)s->n);
    double hi = t_stat(s->diff, sesoi, se), lo = t_stat(s->diff, -sesoi, se);
    out->p_sup = t_upper(hi, df);
    out->p_con = t_lower(lo, df);
    double p_lo = t_upper(lo, df), p_hi = t_lower(hi, df); /* the two TOST halves */
    out->p_tost = p_lo > p_hi ? p_lo : p_hi;
    out->p_min_effect = s->diff >= 0.0 ? out->p_sup : out->p_con;
    double best = out->p_sup;
    out->claim = COOP_VERDICT_SUPPORTED;
    if (out->p_con < best)
        best = out->p_con, out->claim = COOP_VERDICT_CONTRADICTED;
    if (out->p_tost < best)
        best = out->p_tost, out->claim = COOP_VERDICT_NEGLIGIBLE;
    out->p_decision = 2.0 * best < 1.0 ? 2.0 * best : 1.0;
    if (sesoi > 0.0 && alpha > 0.0 && alpha < 1.0) {
        double t = gsl_cdf_tdist_Pinv(1.0 - alpha / 2.0, df);
        double n = ceil(pow(2.0 * t * s->sd_diff / sesoi, 2.0));
        out->n_needed = n > 2.0 ? n : 2.0;
    }
}

void coop_paired_interval(const coop_paired *s, double level, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (s->n < 2 || isnan(s->diff) || isnan(s->sd_diff) || !(level > 0.0 && level < 1.0))
        return;
    /* As coop_paired_compare computes t_lo and t_hi, operation for operation. */
    double se = s->sd_diff / sqrt((double)s->n);
    double tcrit = gsl_cdf_tdist_Pinv((1.0 + level) / 2.0, (double)s->n - 1.0);
    *lo = s->sd_diff > 0.0 ? s->diff - tcrit * se : s->diff;
    *hi = s->sd_diff > 0.0 ? s->diff + tcrit * se : s->diff;
}

void coop_clopper_pearson(unsigned long k, unsigned long n, double level, double *lo,
                          double *hi)
{
    *lo = *hi = NAN;
    if (n == 0 || k > n || !(level > 0.0 && level < 1.0))
        return;
    double a = 1.0 - level, dk = (double)k, dn = (double)n;
    *lo = k == 0 ? 0.0 : gsl_cdf_beta_Pinv(a / 2.0, dk, dn - dk + 1.0);
    *hi = k == n ? 1.0 : gsl_cdf_beta_Pinv(1.0 - a / 2.0, dk + 1.0, dn - dk);
}

coop_verdict coop_sesoi_verdict(coop_verdict claim, double p_adj, double alpha)
{
    return p_adj < alpha ? claim : COOP_VERDICT_INCONCLUSIVE;
}

int coop_gatekeep(const double *p, size_t m, size_t primary, double *p_adj, coop_err *err)
{
    if (m == 0)
        return COOP_OK;
    if (!p || !p_adj || primary >= m)
        return COOP_FAIL(err, COOP_EINVAL, "gatekeeping: %zu p-values, primary %zu", m, primary);
    double gate = p[primary];
    if (!isnan(gate) && !(gate >= 0.0 && gate <= 1.0))
        return COOP_FAIL(err, COOP_EINVAL, "gatekeeping: the primary p-value is %g, not in "
                         "[0, 1]", gate);
    double *rest = malloc(m * sizeof *rest);
    if (!rest)
        return COOP_FAIL(err, COOP_ENOMEM, "gatekeeping: out of memory for %zu p-values", m);
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (i != primary)
            rest[k++] = p[i];
    int st = coop_holm(rest, k, rest, err); /* validates the secondaries */
    if (st == COOP_OK) {
        k = 0;
        for (size_t i = 0; i < m; i++) {
            if (i == primary)
                continue;
            double q = rest[k++];
            p_adj[i] = isnan(gate) || isnan(q) ? NAN : q > gate ? q : gate;
        }
        p_adj[primary] = gate;
    }
    free(rest);
    return st;
}

const char *coop_verdict_name(coop_verdict v)
{
    switch (v) {
    case COOP_VERDICT_INCONCLUSIVE: return "inconclusive";
    case COOP_VERDICT_SUPPORTED: return "supported";
    case COOP_VERDICT_CONTRADICTED: return "contradicted";
    case COOP_VERDICT_NEGLIGIBLE: return "negligible";
    case COOP_N_VERDICTS: break;
    }
    return "unknown";
}
