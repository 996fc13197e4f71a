/* test_sensitivity.c: the sensitivity designs and estimators (coop_sensitivity.h)
 * on functions whose indices are known.
 *
 * Sobol' indices: Ishigami (a = 7, b = 0.1: S1 = 0.3139, 0.4424, 0; ST = 0.5576,
 * 0.4424, 0.2437; S13 = 0.2437, the only interaction), Sobol's G function (indices
 * from its coefficients in closed form, coop_testfn_indices) and a linear model
 * (S1 = ST = c_i^2 / sum c^2).  The estimators' error must stay below 1.5 / sqrt(N)
 * at N = 512, 2048 and 8192 base rows (the Monte Carlo rate, which a Sobol'
 * sequence beats), and the 95% bootstrap intervals must cover the truth.
 *
 * Morris: the reference mu* are the exact expectations of |EE_i| over the p-level
 * grid (each level of every coordinate equally likely), computed once with
 *   python3 -c 'import itertools, math
 *   def ish(u, a=7, b=0.1):
 *       x = [-math.pi + 2 * math.pi * v for v in u]
 *       return math.sin(x[0]) + a * math.sin(x[1])**2 + b * x[2]**4 * math.sin(x[0])
 *   def mustar(f, k, p):
 *       h = p // 2; out = []
 *       for i in range(k):
 *           s = n = 0
 *           for lv in itertools.product(range(p), repeat=k):
 *               m = lv[i] + h if lv[i] + h <= p - 1 else lv[i] - h
 *               u = [v / (p - 1) for v in lv]; w = list(u); w[i] = m / (p - 1)
 *               s += abs(f(w) - f(u)) / abs(w[i] - u[i]); n += 1
 *           out.append(s / n)
 *       return out
 *   print(mustar(ish, 3, 8))'
 * (the same with G, a = 0, 1, 4.5, 9, 99, 99, p = 4, for G).  With p = 8 the step
 * Delta = 4/7 moves x2 by about pi, where sin^2 repeats itself: Morris ranks
 * Ishigami's x1 > x3 > x2, a known blind spot of a large step on a periodic effect. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coop_sensitivity.h"

static const double ISHIGAMI[2] = {7.0, 0.1};
static const double G6[6] = {0.0, 1.0, 4.5, 9.0, 99.0, 99.0};
static const double LIN[3] = {1.0, 2.0, 3.0};

/* Exact mu* on the grid (see the comment at the top). */
static const double ISH_MUSTAR_P8[3] = {7.959193, 3.230809, 5.723541};
static const double G_MUSTAR_P4[6] = {2.574316, 1.471038, 0.588415, 0.332170, 0.034210,
                                      0.034210};

/* Runs the Saltelli design of fn through the estimator. */
static coop_sobol_result *sobol_of(coop_testfn fn, size_t k, const double *coef, size_t n,
                                   int second_order, size_t n_boot)
{
    size_t rows = coop_saltelli_rows(n, k, second_order);
    double *x = malloc(rows * k * sizeof *x), *y = malloc(rows * sizeof *y);
    coop_err err = {0};
    cr_assert_eq(coop_saltelli_design(n, k, second_order, x, &err), COOP_OK, "%s", err.text);
    for (size_t i = 0; i < rows; i++)
        y[i] = coop_testfn_eval(fn, x + i * k, k, coef);
    coop_sobol_result *r = coop_sobol_result_alloc(k, second_order);
    cr_assert_not_null(r);
    cr_assert_eq(coop_sobol_indices(y, n, second_order, n_boot, 0.95, 12345, r, &err), COOP_OK,
                 "%s", err.text);
    free(x);
    free(y);
    return r;
}

Test(sensitivity, ishigami_closed_form)
{
    double s1[3], st[3];
    coop_testfn_indices(COOP_TESTFN_ISHIGAMI, 3, ISHIGAMI, s1, st);
    const double e1[3] = {0.3139, 0.4424, 0.0}, et[3] = {0.5576, 0.4424, 0.2437};
    for (size_t i = 0; i < 3; i++) {
        cr_assert(fabs(s1[i] - e1[i]) < 5e-5, "S1_%zu = %.6f", i + 1, s1[i]);
        cr_assert(fabs(st[i] - et[i]) < 5e-5, "ST_%zu = %.6f", i + 1, st[i]);
    }
}

