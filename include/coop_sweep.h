/* coop_sweep.h: the points of a parameter sweep (the configuration's `sweep` group).
 *
 * A sweep is a list of points 0 .. n-1; point p is a vector of values, one per
 * swept parameter (sweep.parameters, in order).  Its configuration is the base
 * configuration with those values set, parameter by parameter, by
 * coop_config_set_param (op set): every value is range-checked exactly as
 * `--set` and events check it.  The methods (docs/CONFIG.md, `sweep`):
 *
 *   grid   every combination of the parameters' values; the last parameter varies
 *          fastest (point p is p written in mixed radix, first parameter outermost)
 *   lhs    a Latin hypercube of n points: for each parameter j a random permutation
 *          pi_j of 0..n-1 and a jitter u in [0, 1), unit value (pi_j(p) + u) / n, so
 *          that every one of the n strata of every parameter holds exactly one point
 *          (McKay, Beckman & Conover 1979).  The permutations and jitters come from a
 *          GSL mt19937 generator of their own seeded with
 *          coop_rng_seed(sweep.seed, 0, 0, COOP_STREAM_LHS) (a stream of its own): for
 *          each parameter in order, gsl_ran_shuffle of the identity, then n draws of
 *          gsl_rng_uniform for points 0..n-1
 *   sobol  the first n points of GSL's gsl_qrng_sobol in dimension n_params (at most
 *          40), as gsl_qrng_get returns them
 *   list   the rows of sweep.rows
 *
 * A unit value x in [0, 1) becomes min + x * (max - min), or with log = true
 * exp(log(min) + x * (log(max) - log(min))), clamped to [min, max].
 *
 * Memory: the values of every point are kept (n x n_params doubles, at most
 * COOP_MAX_POINTS points); point configurations are built one at a time, on
 * demand. */
#ifndef COOP_SWEEP_H
#define COOP_SWEEP_H

#include <stddef.h>

#include "coop_config.h"
#include "coop_error.h"

typedef struct coop_sweep coop_sweep;

/* The points of cfg's sweep.  Builds every point's configuration once (and
 * replays cfg's events on it) so that a value that only fails in combination
 * (institutions.theta out of order, an event driving a swept parameter out of
 * range) is a configuration error now, not in the middle of a sweep.  cfg need
 * not outlive the sweep.  NULL with err filled on failure: COOP_ECONFIG when cfg
 * has no sweep group or a point is invalid ("sweep point P (PATH = V, ...): ..."),
 * COOP_ENOMEM. */
coop_sweep *coop_sweep_alloc(const coop_config *cfg, coop_err *err);

/* Releases s; NULL does nothing. */
void coop_sweep_free(coop_sweep *s);

/* The number of points, in [1, COOP_MAX_POINTS]. */
int coop_sweep_size(const coop_sweep *s);

/* The number of swept parameters, and parameter j's path as the configuration
 * writes it (owned by s). */
size_t coop_sweep_n_params(const coop_sweep *s);
const char *coop_sweep_param(const coop_sweep *s, size_t j);

/* The values of point p (0 <= p < size) into values[0 .. n_params-1]. */
void coop_sweep_values(const coop_sweep *s, int p, double *values);

/* The configuration of point p into *out (overwritten; release it with
 * coop_config_destroy): the base configuration, without its sweep group, with
 * point p's values set.  COOP_EINVAL for p out of range, COOP_ENOMEM. */
int coop_sweep_config(const coop_sweep *s, int p, coop_config *out, coop_err *err);

#endif
