/* coop_sensitivity.h: global sensitivity analysis (designs and estimators).
 *
 * Two methods, each a design (points in the unit hypercube [0,1]^k) and an
 * estimator (indices from the outputs at those points):
 *
 *  - Sobol' indices: the Saltelli (2010) design of matrices A, B and A_B^i
 *    (A with column i taken from B) from one 2k-dimensional Sobol' sequence
 *    (gsl_qrng_sobol); first-order indices by Saltelli et al. (2010, Comput.
 *    Phys. Commun. 181:259-270, table 2 (b)), total indices by Jansen (1999,
 *    Comput. Phys. Commun. 117:35-43; table 2 (f) of Saltelli 2010), second-order
 *    indices by Saltelli (2002, Comput. Phys. Commun. 145:280-297) from the
 *    extra matrices B_A^i; percentile bootstrap intervals over the rows.
 *  - Morris screening: r one-at-a-time trajectories on a p-level grid (Morris
 *    1991, Technometrics 33:161-174), optionally the r most spread of a larger
 *    set of candidates (Campolongo, Cariboni & Saltelli 2007, Environ. Model.
 *    Softw. 22:1509-1518, with the greedy selection of Ruano et al. 2012,
 *    Environ. Model. Softw. 37:103-109); mu, mu* and sigma of the elementary
 *    effects, and a percentile bootstrap interval of mu* over the trajectories.
 *
 * Everything here is a pure function on arrays: no configuration, no I/O, no
 * global state; each random draw comes from a generator local to the call and
 * seeded by its argument, so the same inputs give the same numbers bit for bit.
 * The analytic test functions (Ishigami, Sobol' G, linear) and their indices in
 * closed form live here too: they prove the estimators and drive the `function`
 * scenario type. */
#ifndef COOP_SENSITIVITY_H
#define COOP_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "coop_error.h"

#define COOP_SOBOL_MAX_K 20  /* gsl_qrng_sobol has 40 dimensions: 2k of them */

/* ---- Sobol' indices (Saltelli design) ---- */

/* Rows of the Saltelli design with n base rows and k parameters: n (k + 2), or
 * n (2k + 2) with second-order indices. */
size_t coop_saltelli_rows(size_t n, size_t k, int second_order);

/* Fills x (coop_saltelli_rows(n, k, second_order) rows of k values, row-major)
 * with the Saltelli design in [0,1)^k.  The j-th point (j = 0..n-1) that
 * gsl_qrng_sobol gives in 2k dimensions is row j of A (its first k coordinates)
 * and of B (its last k); GSL's sequence starts at (1/2, ..., 1/2), leaving out
 * the origin, and nothing more is skipped.  The rows are grouped by j:
 * block j holds A_j, then A_B^1_j .. A_B^k_j (A_j with coordinate i from B_j),
 * then with second_order B_A^1_j .. B_A^k_j (B_j with coordinate i from A_j),
 * then B_j.  Returns COOP_EINVAL (message in err) for n = 0, k = 0 or
 * k > COOP_SOBOL_MAX_K, COOP_ENOMEM if GSL cannot allocate the generator. */
int coop_saltelli_design(size_t n, size_t k, int second_order, double *x, coop_err *err);

/* Sobol' indices of one output with their bootstrap intervals.  Arrays of k
 * (s2 and its bounds: k x k row-major, the upper triangle i < j filled, the rest
 * NaN; NULL without second-order indices).  Owned by the caller through
 * coop_sobol_result_alloc / coop_sobol_result_free. */
typedef struct coop_sobol_result {
    size_t k;
    double var;                 /* variance of the outputs of A and B together */
    double *s1, *s1_lo, *s1_hi;
    double *st, *st_lo, *st_hi;
    double *s2, *s2_lo, *s2_hi;
} coop_sobol_result;

/* A result for k parameters (second-order arrays only when second_order), NaN
 * throughout; NULL when out of memory. */
coop_sobol_result *coop_sobol_result_alloc(size_t k, int second_order);
void coop_sobol_result_free(coop_sobol_result *r);

/* The indices from y, the outputs at the rows of coop_saltelli_design(n, k,
 * second_order) in the same order.  With V the variance (divisor 2n) of the 2n
 * outputs of A and B:
 *   S1_i = mean_j f(B)_j (f(A_B^i)_j - f(A)_j) / V            (Saltelli 2010)
 *   ST_i = mean_j (f(A)_j - f(A_B^i)_j)^2 / (2 V)             (Jansen 1999)
 *   S2_il = mean_j (f(B_A^i)_j f(A_B^l)_j - f(A)_j f(B)_j) / V - S1_i - S1_l
 * with every product taken of outputs centred on the mean of those 2n outputs
 * (which leaves the expectations unchanged and keeps S1's variance from growing
 * with the output's mean).  The intervals are the (1 - level)/2 and (1 + level)/2 quantiles (type 7) of
 * the indices over n_boot resamples of the n row blocks with replacement, drawn
 * by a gsl_rng_mt19937 seeded with boot_seed; n_boot = 0 leaves them NaN.
 * Returns COOP_EINVAL for n < 2, a result of another k, a missing second-order
 * part, a level outside (0, 1), a non-finite output, or outputs of A and B
 * without variance; COOP_ENOMEM when out of memory. */