Test(sensitivity, g_closed_form)
{
    /* a = 0: V_1 = 1/3; a = 1: V_2 = 1/12; V = (4/3)(13/12) - 1 = 4/9 for k = 2. */
    const double a[2] = {0.0, 1.0};
    double s1[2], st[2];
    coop_testfn_indices(COOP_TESTFN_G, 2, a, s1, st);
    cr_assert(fabs(s1[0] - 0.75) < 1e-12 && fabs(s1[1] - 0.1875) < 1e-12, "%g %g", s1[0], s1[1]);
    cr_assert(fabs(st[0] - (1.0 / 3.0) * (13.0 / 12.0) / (4.0 / 9.0)) < 1e-12, "%g", st[0]);
    cr_assert(fabs(st[1] - (1.0 / 12.0) * (4.0 / 3.0) / (4.0 / 9.0)) < 1e-12, "%g", st[1]);
}

struct accuracy_case {
    coop_testfn fn;
    size_t k;
    size_t n;
};

ParameterizedTestParameters(sensitivity, sobol_accuracy)
{
    static struct accuracy_case cases[] = {
        {COOP_TESTFN_ISHIGAMI, 3, 512}, {COOP_TESTFN_ISHIGAMI, 3, 2048},
        {COOP_TESTFN_ISHIGAMI, 3, 8192}, {COOP_TESTFN_G, 6, 512},
        {COOP_TESTFN_G, 6, 2048},       {COOP_TESTFN_G, 6, 8192},
        {COOP_TESTFN_LINEAR, 3, 512},   {COOP_TESTFN_LINEAR, 3, 8192},
    };
    return cr_make_param_array(struct accuracy_case, cases, sizeof cases / sizeof cases[0]);
}

/* Every S1 and ST within 1.5 / sqrt(N) of the truth. */
ParameterizedTest(struct accuracy_case *c, sensitivity, sobol_accuracy)
{
    const double *coef = c->fn == COOP_TESTFN_ISHIGAMI ? ISHIGAMI
                         : c->fn == COOP_TESTFN_G      ? G6
                                                       : LIN;
    double s1[6], st[6];
    coop_testfn_indices(c->fn, c->k, coef, s1, st);
    coop_sobol_result *r = sobol_of(c->fn, c->k, coef, c->n, 0, 0);
    double tol = 1.5 / sqrt((double)c->n);
    for (size_t i = 0; i < c->k; i++) {
        cr_assert(fabs(r->s1[i] - s1[i]) < tol, "fn %d N %zu: S1_%zu = %.4f, exact %.4f", c->fn,
                  c->n, i + 1, r->s1[i], s1[i]);
        cr_assert(fabs(r->st[i] - st[i]) < tol, "fn %d N %zu: ST_%zu = %.4f, exact %.4f", c->fn,
                  c->n, i + 1, r->st[i], st[i]);
        cr_assert(isnan(r->s1_lo[i]), "no bootstrap, no interval");
    }
    coop_sobol_result_free(r);
}

/* The error falls with N: the largest error at N = 8192 is under a quarter of
 * that at N = 512 (16 times the rows: 1/4 at the Monte Carlo rate). */
Test(sensitivity, error_shrinks_with_n)
{
    double s1[3], st[3], worst[2] = {0.0, 0.0};
    coop_testfn_indices(COOP_TESTFN_ISHIGAMI, 3, ISHIGAMI, s1, st);
    size_t ns[2] = {512, 8192};
    for (size_t m = 0; m < 2; m++) {
        coop_sobol_result *r = sobol_of(COOP_TESTFN_ISHIGAMI, 3, ISHIGAMI, ns[m], 0, 0);
        for (size_t i = 0; i < 3; i++)
            worst[m] = fmax(worst[m], fmax(fabs(r->s1[i] - s1[i]), fabs(r->st[i] - st[i])));
        coop_sobol_result_free(r);
    }
    cr_assert(worst[1] < worst[0] / 4.0, "error %.5f at N = 8192, %.5f at 512", worst[1],
              worst[0]);
}

/* The 95% bootstrap intervals cover the exact indices, and narrow as N grows. */
Test(sensitivity, bootstrap_covers_truth)
{
    double s1[3], st[3], width[2];
    coop_testfn_indices(COOP_TESTFN_ISHIGAMI, 3, ISHIGAMI, s1, st);
    size_t ns[2] = {1024, 8192};
    for (size_t m = 0; m < 2; m++) {
        coop_sobol_result *r = sobol_of(COOP_TESTFN_ISHIGAMI, 3, ISHIGAMI, ns[m], 0, 200);
        for (size_t i = 0; i < 3; i++) {
            cr_assert(r->s1_lo[i] <= s1[i] && s1[i] <= r->s1_hi[i], "S1_%zu %.4f not in [%.4f, %.4f]",
                      i + 1, s1[i], r->s1_lo[i], r->s1_hi[i]);
            cr_assert(r->st_lo[i] <= st[i] && st[i] <= r->st_hi[i], "ST_%zu %.4f not in [%.4f, %.4f]",
                      i + 1, st[i], r->st_lo[i], r->st_hi[i]);
        }
        width[m] = r->st_hi[0] - r->st_lo[0];
        coop_sobol_result_free(r);
    }
    /* 8 times the rows: the width falls by about sqrt(8) = 2.8. */
    cr_assert(width[1] < width[0] / 2.0, "ST_1 width %.4f at 8192, %.4f at 1024", width[1],
              width[0]);
}

/* Second order: Ishigami's only interaction is x1-x3, S13 = ST_3 = 0.2437. */
Test(sensitivity, second_order_ishigami)
{
    coop_sobol_result *r = sobol_of(COOP_TESTFN_ISHIGAMI, 3, ISHIGAMI, 4096, 1, 100);
    double tol = 1.5 / sqrt(4096.0);
    cr_assert(fabs(r->s2[0 * 3 + 2] - 0.2437) < tol, "S13 = %.4f", r->s2[2]);
    cr_assert(fabs(r->s2[0 * 3 + 1]) < tol, "S12 = %.4f", r->s2[1]);
    cr_assert(fabs(r->s2[1 * 3 + 2]) < tol, "S23 = %.4f", r->s2[5]);
    cr_assert(r->s2_lo[2] < 0.2437 && 0.2437 < r->s2_hi[2], "S13 interval [%.4f, %.4f]",
              r->s2_lo[2], r->s2_hi[2]);
    cr_assert(isnan(r->s2[1 * 3 + 0]), "lower triangle stays NaN");
    coop_sobol_result_free(r);
}

/* The design: A_B^i differs from A in coordinate i only, and takes it from B. */
Test(sensitivity, saltelli_layout)
{
    size_t n = 8, k = 4, block = 2 * k + 2;
    double *x = malloc(coop_saltelli_rows(n, k, 1) * k * sizeof *x);
    cr_assert_eq(coop_saltelli_rows(n, k, 1), n * block);
    cr_assert_eq(coop_saltelli_rows(n, k, 0), n * (k + 2));
    cr_assert_eq(coop_saltelli_design(n, k, 1, x, NULL), COOP_OK);
    for (size_t j = 0; j < n; j++) {
        const double *a = x + j * block * k, *b = x + (j * block + block - 1) * k;
        for (size_t i = 0; i < k; i++) {
            const double *ab = x + (j * block + 1 + i) * k, *ba = x + (j * block + 1 + k + i) * k;
            for (size_t l = 0; l < k; l++) {
                cr_assert_eq(ab[l], l == i ? b[l] : a[l]);
                cr_assert_eq(ba[l], l == i ? a[l] : b[l]);
            }
        }
    }
    /* GSL's Sobol' sequence starts at (1/2, ...), then (3/4, 1/4, ...): A_0 and A_1. */
    cr_assert_eq(x[0], 0.5);
    cr_assert_eq(x[block * k], 0.75);
    cr_assert_eq(x[block * k + 1], 0.25);
    free(x);
}