int coop_sobol_indices(const double *y, size_t n, int second_order, size_t n_boot,
                       double level, uint32_t boot_seed, coop_sobol_result *out,
                       coop_err *err);

/* ---- Morris screening ---- */

/* Rows of a Morris design: r trajectories of k + 1 points. */
size_t coop_morris_rows(size_t r, size_t k);

/* Fills x (r (k + 1) rows of k values, row-major) with r trajectories on the
 * grid {0, 1/(p-1), ..., 1}, p even.  Each trajectory moves every coordinate
 * once, in a random order, by Delta = p / (2 (p - 1)) up or down: coordinate i
 * starts at a level l drawn uniformly from the p levels and moves to l + p/2 if
 * that is on the grid, else to l - p/2 (so every level is visited with equal
 * probability).  With candidates > r, that many trajectories are drawn and the
 * r most spread kept by the greedy rule of Ruano et al. (2012): start from all
 * candidates and drop, one at a time, the one whose removal keeps the largest
 * sum of squared pairwise distances, the distance of two trajectories being the
 * sum of the Euclidean distances between their points (Campolongo et al. 2007).
 * Draws from a gsl_rng_mt19937 seeded with seed.  Returns COOP_EINVAL for r = 0,
 * k = 0, p < 2 or odd, or 0 < candidates < r (0 means no selection). */
int coop_morris_design(size_t r, size_t k, size_t p, size_t candidates, uint32_t seed,
                       double *x, coop_err *err);

/* Morris statistics of one output: arrays of k.  Owned by the caller. */
typedef struct coop_morris_result {
    size_t k;
    double *mu;          /* mean elementary effect */
    double *mu_star;     /* mean absolute elementary effect (Campolongo et al. 2007) */
    double *mu_star_lo;  /* bootstrap interval of mu* */
    double *mu_star_hi;
    double *sigma;       /* standard deviation of the effects (divisor r - 1) */
} coop_morris_result;

coop_morris_result *coop_morris_result_alloc(size_t k);
void coop_morris_result_free(coop_morris_result *r);

/* The statistics from x (the design, in unit coordinates: the factor that moves
 * between consecutive points of a trajectory is read from it) and y (the output
 * at each row).  The elementary effect of the step from point s to s + 1 of a
 * trajectory is (y_{s+1} - y_s) / (x_{s+1,i} - x_{s,i}), i the coordinate that
 * changed: an effect per unit of the parameter's range.  The interval of mu* is
 * the percentile bootstrap over the r trajectories (n_boot resamples, level,
 * gsl_rng_mt19937 seeded with boot_seed; n_boot = 0 leaves it NaN).  Returns
 * COOP_EINVAL for r < 2, a result of another k, a step that does not change
 * exactly one coordinate, a level outside (0, 1) or a non-finite output. */
int coop_morris_indices(const double *x, const double *y, size_t r, size_t k,
                        size_t n_boot, double level, uint32_t boot_seed,
                        coop_morris_result *out, coop_err *err);

/* ---- Scaling from the unit hypercube ---- */

/* The parameter value at unit coordinate u in [lo, hi]: lo + u (hi - lo) on the
 * linear scale, exp(log lo + u (log hi - log lo)) on the log scale (lo > 0). */
double coop_sensitivity_scale(double u, double lo, double hi, int log_scale);

/* ---- Analytic test functions ---- */

typedef enum coop_testfn {
    COOP_TESTFN_ISHIGAMI = 0,  /* sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i in [-pi, pi], k = 3 */
    COOP_TESTFN_G = 1,         /* Sobol' G: prod (|4 x_i - 2| + a_i) / (1 + a_i), x_i in [0,1] */
    COOP_TESTFN_LINEAR = 2     /* sum c_i x_i, x_i in [0, 1] */
} coop_testfn;

/* The function's value at the unit point u[0..k-1] (each coordinate mapped to
 * the function's own domain: [-pi, pi] for Ishigami, [0, 1] otherwise).  coef:
 * Ishigami (a, b) (k must be 3), G's a_1..a_k, the linear model's c_1..c_k. */
double coop_testfn_eval(coop_testfn fn, const double *u, size_t k, const double *coef);

/* The exact first-order and total indices (arrays of k) of the function with
 * independent uniform inputs.  Ishigami: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
 * V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50), V3 = 0.
 * G: V_i = 1 / (3 (1 + a_i)^2), V = prod (1 + V_i) - 1, S1_i = V_i / V,
 * ST_i = V_i prod_{l != i} (1 + V_l) / V.  Linear: S1_i = ST_i = c_i^2 / sum c^2. */
void coop_testfn_indices(coop_testfn fn, size_t k, const double *coef, double *s1, double *st);

#endif