/* Morris on the p-level grid: every step moves one coordinate by +-Delta and
 * stays on the grid. */
Test(sensitivity, morris_design_on_grid)
{
    size_t r = 20, k = 5, p = 6;
    double delta = (double)(p / 2) / (double)(p - 1);
    double *x = malloc(coop_morris_rows(r, k) * k * sizeof *x);
    cr_assert_eq(coop_morris_design(r, k, p, 0, 99, x, NULL), COOP_OK);
    for (size_t t = 0; t < r; t++) {
        int moved[5] = {0};
        for (size_t s = 0; s < k; s++) {
            const double *a = x + (t * (k + 1) + s) * k, *b = a + k;
            for (size_t i = 0; i < k; i++) {
                double lv = a[i] * (double)(p - 1);
                cr_assert(fabs(lv - round(lv)) < 1e-12 && a[i] >= 0.0 && a[i] <= 1.0);
                if (a[i] != b[i]) {
                    cr_assert(fabs(fabs(b[i] - a[i]) - delta) < 1e-12);
                    moved[i]++;
                }
            }
        }
        for (size_t i = 0; i < k; i++)
            cr_assert_eq(moved[i], 1, "trajectory %zu moves x%zu %d times", t, i, moved[i]);
    }
    free(x);
}

/* The sum of pairwise trajectory distances (Campolongo et al. 2007). */
static double spread(const double *x, size_t r, size_t k)
{
    double total = 0.0;
    for (size_t a = 0; a < r; a++)
        for (size_t b = a + 1; b < r; b++)
            for (size_t s = 0; s <= k; s++)
                for (size_t t = 0; t <= k; t++) {
                    double sq = 0.0;
                    for (size_t i = 0; i < k; i++) {
                        double e = x[(a * (k + 1) + s) * k + i] - x[(b * (k + 1) + t) * k + i];
                        sq += e * e;
                    }
                    total += sqrt(sq);
                }
    return total;
}

/* Selecting 10 of 100 candidates spreads the trajectories more than 10 drawn plainly. */
Test(sensitivity, morris_spread)
{
    size_t r = 10, k = 4;
    double *plain = malloc(coop_morris_rows(r, k) * k * sizeof *plain);
    double *picked = malloc(coop_morris_rows(r, k) * k * sizeof *picked);
    cr_assert_eq(coop_morris_design(r, k, 4, 0, 5, plain, NULL), COOP_OK);
    cr_assert_eq(coop_morris_design(r, k, 4, 100, 5, picked, NULL), COOP_OK);
    double sp = spread(plain, r, k), sk = spread(picked, r, k);
    cr_assert(sk > 1.05 * sp, "spread %.2f selected, %.2f plain", sk, sp);
    free(plain);
    free(picked);
}

static coop_morris_result *morris_of(coop_testfn fn, size_t k, const double *coef, size_t r,
                                     size_t p)
{
    size_t rows = coop_morris_rows(r, k);
    double *x = malloc(rows * k * sizeof *x), *y = malloc(rows * sizeof *y);
    coop_err err = {0};
    cr_assert_eq(coop_morris_design(r, k, p, 0, 2024, x, &err), COOP_OK, "%s", err.text);
    for (size_t i = 0; i < rows; i++)
        y[i] = coop_testfn_eval(fn, x + i * k, k, coef);
    coop_morris_result *m = coop_morris_result_alloc(k);
    cr_assert_eq(coop_morris_indices(x, y, r, k, 500, 0.95, 7, m, &err), COOP_OK, "%s", err.text);
    free(x);
    free(y);
    return m;
}

/* Ishigami, p = 8, r = 200: x1 > x3 > x2 by mu*, each within 15% of its grid
 * expectation and inside its bootstrap interval. */
Test(sensitivity, morris_ishigami)
{
    coop_morris_result *m = morris_of(COOP_TESTFN_ISHIGAMI, 3, ISHIGAMI, 200, 8);
    cr_assert(m->mu_star[0] > m->mu_star[2] && m->mu_star[2] > m->mu_star[1],
              "mu* = %.3f %.3f %.3f", m->mu_star[0], m->mu_star[1], m->mu_star[2]);
    for (size_t i = 0; i < 3; i++) {
        cr_assert(fabs(m->mu_star[i] - ISH_MUSTAR_P8[i]) < 0.15 * ISH_MUSTAR_P8[i],
                  "mu*_%zu = %.3f, expected %.3f", i + 1, m->mu_star[i], ISH_MUSTAR_P8[i]);
        cr_assert(m->mu_star_lo[i] <= ISH_MUSTAR_P8[i] && ISH_MUSTAR_P8[i] <= m->mu_star_hi[i],
                  "x%zu: %.3f not in [%.3f, %.3f]", i + 1, ISH_MUSTAR_P8[i], m->mu_star_lo[i],
                  m->mu_star_hi[i]);
        cr_assert(m->mu_star[i] >= fabs(m->mu[i]) && m->sigma[i] > 0.0);
    }
    coop_morris_result_free(m);
}

/* G: mu* falls with a_i (0, 1, 4.5, 9, 99); x1 is monotone in no direction, so
 * mu ~ 0 while mu* is large (the reason for mu*). */
Test(sensitivity, morris_g_order)
{
    coop_morris_result *m = morris_of(COOP_TESTFN_G, 6, G6, 400, 4);
    for (size_t i = 0; i + 2 < 6; i++)
        cr_assert(m->mu_star[i] > m->mu_star[i + 1], "mu*_%zu %.4f <= mu*_%zu %.4f", i + 1,
                  m->mu_star[i], i + 2, m->mu_star[i + 1]);
    for (size_t i = 0; i < 6; i++)
        cr_assert(fabs(m->mu_star[i] - G_MUSTAR_P4[i]) < 0.15 * G_MUSTAR_P4[i],
                  "mu*_%zu = %.4f, expected %.4f", i + 1, m->mu_star[i], G_MUSTAR_P4[i]);
    cr_assert(fabs(m->mu[0]) < 0.25 * m->mu_star[0], "mu_1 = %.3f", m->mu[0]);
    coop_morris_result_free(m);
}

/* A linear model's elementary effects are its coefficients, exactly. */
Test(sensitivity, morris_linear_exact)
{
    coop_morris_result *m = morris_of(COOP_TESTFN_LINEAR, 3, LIN, 10, 4);
    for (size_t i = 0; i < 3; i++) {
        cr_assert(fabs(m->mu[i] - LIN[i]) < 1e-12 && fabs(m->mu_star[i] - LIN[i]) < 1e-12);
        cr_assert(m->sigma[i] < 1e-12);
    }
    coop_morris_result_free(m);
}

Test(sensitivity, deterministic)
{
    coop_sobol_result *a = sobol_of(COOP_TESTFN_G, 6, G6, 256, 0, 50);
    coop_sobol_result *b = sobol_of(COOP_TESTFN_G, 6, G6, 256, 0, 50);
    cr_assert_eq(memcmp(a->st_lo, b->st_lo, 6 * sizeof(double)), 0);
    cr_assert_eq(memcmp(a->s1_hi, b->s1_hi, 6 * sizeof(double)), 0);
    coop_sobol_result_free(a);
    coop_sobol_result_free(b);
}

Test(sensitivity, scale)
{
    cr_assert(fabs(coop_sensitivity_scale(0.5, 2.0, 4.0, 0) - 3.0) < 1e-15);
    cr_assert(fabs(coop_sensitivity_scale(0.5, 1.0, 100.0, 1) - 10.0) < 1e-12);
    cr_assert(fabs(coop_sensitivity_scale(1.0, 1.0, 100.0, 1) - 100.0) < 1e-12);
}

Test(sensitivity, errors)
{
    coop_err err = {0};
    double x[64], y[64];
    cr_assert_eq(coop_saltelli_design(0, 3, 0, x, &err), COOP_EINVAL);
    cr_assert_eq(coop_saltelli_design(4, 21, 0, x, &err), COOP_EINVAL);
    cr_assert(strstr(err.text, "k = 21"), "%s", err.text);
    cr_assert_eq(coop_morris_design(2, 3, 5, 0, 1, x, &err), COOP_EINVAL);
    cr_assert(strstr(err.text, "p = 5"), "%s", err.text);
    cr_assert_eq(coop_morris_design(4, 3, 4, 2, 1, x, &err), COOP_EINVAL);

    coop_sobol_result *r = coop_sobol_result_alloc(2, 0);
    for (size_t i = 0; i < 16; i++)
        y[i] = 1.0;                                            /* no variance */
    cr_assert_eq(coop_sobol_indices(y, 4, 0, 0, 0.95, 1, r, &err), COOP_EINVAL);
    cr_assert(strstr(err.text, "do not vary"), "%s", err.text);
    y[5] = NAN;
    cr_assert_eq(coop_sobol_indices(y, 4, 0, 0, 0.95, 1, r, &err), COOP_EINVAL);
    cr_assert(strstr(err.text, "row 5"), "%s", err.text);
    cr_assert_eq(coop_sobol_indices(y, 4, 1, 0, 0.95, 1, r, &err), COOP_EINVAL);
    cr_assert_eq(coop_sobol_indices(y, 1, 0, 0, 0.95, 1, r, &err), COOP_EINVAL);
    y[5] = 2.0;
    cr_assert_eq(coop_sobol_indices(y, 4, 0, 0, 1.5, 1, r, &err), COOP_EINVAL);
    cr_assert(strstr(err.text, "level"), "%s", err.text);
    coop_sobol_result_free(r);

    /* A Morris step that moves two coordinates. */
    double bad[3 * 2] = {0, 0, 1, 1, 1, 0};
    coop_morris_result *m = coop_morris_result_alloc(2);
    y[0] = 0; y[1] = 1; y[2] = 2;
    cr_assert_eq(coop_morris_indices(bad, y, 1, 2, 0, 0.95, 1, m, &err), COOP_EINVAL);
    double bad2[6 * 2] = {0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1};
    double y2[6] = {0, 1, 2, 0, 1, 2};
    cr_assert_eq(coop_morris_indices(bad2, y2, 2, 2, 0, 0.95, 1, m, &err), COOP_EINVAL);
    cr_assert(strstr(err.text, "change 2 coordinates"), "%s", err.text);
    coop_morris_result_free(m);
}

/* A constant added to the output changes no index: Ishigami + 1000 at N = 2048
 * gives the same S1 and ST (to rounding), where the uncentred Saltelli product
 * f(B) (f(A_B^i) - f(A)) would have an error of order 1000 / sqrt(V N). */
Test(sensitivity, shift_invariant)
{
    size_t n = 2048, k = 3, rows = coop_saltelli_rows(n, k, 1);
    double *x = malloc(rows * k * sizeof *x), *y = malloc(rows * sizeof *y);
    cr_assert_eq(coop_saltelli_design(n, k, 1, x, NULL), COOP_OK);
    coop_sobol_result *a = coop_sobol_result_alloc(k, 1), *b = coop_sobol_result_alloc(k, 1);
    for (size_t i = 0; i < rows; i++)
        y[i] = coop_testfn_eval(COOP_TESTFN_ISHIGAMI, x + i * k, k, ISHIGAMI);
    cr_assert_eq(coop_sobol_indices(y, n, 1, 0, 0.95, 1, a, NULL), COOP_OK);
    for (size_t i = 0; i < rows; i++)
        y[i] += 1000.0;
    cr_assert_eq(coop_sobol_indices(y, n, 1, 0, 0.95, 1, b, NULL), COOP_OK);
    for (size_t i = 0; i < k; i++) {
        cr_assert(fabs(a->s1[i] - b->s1[i]) < 1e-6, "S1_%zu %.6f vs %.6f", i + 1, a->s1[i],
                  b->s1[i]);
        cr_assert(fabs(a->st[i] - b->st[i]) < 1e-6, "ST_%zu", i + 1);
    }
    cr_assert(fabs(a->s2[2] - b->s2[2]) < 1e-6, "S13 %.6f vs %.6f", a->s2[2], b->s2[2]);
    coop_sobol_result_free(a);
    coop_sobol_result_free(b);
    free(x);
    free(y);
}
